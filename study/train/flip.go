package train

import (
	"fmt"
	"math/rand/v2"

	"github.com/study-harness/study/study/data"
)

func init() {
	registerAugmentation("flip", augmentation{Check: checkImage, Batch: flip})
	registerAugmentation("flip_lr", augmentation{Check: checkImage, Batch: flipLR})
	registerAugmentation("flip_ud", augmentation{Check: checkImage, Batch: flipUD})
}

// checkImage reports data that are not images of Height×Width×Chans.
func checkImage(d *data.Set) error {
	if d.Height <= 0 || d.Width <= 0 || d.Chans <= 0 || d.Height*d.Width*d.Chans != d.In {
		return fmt.Errorf("data %q are not images (height %d, width %d, channels %d, %d features)", d.Name, d.Height, d.Width, d.Chans, d.In)
	}
	return nil
}

// flip mirrors each image left–right with probability 1/2, then up–down
// with probability 1/2: two draws per image, in that order. Images are
// row-major Height×Width×Chans (channels last). A quarter of the images
// end up turned by 180°, which does not preserve the label of every
// class (on digits, 6 and 9 swap, and up–down alone turns most digits
// into non-digits): flip_lr and flip_ud are the two halves alone.
func flip(b *batch, d *data.Set, rng *rand.Rand) {
	for i := range b.N {
		img := b.imageOf(i, d)
		if rng.Float64() < 0.5 {
			mirrorLR(img, d)
		}
		if rng.Float64() < 0.5 {
			mirrorUD(img, d)
		}
	}
}

// flipLR mirrors each image left–right with probability 1/2 (one draw
// per image).
func flipLR(b *batch, d *data.Set, rng *rand.Rand) {
	for i := range b.N {
		if rng.Float64() < 0.5 {
			mirrorLR(b.imageOf(i, d), d)
		}
	}
}

// flipUD mirrors each image up–down with probability 1/2 (one draw per
// image).
func flipUD(b *batch, d *data.Set, rng *rand.Rand) {
	for i := range b.N {
		if rng.Float64() < 0.5 {
			mirrorUD(b.imageOf(i, d), d)
		}
	}
}

// mirrorLR reverses the columns of img in place, keeping each pixel's
// channels together.
func mirrorLR(img []float32, d *data.Set) {
	h, w, c := d.Height, d.Width, d.Chans
	for r := range h {
		row := img[r*w*c : (r+1)*w*c]
		for a, b := 0, w-1; a < b; a, b = a+1, b-1 {
			for k := range c {
				row[a*c+k], row[b*c+k] = row[b*c+k], row[a*c+k]
			}
		}
	}
}

// mirrorUD reverses the rows of img in place.
func mirrorUD(img []float32, d *data.Set) {
	h, w, c := d.Height, d.Width, d.Chans
	for a, b := 0, h-1; a < b; a, b = a+1, b-1 {
		ra, rb := img[a*w*c:(a+1)*w*c], img[b*w*c:(b+1)*w*c]
		for k := range ra {
			ra[k], rb[k] = rb[k], ra[k]
		}
	}
}
