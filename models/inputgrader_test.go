package models

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestInputGradIsBackwardsDx checks each inputGrader against its own
// Backward: the input gradient alone must be Backward's dx bit for bit,
// on every path of Conv2D (one-channel 3×3, direct, unfolded) and Dense.
func TestInputGradIsBackwardsDx(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 3))
	for _, c := range []struct {
		name  string
		layer func() Layer
		in    int
		path  func(*Conv2D) bool // the Conv2D path the case is for
	}{
		{"dense", func() Layer { return NewDense(20, 7, rand.New(rand.NewPCG(1, 1))) }, 20, nil},
		{"conv gray", func() Layer { return NewConv2D(6, 5, 1, 3, 16, rand.New(rand.NewPCG(1, 2))) }, 30, (*Conv2D).gray},
		{"conv direct", func() Layer { return NewConv2D(5, 6, 16, 3, 32, rand.New(rand.NewPCG(1, 3))) }, 480, (*Conv2D).direct},
		{"conv unfolded", func() Layer { return NewConv2D(5, 4, 3, 3, 8, rand.New(rand.NewPCG(1, 4))) }, 60,
			func(l *Conv2D) bool { return !l.gray() && !l.direct() }},
	} {
		t.Run(c.name, func(t *testing.T) {
			sizes := []int{1, 3}
			if l, ok := c.layer().(*Conv2D); ok {
				if !c.path(l) {
					t.Skip("this machine's kernels do not take the path")
				}
				sizes = append(sizes, 2*l.chunk()+1) // several chunks
			}
			for _, n := range sizes {
				x := make([]float32, n*c.in)
				for i := range x {
					x[i] = float32(rng.NormFloat64())
				}
				full, alone := c.layer(), c.layer()
				dy := make([]float32, len(full.Forward(x, n, true)))
				for i := range dy {
					dy[i] = float32(rng.NormFloat64())
				}
				want := slices.Clone(full.Backward(dy, true))
				alone.Forward(x, n, true)
				got := alone.(inputGrader).inputGrad(dy)
				if !slices.Equal(got, want) {
					t.Errorf("n %d: inputGrad differs from Backward's dx", n)
				}
			}
		})
	}
}
