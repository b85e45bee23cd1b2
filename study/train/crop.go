package train

import (
	"math/rand/v2"

	"github.com/study-harness/study/study/data"
)

func init() { registerAugmentation("crop", augmentation{Check: checkImage, Batch: crop}) }

// crop is torchvision's RandomCrop(size, padding=MaxShift): each image is
// padded with MaxShift zero pixels on every side and a window of the
// original size is cut at a random offset, top then left, each uniform in
// [0, 2·MaxShift] (two draws per image). The result has the same
// distribution as shift; the two differ in how the draws are made, and so
// in which image gets which offset.
func crop(b *batch, d *data.Set, rng *rand.Rand) {
	tmp := make([]float32, d.In)
	for i := range b.N {
		top := rng.IntN(2*MaxShift + 1)
		left := rng.IntN(2*MaxShift + 1)
		// Cutting at (top, left) of the padded image moves the content
		// by MaxShift−top rows and MaxShift−left columns.
		translate(b.imageOf(i, d), tmp, d, MaxShift-top, MaxShift-left)
	}
}
