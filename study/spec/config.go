package spec

import (
	"github.com/study-harness/study/models"
	"github.com/study-harness/study/optim"
)

// Config is the fully resolved configuration of one run: every run field,
// with defaults filled in. Any field may be set in `fixed:` or swept in
// `axes:`; the json name is the spec key. New run fields are added by adding
// a field here or to models.Options / optim.Settings (embedded, so their
// keys are flat).
//
// The canonical JSON encoding of a Config (encoding/json, fields in
// declaration order) is what the run id hashes.
type Config struct {
	models.Options
	optim.Settings
	Batch   int      `json:"batch"`   // minibatch size (> 0)
	Epochs  int      `json:"epochs"`  // passes over the training data (> 0)
	Augment []string `json:"augment"` // augmentations applied in order; empty = none
	// Seed is the run's seed. Each random stream has its own seed, which
	// defaults to Seed and can be swept on its own so that a study can
	// separate initialisation noise from data-order noise.
	Seed      int64 `json:"seed"`
	InitSeed  int64 `json:"init_seed"`  // weight initialisation, dropout
	OrderSeed int64 `json:"order_seed"` // minibatch order
	AugSeed   int64 `json:"aug_seed"`   // augmentation draws
}
