package train

import (
	"math/rand/v2"
	"sort"

	"github.com/study-harness/study/study/data"
)

// augmentation is a random transformation of training batches, selected
// by name in a run's augment list. Each one lives in its own file and
// registers itself from init.
type augmentation struct {
	// Check reports, before training, why the augmentation cannot apply
	// to the data (for example, the data are not images).
	Check func(d *data.Set) error
	// Apply transforms the n rows of x (a copy of the batch) in place,
	// drawing from rng, the run's augmentation stream.
	Apply func(x []float32, n int, d *data.Set, rng *rand.Rand)
}

var augmentations = map[string]augmentation{}

// registerAugmentation adds an augmentation under name.
func registerAugmentation(name string, a augmentation) {
	if _, dup := augmentations[name]; dup {
		panic("train: duplicate augmentation " + name)
	}
	augmentations[name] = a
}

// AugmentationNames returns the names a run's augment list may use, sorted.
func AugmentationNames() []string {
	out := make([]string, 0, len(augmentations))
	for k := range augmentations {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
