package train

import (
	"math"
	"math/rand/v2"

	"github.com/study-harness/study/study/data"
)

func init() { registerAugmentation("mixup", augmentation{Batch: mixup, Soft: true}) }

// MixupAlpha is the α of mixup's Beta(α, α) mixing weight.
const MixupAlpha = 0.2

// mixup (Zhang et al.) mixes each batch with a permutation of itself: one
// weight λ ~ Beta(MixupAlpha, MixupAlpha) per batch, then a uniform
// permutation π of the rows, and
//
//	x_i ← λ x_i + (1−λ) x_π(i),   t_i ← λ t_i + (1−λ) t_π(i)
//
// for the inputs and the soft targets. It applies to any data.
func mixup(b *batch, d *data.Set, rng *rand.Rand) {
	lam := float32(betaSym(MixupAlpha, rng))
	perm := make([]int, b.N)
	for i := range perm {
		perm[i] = i
	}
	shuffle(perm, rng)
	in, k := d.In, b.K
	x0 := append([]float32(nil), b.X[:b.N*in]...)
	t0 := append([]float32(nil), b.Soft[:b.N*k]...)
	for i, j := range perm {
		xi, xj := b.X[i*in:(i+1)*in], x0[j*in:(j+1)*in]
		for f := range xi {
			xi[f] = lam*xi[f] + (1-lam)*xj[f]
		}
		ti, tj := b.Soft[i*k:(i+1)*k], t0[j*k:(j+1)*k]
		for f := range ti {
			ti[f] = lam*ti[f] + (1-lam)*tj[f]
		}
	}
}

// betaSym draws from Beta(a, a) by Jöhnk's method, which suits a < 1:
// with U, V uniform, X = U^(1/a), Y = V^(1/a), accept X/(X+Y) when
// X+Y ≤ 1. It works in logs so that tiny powers do not underflow.
func betaSym(a float64, rng *rand.Rand) float64 {
	for {
		u, v := rng.Float64(), rng.Float64()
		if u == 0 || v == 0 {
			continue
		}
		lx, ly := math.Log(u)/a, math.Log(v)/a
		m := math.Max(lx, ly)
		ls := m + math.Log(math.Exp(lx-m)+math.Exp(ly-m))
		if ls <= 0 {
			return math.Exp(lx - ls)
		}
	}
}
