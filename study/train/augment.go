package train

import (
	"math/rand/v2"
	"sort"

	"github.com/study-harness/study/study/data"
	"github.com/study-harness/study/study/spec"
)

// batch is one minibatch as the augmentations see it: a copy of the rows,
// so that they may be changed in place.
type batch struct {
	X []float32 // N×In inputs, row-major
	N int       // rows
	// Soft holds N×K soft targets when the run trains on soft labels
	// (label smoothing or mixup), nil otherwise. K is 1 for a binary task
	// (the probability of class 1) and Classes otherwise.
	Soft []float32
	K    int
}

// augmentation is a random transformation of the training data, selected
// by name in a run's augment list. Each one lives in its own file and
// registers itself from init. An augmentation sets Batch, Epoch or both;
// the batch transformations of a run's list are applied in list order to
// each minibatch.
type augmentation struct {
	// Check reports, before training, why the augmentation cannot apply
	// to the data (for example, the data are not images). nil accepts any
	// data.
	Check func(d *data.Set) error
	// Batch transforms a copy of a minibatch in place, drawing from rng,
	// the run's augmentation stream.
	Batch func(b *batch, d *data.Set, rng *rand.Rand)
	// Epoch, when set, returns the training rows of an epoch, given the
	// run's rows (its data subset) and drawing from rng; the order stream
	// then shuffles them.
	Epoch func(rows []int, d *data.Set, rng *rand.Rand) []int
	// Soft marks an augmentation that needs soft targets (mixup).
	Soft bool
}

var augmentations = map[string]augmentation{}

// registerAugmentation adds an augmentation under name and makes the name
// valid in a spec's augment field (spec.RegisterAugment).
func registerAugmentation(name string, a augmentation) {
	if _, dup := augmentations[name]; dup {
		panic("train: duplicate augmentation " + name)
	}
	augmentations[name] = a
	spec.RegisterAugment(name)
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

// imageOf returns image i of the batch.
func (b *batch) imageOf(i int, d *data.Set) []float32 { return b.X[i*d.In : (i+1)*d.In] }
