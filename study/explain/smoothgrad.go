package explain

import (
	"fmt"
	"math/rand/v2"

	"github.com/study-harness/study/study/seeds"
)

// SmoothGrad returns SmoothGrad (Smilkov et al. 2017): the mean over
// samples draws of the gradient ∂F_c/∂x at x + ε, ε ~ N(0, σ²) per
// feature, σ absolute and the noisy input not clipped (as Captum's
// NoiseTunnel). The sign is kept; agreement ranks on |·|.
//
// Unlike Captum's, it is bit-reproducible: instance i's noise comes from
// the stream "explain/smoothgrad" keyed by seed and ids[i] (its index in
// the feature subset; nil means 0..n−1), drawn sample by sample, feature
// by feature, so an instance gets the same attribution in any batch.
func SmoothGrad(m Model, x []float32, class, ids []int, sigma float64, samples int, seed int64) ([]float32, error) {
	if err := m.check(x, class); err != nil {
		return nil, err
	}
	if err := m.needGrad(MethodSmoothGrad); err != nil {
		return nil, err
	}
	n, d := len(class), m.In
	if ids != nil && len(ids) != n {
		return nil, fmt.Errorf("%d instance ids for %d instances", len(ids), n)
	}
	if samples < 1 || !(sigma >= 0) {
		return nil, fmt.Errorf("smoothgrad with %d samples and σ = %g", samples, sigma)
	}
	streams := make([]*rand.Rand, n)
	for i := range n {
		id := int64(i)
		if ids != nil {
			id = int64(ids[i])
		}
		streams[i] = seeds.Stream("explain/smoothgrad", seed, id)
	}
	acc := make([]float64, len(x))
	noisy := make([]float32, len(x))
	dx := make([]float32, len(x))
	for range samples {
		for i, r := range streams {
			for j := i * d; j < (i+1)*d; j++ {
				noisy[j] = x[j] + float32(sigma*r.NormFloat64())
			}
		}
		m.Grad(noisy, n, class, dx)
		for j, g := range dx {
			acc[j] += float64(g)
		}
	}
	out := make([]float32, len(x))
	for j, v := range acc {
		out[j] = float32(v / float64(samples))
	}
	return out, nil
}
