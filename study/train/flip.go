package train

import (
	"fmt"
	"math/rand/v2"

	"github.com/study-harness/study/study/data"
)

func init() { registerAugmentation("flip", augmentation{Check: checkImage, Batch: flip}) }

// checkImage reports data that are not images of Height×Width×Chans.
func checkImage(d *data.Set) error {
	if d.Height <= 0 || d.Width <= 0 || d.Chans <= 0 || d.Height*d.Width*d.Chans != d.In {
		return fmt.Errorf("data %q are not images (height %d, width %d, channels %d, %d features)", d.Name, d.Height, d.Width, d.Chans, d.In)
	}
	return nil
}

// flip mirrors each image left–right with probability 1/2, then up–down
// with probability 1/2: two draws per image, in that order. Images are
// row-major Height×Width×Chans (channels last).
func flip(b *batch, d *data.Set, rng *rand.Rand) {
	h, w, c := d.Height, d.Width, d.Chans
	for i := range b.N {
		img := b.imageOf(i, d)
		if rng.Float64() < 0.5 {
			for r := range h {
				row := img[r*w*c : (r+1)*w*c]
				for a, b := 0, w-1; a < b; a, b = a+1, b-1 {
					for k := range c {
						row[a*c+k], row[b*c+k] = row[b*c+k], row[a*c+k]
					}
				}
			}
		}
		if rng.Float64() < 0.5 {
			for a, b := 0, h-1; a < b; a, b = a+1, b-1 {
				ra, rb := img[a*w*c:(a+1)*w*c], img[b*w*c:(b+1)*w*c]
				for k := range ra {
					ra[k], rb[k] = rb[k], ra[k]
				}
			}
		}
	}
}
