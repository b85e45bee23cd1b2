package models_test

import (
	"math/rand/v2"
	"testing"

	"github.com/study-harness/study/models"
)

// TestSequenceLayersKeepTheirBuffers checks that, once a layer has seen a
// batch, training on another batch of the same size allocates nothing:
// no buffer per step of the GRU, per head of the attention or per call of
// the activations and norms of the transformer. A rare refill of the
// GEMM's pooled buffers after a garbage collection is below one
// allocation per run on average.
func TestSequenceLayersKeepTheirBuffers(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, c := range []struct {
		name  string
		in, n int
		l     models.Layer
	}{
		{"gru", 7 * 5, 16, models.NewGRU(7, 5, 24, rng)},
		{"self-attention", 9 * 8, 6, models.NewSelfAttention(9, 8, 2, rng)},
		{"gelu in float32", 40, 6, models.NewActivation32("gelu", 40)},
		{"tanh in float32", 40, 6, models.NewActivation32("tanh", 40)},
		{"layer norm in float32", 12, 6, models.NewLayerNorm32(12)},
	} {
		t.Run(c.name+" allocates nothing per batch", func(t *testing.T) {
			x, dy := randn(rng, c.n*c.in), randn(rng, c.n*c.l.OutDim())
			step := func() {
				c.l.Forward(x, c.n, true)
				c.l.Backward(dy, true)
			}
			step()
			if a := testing.AllocsPerRun(20, step); a >= 1 {
				t.Fatalf("%.1f allocations per batch", a)
			}
		})
	}
}
