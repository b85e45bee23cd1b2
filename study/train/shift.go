package train

import (
	"math/rand/v2"

	"github.com/study-harness/study/study/data"
)

func init() { registerAugmentation("shift", augmentation{Check: checkImage, Batch: shift}) }

// MaxShift is the largest shift, in pixels, of the shift and crop
// augmentations.
const MaxShift = 2

// shift moves each image by dy rows and dx columns, each uniform in
// [−MaxShift, MaxShift] (two draws per image: dy, then dx), filling the
// uncovered pixels with 0.
func shift(b *batch, d *data.Set, rng *rand.Rand) {
	tmp := make([]float32, d.In)
	for i := range b.N {
		dy := rng.IntN(2*MaxShift+1) - MaxShift
		dx := rng.IntN(2*MaxShift+1) - MaxShift
		translate(b.imageOf(i, d), tmp, d, dy, dx)
	}
}

// translate moves img by dy rows down and dx columns right in place,
// with zero fill, using tmp (len d.In) as scratch.
func translate(img, tmp []float32, d *data.Set, dy, dx int) {
	h, w, c := d.Height, d.Width, d.Chans
	clear(tmp)
	for r := range h {
		sr := r - dy
		if sr < 0 || sr >= h {
			continue
		}
		for col := range w {
			sc := col - dx
			if sc < 0 || sc >= w {
				continue
			}
			copy(tmp[(r*w+col)*c:(r*w+col+1)*c], img[(sr*w+sc)*c:(sr*w+sc+1)*c])
		}
	}
	copy(img, tmp)
}
