package optim

import (
	"math"

	"github.com/study-harness/study/models"
)

func init() { Register("adagrad", newAdagrad) }

// Adagrad is the method of Duchi, Hazan and Singer with PyTorch's defaults
// and arithmetic (torch.optim.Adagrad, lr_decay 0, initial accumulator 0):
//
//	g ← ∇L(θ) + λθ              (λθ only for parameters with Decay)
//	s ← s + g²
//	θ ← θ − η g / (√s + ε)
//
// with ε = 1e-10.
type Adagrad struct {
	L2, Eps float32
	sum     [][]float32
}

func newAdagrad(s Settings) Method {
	return &Adagrad{L2: float32(s.L2), Eps: 1e-10}
}

// Step implements Method.
func (o *Adagrad) Step(params []*models.Param, lr float32) {
	if o.sum == nil {
		o.sum = make([][]float32, len(params))
		for i, p := range params {
			o.sum[i] = make([]float32, len(p.W))
		}
	}
	for i, p := range params {
		l2 := float32(0)
		if p.Decay {
			l2 = o.L2
		}
		w, g, s := p.W, p.G[:len(p.W)], o.sum[i][:len(p.W)]
		for j := range w {
			gj := g[j] + l2*w[j]
			s[j] += gj * gj
			w[j] -= lr * gj / (float32(math.Sqrt(float64(s[j]))) + o.Eps)
		}
	}
}
