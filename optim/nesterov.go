package optim

import "github.com/study-harness/study/models"

func init() { Register("nesterov", newNesterov, "momentum") }

// Nesterov is SGD with Nesterov momentum in PyTorch's formulation
// (torch.optim.SGD(momentum=μ, nesterov=True)):
//
//	g ← ∇L(θ) + λθ        (λθ only for parameters with Decay)
//	v ← μv + g            (v = g on the first step)
//	θ ← θ − η (g + μv)
//
// μ is Settings.Momentum, or DefaultMomentum when not given.
type Nesterov struct {
	L2, Momentum float32
	vel          [][]float32
}

func newNesterov(s Settings) Method {
	return &Nesterov{L2: float32(s.L2), Momentum: float32(s.MomentumValue())}
}

// Step implements Method.
func (o *Nesterov) Step(params []*models.Param, lr float32) {
	first := o.vel == nil
	if first {
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
		w, g, v := p.W, p.G[:len(p.W)], o.vel[i][:len(p.W)]
		for j := range w {
			gj := g[j] + l2*w[j]
			if first {
				v[j] = gj
			} else {
				v[j] = o.Momentum*v[j] + gj
			}
			w[j] -= lr * (gj + o.Momentum*v[j])
		}
	}
}
