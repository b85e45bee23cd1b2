package optim

import (
	"math"

	"github.com/study-harness/study/models"
)

func init() { Register("rmsprop", newRMSprop, "momentum") }

// RMSprop is Hinton's method with PyTorch's defaults and arithmetic
// (torch.optim.RMSprop, centered off):
//
//	g ← ∇L(θ) + λθ              (λθ only for parameters with Decay)
//	v ← αv + (1−α) g²
//	b ← μb + g / (√v + ε)       (only when μ > 0)
//	θ ← θ − η b                 (θ ← θ − η g / (√v + ε) when μ = 0)
//
// with α = 0.99, ε = 1e-8, v and b starting at 0, and μ = Settings.Momentum
// (default 0, as in PyTorch).
type RMSprop struct {
	L2, Alpha, Eps, Momentum float32
	v, buf                   [][]float32
}

func newRMSprop(s Settings) Method {
	return &RMSprop{L2: float32(s.L2), Alpha: 0.99, Eps: 1e-8, Momentum: float32(s.MomentumValue())}
}

// Step implements Method.
func (o *RMSprop) Step(params []*models.Param, lr float32) {
	if o.v == nil {
		o.v = make([][]float32, len(params))
		o.buf = make([][]float32, len(params))
		for i, p := range params {
			o.v[i] = make([]float32, len(p.W))
			if o.Momentum > 0 {
				o.buf[i] = make([]float32, len(p.W))
			}
		}
	}
	a := o.Alpha
	for i, p := range params {
		l2 := float32(0)
		if p.Decay {
			l2 = o.L2
		}
		w, g, v := p.W, p.G[:len(p.W)], o.v[i][:len(p.W)]
		for j := range w {
			gj := g[j] + l2*w[j]
			v[j] = a*v[j] + (1-a)*gj*gj
			d := gj / (float32(math.Sqrt(float64(v[j]))) + o.Eps)
			if o.Momentum > 0 {
				b := o.buf[i]
				b[j] = o.Momentum*b[j] + d
				d = b[j]
			}
			w[j] -= lr * d
		}
	}
}
