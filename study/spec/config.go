package spec

import (
	"fmt"
	"sort"
	"strings"

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
	// DataSubset selects the training data of a run: full (default),
	// bootstrap, half-a, half-b, overlap-a, overlap-b (halves sharing 50%),
	// or a fraction in (0, 1) such as "0.5",
	// drawn from the data_seed stream so that runs can share data or not.
	DataSubset string `json:"data_subset,omitempty"`
	DataSeed   int64  `json:"data_seed,omitempty"` // training-data subset draws; defaults to seed
	// Patience stops training when validation accuracy has not improved
	// for this many epochs, keeping the best epoch's weights; 0 = off.
	Patience       int     `json:"patience,omitempty"`
	LabelSmoothing float64 `json:"label_smoothing,omitempty"` // in [0, 1)
	// Init is where the weights start: scratch (the zero value) or another
	// run's trained weights; see Init. omitzero keeps it out of the
	// canonical config (and run id) of runs from scratch.
	Init Init `json:"init,omitzero"`
	// Adversarial is adversarial training; see Adversarial. omitzero keeps
	// it out of the canonical config of runs without it.
	Adversarial Adversarial `json:"adversarial,omitzero"`
	// SaveWeights stores the trained weights as runs/<id>/weights.safetensors.
	// The grid turns it on for every run that another run starts from.
	SaveWeights bool `json:"save_weights,omitempty"`
	// Role is a free label; runs with role pretrain are auxiliary: trained
	// and cached, but left out of the prediction matrix and the metrics.
	Role string `json:"role,omitempty"`
	// Labels trains and tests the run only on these classes, remapped to
	// 0..k−1 in the order given (pretraining on digits 0–4, say).
	Labels []int `json:"labels,omitempty"`
	// Positive makes the run a binary task of its own: the classes in
	// Positive become 1, the others 0 (a backbone for transfer across
	// tasks). Labels and Positive are of the original dataset's classes,
	// and need role pretrain, since the run's test set is not the study's.
	Positive []int `json:"positive,omitempty"`
}

// Defaults of the run fields that have one; see Default.
const (
	DefaultArch      = "mlp"
	DefaultOptimizer = "adam"
	DefaultLR        = 0.001
	DefaultBatch     = 64
	DefaultEpochs    = 5
)

// Default returns the config of a run that sets nothing: arch mlp,
// optimizer adam, lr 0.001, batch 64, epochs 5, no augmentation. The
// seeds are zero here; Spec.Resolve sets seed to the spec seed and the
// per-stream seeds to the run's seed.
func Default() Config {
	return Config{
		Options:  models.Options{Arch: DefaultArch},
		Settings: optim.Settings{Optimizer: DefaultOptimizer, LR: DefaultLR},
		Batch:    DefaultBatch,
		Epochs:   DefaultEpochs,
		Augment:  []string{},
	}
}

// Validate reports the first invalid field of c as a *models.FieldError
// naming the field by its spec key. It checks the architecture options and
// the optimizer settings (models.Options.Validate, optim.Settings.Validate),
// then batch, epochs, the augmentation names, data_subset (see
// ParseDataSubset), patience ≥ 0, label_smoothing in [0, 1), and the sharing fields init,
// role, labels and positive.
func (c Config) Validate() error {
	if err := c.Options.Validate(); err != nil {
		return err
	}
	if err := c.Settings.Validate(); err != nil {
		return err
	}
	if c.Batch <= 0 {
		return &models.FieldError{Field: "batch", Msg: fmt.Sprintf("batch %d must be > 0", c.Batch)}
	}
	if c.Epochs <= 0 {
		return &models.FieldError{Field: "epochs", Msg: fmt.Sprintf("epochs %d must be > 0", c.Epochs)}
	}
	for _, a := range c.Augment {
		if !augments[a] {
			return &models.FieldError{Field: "augment", Msg: fmt.Sprintf("unknown augmentation %q (known: %v)", a, AugmentNames())}
		}
	}
	if _, _, err := ParseDataSubset(c.DataSubset); err != nil {
		return &models.FieldError{Field: "data_subset", Msg: err.Error()}
	}
	if c.Patience < 0 {
		return &models.FieldError{Field: "patience", Msg: fmt.Sprintf("patience %d must be ≥ 0 (0 = no early stopping)", c.Patience)}
	}
	if !(c.LabelSmoothing >= 0 && c.LabelSmoothing < 1) {
		return &models.FieldError{Field: "label_smoothing", Msg: fmt.Sprintf("label_smoothing %v must be in [0, 1)", c.LabelSmoothing)}
	}
	if err := c.Adversarial.validate(); err != nil {
		return err
	}
	return c.validateSharing()
}

// augments holds the known augmentation names. It is written only from
// init functions (RegisterAugment), so it needs no lock.
var augments = map[string]bool{"flip": true}

// RegisterAugment makes name a valid augmentation in the augment field.
// The package that implements an augmentation calls it from init. The name
// none is reserved for the empty list and names may not contain "+", which
// joins list elements in run names.
func RegisterAugment(name string) {
	if name == "" || name == NoneValue || strings.ContainsAny(name, "+ ") {
		panic(fmt.Sprintf("spec: invalid augmentation name %q", name))
	}
	augments[name] = true
}

// AugmentNames returns the known augmentation names, sorted.
func AugmentNames() []string {
	out := make([]string, 0, len(augments))
	for a := range augments {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}
