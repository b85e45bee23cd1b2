package optim

import (
	"math"

	"github.com/study-harness/study/models"
)

func init() { Register("adam", newAdam) }

// Adam is the method of Kingma and Ba with PyTorch's defaults and
// arithmetic (torch.optim.Adam, weight_decay = λ, amsgrad off):
//
//	g ← ∇L(θ) + λθ              (λθ only for parameters with Decay)
//	m ← β1 m + (1−β1) g
//	v ← β2 v + (1−β2) g²
//	θ ← θ − (η/(1−β1ᵗ)) · m / (√v/√(1−β2ᵗ) + ε)
//
// with β1 = 0.9, β2 = 0.999, ε = 1e-8 and t the step count from 1.
type Adam struct {
	L2, Beta1, Beta2, Eps float32
	t                     int
	m, v                  [][]float32
}

func newAdam(s Settings) Method {
	return &Adam{L2: float32(s.L2), Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}
}

// Step implements Method.
func (o *Adam) Step(params []*models.Param, lr float32) { o.step(params, lr, o.L2) }

// step is one Adam update with coupled weight decay l2 (0 for AdamW, which
// decays the weights itself before calling it).
func (o *Adam) step(params []*models.Param, lr, l2Coupled float32) {
	if o.m == nil {
		o.m = make([][]float32, len(params))
		o.v = make([][]float32, len(params))
		for i, p := range params {
			o.m[i] = make([]float32, len(p.W))
			o.v[i] = make([]float32, len(p.W))
		}
	}
	o.t++
	bc1 := 1 - math.Pow(float64(o.Beta1), float64(o.t))
	bc2 := 1 - math.Pow(float64(o.Beta2), float64(o.t))
	step := float32(float64(lr) / bc1)
	sqrtBC2 := float32(math.Sqrt(bc2))
	k := adamConsts{
		b1: o.Beta1, ob1: 1 - o.Beta1, b2: o.Beta2, ob2: 1 - o.Beta2,
		sqrtBC2: sqrtBC2, eps: o.Eps, step: step,
	}
	for i, p := range params {
		k.l2 = 0
		if p.Decay {
			k.l2 = l2Coupled
		}
		w := p.W
		adamUpdate(w, p.G[:len(w)], o.m[i][:len(w)], o.v[i][:len(w)], &k)
	}
}

// adamConsts are the scalars of one Adam step: l2 the coupled weight
// decay, ob1 = 1−β1 and ob2 = 1−β2 (rounded to float32, as PyTorch's
// float32 arithmetic rounds them), sqrtBC2 = √(1−β2ᵗ) and step = η/(1−β1ᵗ).
// The assembly kernel reads them by offset: keep the field order.
type adamConsts struct {
	l2, b1, ob1, b2, ob2, sqrtBC2, eps, step float32
}

// adamUpdateGo is the portable adamUpdate: one Adam update of every
// element of w, in float32 with each operation rounded separately (no
// fused multiply-add), in the order the assembly kernel follows.
func adamUpdateGo(w, g, m, v []float32, k *adamConsts) {
	g, m, v = g[:len(w)], m[:len(w)], v[:len(w)]
	for j := range w {
		gj := g[j] + k.l2*w[j]
		m[j] = k.b1*m[j] + k.ob1*gj
		v[j] = k.b2*v[j] + k.ob2*gj*gj
		// The float64 square root rounded to float32 is the correctly
		// rounded float32 square root, which VSQRTPS computes.
		denom := float32(math.Sqrt(float64(v[j])))/k.sqrtBC2 + k.eps
		w[j] -= k.step * m[j] / denom
	}
}
