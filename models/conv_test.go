package models_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/study-harness/study/models"
)

// directConv computes the output and the gradients of a stride-1 "same"
// convolution by its definition, in float64, over channels-last images:
// the reference that the im2col and chunked products of Conv2D must
// match.
func directConv(l *models.Conv2D, x, dy []float64, n int) (y, dx, dw, db []float64) {
	h, w, c, s, out := l.H, l.W, l.C, l.Size, l.Out
	pad := s / 2
	k := s * s * c
	y = make([]float64, n*h*w*out)
	dx = make([]float64, n*h*w*c)
	dw = make([]float64, out*k)
	db = make([]float64, out)
	for img := 0; img < n; img++ {
		for oy := 0; oy < h; oy++ {
			for ox := 0; ox < w; ox++ {
				o := ((img*h+oy)*w + ox) * out
				for f := 0; f < out; f++ {
					y[o+f] = float64(l.Bias.W[f])
					db[f] += dy[o+f]
				}
				for ky := 0; ky < s; ky++ {
					for kx := 0; kx < s; kx++ {
						iy, ix := oy+ky-pad, ox+kx-pad
						if iy < 0 || iy >= h || ix < 0 || ix >= w {
							continue
						}
						for ch := 0; ch < c; ch++ {
							xi := ((img*h+iy)*w+ix)*c + ch
							p := (ky*s+kx)*c + ch
							for f := 0; f < out; f++ {
								wv := float64(l.Weight.W[f*k+p])
								y[o+f] += wv * x[xi]
								dw[f*k+p] += dy[o+f] * x[xi]
								dx[xi] += dy[o+f] * wv
							}
						}
					}
				}
			}
		}
	}
	return y, dx, dw, db
}

func TestConv2DMatchesTheDirectDefinition(t *testing.T) {
	for _, c := range []struct {
		name             string
		h, w, ch, s, out int
		n                int
	}{
		{"the CNN's second layer over a batch of one full and one partial chunk", 14, 14, 16, 3, 32, 6},
		{"the CNN's first layer over a batch of two chunks", 28, 28, 1, 3, 16, 15},
		{"a 5x5 kernel on a non-square image", 7, 5, 3, 5, 4, 3},
		{"a single image of one pixel", 1, 1, 2, 3, 3, 1},
		{"rows of 14 and 6 pixels, 64 output channels", 9, 20, 16, 3, 64, 3},
		{"32 input channels, wide dx tiles, rows shorter than a tile", 5, 4, 32, 3, 32, 2},
		{"a 5x5 kernel over 48 channels", 6, 15, 48, 5, 32, 2},
		{"one image of one pixel over 16 channels", 1, 1, 16, 3, 32, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(3, 4))
			l := models.NewConv2D(c.h, c.w, c.ch, c.s, c.out, rng)
			x := make([]float32, c.n*c.h*c.w*c.ch)
			x64 := make([]float64, len(x))
			for i := range x {
				x[i] = rng.Float32()*2 - 1
				x64[i] = float64(x[i])
			}
			dy := make([]float32, c.n*c.h*c.w*c.out)
			dy64 := make([]float64, len(dy))
			for i := range dy {
				dy[i] = rng.Float32() - 0.5
				dy64[i] = float64(dy[i])
			}
			wantY, wantDX, wantDW, wantDB := directConv(l, x64, dy64, c.n)

			check := func(what string, got []float32, want []float64) {
				t.Helper()
				if len(got) != len(want) {
					t.Fatalf("%s has %d values, want %d", what, len(got), len(want))
				}
				for i, v := range got {
					if math.Abs(float64(v)-want[i]) > 1e-4*(1+math.Abs(want[i])) {
						t.Fatalf("%s[%d] = %v, want %v", what, i, v, want[i])
					}
				}
			}
			predicted := append([]float32(nil), l.Forward(x, c.n, false)...)
			check("inference output", predicted, wantY)
			y := l.Forward(x, c.n, true)
			for i, v := range y {
				if v != predicted[i] {
					t.Fatalf("training output[%d] = %v, inference output %v: they must agree bit for bit", i, v, predicted[i])
				}
			}
			// An inference pass between Forward and Backward (on other
			// images) must not change the gradients.
			other := make([]float32, len(x))
			for i := range other {
				other[i] = rng.Float32()
			}
			l.Forward(other, c.n, false)
			dx := l.Backward(dy, true)
			check("input gradient", dx, wantDX)
			check("weight gradient", l.Weight.G, wantDW)
			check("bias gradient", l.Bias.G, wantDB)
			if l.Backward(dy, false) != nil {
				t.Error("Backward without the input gradient returned one")
			}
			check("weight gradient without the input gradient", l.Weight.G, wantDW)
		})
	}
}

// An empty batch (the last, short batch of a data set that divides
// evenly never is one, but a caller may pass it) gives zero gradients on
// both paths, whatever the batch before it left behind.
func TestConv2DOnAnEmptyBatch(t *testing.T) {
	for _, c := range []struct {
		name    string
		ch, out int
	}{
		{"one input channel (im2col)", 1, 4},
		{"16 input channels (direct on AVX-512)", 16, 32},
	} {
		t.Run(c.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(5, 6))
			l := models.NewConv2D(5, 6, c.ch, 3, c.out, rng)
			x := make([]float32, 2*5*6*c.ch)
			for i := range x {
				x[i] = rng.Float32()
			}
			dy := make([]float32, 2*5*6*c.out)
			for i := range dy {
				dy[i] = rng.Float32()
			}
			l.Forward(x, 2, true)
			l.Backward(dy, true)
			if y := l.Forward(x[:0], 0, true); len(y) != 0 {
				t.Errorf("output of no images has %d values", len(y))
			}
			if dx := l.Backward(dy[:0], true); len(dx) != 0 {
				t.Errorf("input gradient of no images has %d values", len(dx))
			}
			for _, g := range [][]float32{l.Weight.G, l.Bias.G} {
				for i, v := range g {
					if v != 0 {
						t.Fatalf("gradient %d after an empty batch = %v, want 0", i, v)
					}
				}
			}
		})
	}
}
