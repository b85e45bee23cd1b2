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
	h, w, c := d.Height, d.Width, d.Chans
	cy, cx := float64(h-1)/2, float64(w-1)/2
	sin, cos := math.Sincos(theta)
	at := func(r, col, k int) float64 {
		if r < 0 || r >= h || col < 0 || col >= w {
			return 0
		}
		return float64(img[(r*w+col)*c+k])
	}
	for r := range h {
		for col := range w {
			// The source of output pixel (r, col) is the inverse rotation
			// of its offset from the centre.
			y, x := float64(r)-cy, float64(col)-cx
			sy := cos*y + sin*x + cy
			sx := -sin*y + cos*x + cx
			y0, x0 := math.Floor(sy), math.Floor(sx)
			fy, fx := sy-y0, sx-x0
			r0, c0 := int(y0), int(x0)
			for k := range c {
				v := (1-fy)*((1-fx)*at(r0, c0, k)+fx*at(r0, c0+1, k)) +
					fy*((1-fx)*at(r0+1, c0, k)+fx*at(r0+1, c0+1, k))
				tmp[(r*w+col)*c+k] = float32(v)
			}
		}
	}
	copy(img, tmp)
}
