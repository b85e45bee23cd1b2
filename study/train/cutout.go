package train

import (
	"math"
	"math/rand/v2"

	"github.com/study-harness/study/study/data"
)

func init() { registerAugmentation("cutout", augmentation{Check: checkImage, Batch: cutout}) }

// cutoutSide is the side of the cutout square for an h×w image: 2/7 of the
// shorter side, rounded (8 pixels for 28×28 MNIST), at least 1.
func cutoutSide(h, w int) int {
	return max(1, int(math.Round(float64(min(h, w))*2/7)))
}

// cutout zeroes one square of side cutoutSide in each image (DeVries and
// Taylor): its centre is uniform over the pixels (two draws per image: row,
// then column) and the square is clipped at the border, so a square near
// the edge zeroes fewer pixels.
func cutout(b *batch, d *data.Set, rng *rand.Rand) {
	h, w, c := d.Height, d.Width, d.Chans
	s := cutoutSide(h, w)
	for i := range b.N {
		img := b.imageOf(i, d)
		cy, cx := rng.IntN(h), rng.IntN(w)
		r0, c0 := max(0, cy-s/2), max(0, cx-s/2)
		r1, c1 := min(h, cy-s/2+s), min(w, cx-s/2+s)
		for r := r0; r < r1; r++ {
			clear(img[(r*w+c0)*c : (r*w+c1)*c])
		}
	}
}
