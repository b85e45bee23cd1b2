package train

import (
	"math/rand/v2"

	"github.com/study-harness/study/study/data"
)

func init() { registerAugmentation("noise", augmentation{Batch: noise}) }

// NoiseSD is the standard deviation of the noise augmentation, in the
// units of the normalised inputs (pixels in [0, 1] for MNIST).
const NoiseSD = 0.1

// noise adds independent Gaussian noise N(0, NoiseSD²) to every input
// value, one draw per value in row-major order. It applies to any data.
func noise(b *batch, _ *data.Set, rng *rand.Rand) {
	for j := range b.X {
		b.X[j] += float32(NoiseSD * rng.NormFloat64())
	}
}
