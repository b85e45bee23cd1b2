package models

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/study-harness/study/models/gemm"
)

// TestGrayPathIsBitIdenticalToIm2col checks the claim of conv_gray.go:
// with the one-channel 3×3 path on, a layer's outputs (training and
// inference), weight and bias gradients and input gradient have the bits
// of the im2col path, for batches that fill several chunks and end inside
// one (and so inside a depth block and an output row), any multiple of
// eight output channels, and images that are not square.
func TestGrayPathIsBitIdenticalToIm2col(t *testing.T) {
	if !gemm.HasConv3 {
		t.Skip("no one-channel 3×3 kernels on this CPU or build")
	}
	defer func(v bool) { useGray = v }(useGray)
	for _, tc := range []struct{ h, w, out, n int }{
		{28, 28, 16, 64}, {28, 28, 16, 1}, {28, 28, 16, 0}, {28, 28, 8, 27}, {28, 28, 32, 13}, {9, 13, 24, 40}, {5, 3, 8, 300}, {1, 1, 16, 3},
	} {
		for _, needInput := range []bool{false, true} {
			t.Run(fmt.Sprintf("%dx%dx1to%d n=%d dx=%v", tc.h, tc.w, tc.out, tc.n, needInput), func(t *testing.T) {
				var got [2][][]float32
				for i, on := range []bool{false, true} {
					useGray = on
					rng := rand.New(rand.NewPCG(3, 4))
					l := NewConv2D(tc.h, tc.w, 1, 3, tc.out, rng)
					if on && !l.gray() {
						t.Fatal("the layer does not take the one-channel path")
					}
					x := make([]float32, tc.n*tc.h*tc.w)
					for j := range x {
						if rng.IntN(5) > 0 {
							x[j] = rng.Float32()
						}
					}
					dy := make([]float32, tc.n*tc.h*tc.w*tc.out)
					for j := range dy {
						dy[j] = rng.Float32() - 0.5
					}
					one := make([]float32, tc.h*tc.w) // an image to infer on
					for j := range one {
						one[j] = rng.Float32()
					}
					infer := append([]float32(nil), l.Forward(one, 1, false)...)
					y := append([]float32(nil), l.Forward(x, tc.n, true)...)
					// An inference pass between a training pass and its
					// backward pass (an evaluation) must not disturb it.
					l.Forward(one, 1, false)
					dx := append([]float32(nil), l.Backward(dy, needInput)...)
					got[i] = [][]float32{infer, y, dx, append([]float32(nil), l.Weight.G...), append([]float32(nil), l.Bias.G...)}
				}
				for j, name := range []string{"inference output", "training output", "input gradient", "weight gradient", "bias gradient"} {
					a, b := got[0][j], got[1][j]
					if len(a) != len(b) {
						t.Fatalf("%s: %d values with im2col, %d on the one-channel path", name, len(a), len(b))
					}
					for k := range a {
						if math.Float32bits(a[k]) != math.Float32bits(b[k]) {
							t.Fatalf("%s[%d]: im2col %v, one-channel path %v", name, k, a[k], b[k])
						}
					}
				}
			})
		}
	}
}
