package train

import (
	"math"
	"math/rand/v2"

	"github.com/study-harness/study/study/data"
)

func init() { registerAugmentation("rotate", augmentation{Check: checkImage, Batch: rotate}) }

// MaxRotation is the largest rotation of the rotate augmentation, in degrees.
const MaxRotation = 15

// rotate turns each image by an angle uniform in [−MaxRotation,
// MaxRotation] degrees (one draw per image) about its centre, sampling the
// source bilinearly with 0 outside the image.
func rotate(b *batch, d *data.Set, rng *rand.Rand) {
	tmp := make([]float32, d.In)
	for i := range b.N {
		deg := (2*rng.Float64() - 1) * MaxRotation
		rotateImage(b.imageOf(i, d), tmp, d, deg*math.Pi/180)
	}
}

// rotateImage rotates img in place by theta radians (counter-clockwise as
// displayed, rows going down), using tmp (len d.In) as scratch.
func rotateImage(img, tmp []float32, d *data.Set, theta float64) {
	data.Rotate(tmp, img, d.Height, d.Width, d.Chans, theta)
	copy(img, tmp)
}
