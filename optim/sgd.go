package optim

import "github.com/study-harness/study/models"

func init() { Register("sgd", newSGD, "momentum") }

// SGD is stochastic gradient descent, with optional heavy-ball momentum
// μ = Settings.Momentum, in PyTorch's formulation:
//
//	g ← ∇L(θ) + λθ        (λθ only for parameters with Decay)
//	v ← μv + g            (v = g on the first step; skipped when μ = 0)
//	θ ← θ − η v
//
// With μ = 0 this is the seed's update θ ← θ − η∇L(θ) − ηλθ.
type SGD struct {
	L2, Momentum float32
	vel          [][]float32
}

func newSGD(s Settings) Method {
	return &SGD{L2: float32(s.L2), Momentum: float32(s.MomentumValue())}
}

// Step implements Method.
func (o *SGD) Step(params []*models.Param, lr float32) {
	if o.Momentum > 0 && o.vel == nil {
		o.vel = make([][]float32, len(params))
		for i, p := range params {
			o.vel[i] = make([]float32, len(p.W))
		}
	}
	for i, p := range params {
		l2 := float32(0)
		if p.Decay {
			l2 = o.L2
		}
		w, g := p.W, p.G[:len(p.W)]
		if o.Momentum == 0 {
			for j := range w {
				w[j] -= lr * (g[j] + l2*w[j])
			}
			continue
		}
		v := o.vel[i][:len(w)]
		for j := range w {
			v[j] = o.Momentum*v[j] + g[j] + l2*w[j]
			w[j] -= lr * v[j]
		}
	}
}
