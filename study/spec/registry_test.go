package spec

import (
	"math/rand/v2"
	"slices"

	"github.com/study-harness/study/models"
	"github.com/study-harness/study/optim"
)

// The tests name the architectures logreg and mlp and the optimizers sgd
// and adam. Register stand-ins for those that the models and optim
// packages do not (yet) provide; the spec package only checks names.
func init() {
	for _, name := range []string{"logreg", "mlp"} {
		if !slices.Contains(models.Names(), name) {
			models.Register(name, func(models.Shape, models.Options, *rand.Rand) (any, error) { return nil, nil })
		}
	}
	for _, name := range []string{"sgd", "adam"} {
		if !slices.Contains(optim.Names(), name) {
			optim.Register(name, func(optim.Settings) optim.Method { return nil })
		}
	}
}
