package optim

import "github.com/study-harness/study/models"

func init() { Register("adamw", newAdamW) }

// AdamW is Adam with decoupled weight decay (Loshchilov and Hutter), in
// PyTorch's arithmetic (torch.optim.AdamW, amsgrad off): each step first
// shrinks the decayed parameters,
//
//	θ ← θ(1 − ηλ)          (only for parameters with Decay)
//
// and then takes the Adam step of Adam on the plain gradient ∇L(θ), with
// β1 = 0.9, β2 = 0.999 and ε = 1e-8. λ is Settings.L2; unlike PyTorch,
// whose default is 0.01, an unset l2 means no decay.
type AdamW struct {
	adam Adam
}

func newAdamW(s Settings) Method {
	return &AdamW{adam: Adam{L2: float32(s.L2), Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}}
}

// Step implements Method.
func (o *AdamW) Step(params []*models.Param, lr float32) {
	if o.adam.L2 != 0 {
		shrink := 1 - lr*o.adam.L2
		for _, p := range params {
			if !p.Decay {
				continue
			}
			for j := range p.W {
				p.W[j] *= shrink
			}
		}
	}
	o.adam.step(params, lr, 0)
}
