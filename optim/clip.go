package optim

import (
	"math"

	"github.com/study-harness/study/models"
)

// ClipGradNorm scales the gradients of params so that their global L2
// norm, taken over all parameters together, is at most maxNorm, and
// returns the norm before clipping. As in PyTorch's clip_grad_norm_, the
// gradients are multiplied by maxNorm/(norm + 1e-6) when that is below 1.
// A maxNorm ≤ 0 only measures the norm. The norm is summed in float64 in
// parameter order, so it is deterministic.
func ClipGradNorm(params []*models.Param, maxNorm float64) float64 {
	var sum float64
	for _, p := range params {
		for _, g := range p.G[:len(p.W)] {
			sum += float64(g) * float64(g)
		}
	}
	norm := math.Sqrt(sum)
	if maxNorm <= 0 {
		return norm
	}
	if coef := maxNorm / (norm + 1e-6); coef < 1 {
		c := float32(coef)
		for _, p := range params {
			g := p.G[:len(p.W)]
			for j := range g {
				g[j] *= c
			}
		}
	}
	return norm
}
