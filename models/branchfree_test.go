package models

import (
	"math"
	"testing"
)

// The ReLU and max-pooling loops avoid branches with bit tricks; these
// tables pin them to the definitions on the values where tricks go wrong.

func TestReLUOnSpecialValues(t *testing.T) {
	nan := float32(math.NaN())
	inf := float32(math.Inf(1))
	tiny := math.Float32frombits(1) // the smallest denormal
	negZero := float32(math.Copysign(0, -1))
	for _, tc := range []struct {
		name         string
		x            float32
		wantY, wantG float32 // wantG: the gradient passed for dy = 3
	}{
		{"a positive value passes", 2.5, 2.5, 3},
		{"a negative value is zeroed", -2.5, 0, 0},
		{"zero has derivative zero", 0, 0, 0},
		{"minus zero becomes plus zero", negZero, 0, 0},
		{"the smallest denormal passes", tiny, tiny, 3},
		{"the smallest negative denormal is zeroed", -tiny, 0, 0},
		{"plus infinity passes", inf, inf, 3},
		{"minus infinity is zeroed", -inf, 0, 0},
		{"the largest float passes", math.MaxFloat32, math.MaxFloat32, 3},
		{"the most negative float is zeroed", -math.MaxFloat32, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			y := make([]float32, 1)
			reluForward(y, []float32{tc.x})
			if math.Float32bits(y[0]) != math.Float32bits(tc.wantY) {
				t.Errorf("relu(%v) = %v, want %v", tc.x, y[0], tc.wantY)
			}
			g := make([]float32, 1)
			reluBackward(g, []float32{3}, []float32{tc.x})
			if math.Float32bits(g[0]) != math.Float32bits(tc.wantG) {
				t.Errorf("relu'(%v)·3 = %v, want %v", tc.x, g[0], tc.wantG)
			}
		})
	}
	t.Run("NaN propagates forward", func(t *testing.T) {
		y := make([]float32, 1)
		reluForward(y, []float32{nan})
		if !math.IsNaN(float64(y[0])) {
			t.Errorf("relu(NaN) = %v", y[0])
		}
	})
}

// naivePool is the definition: the first maximum of each 2×2 window in
// the order (0,0), (0,1), (1,0), (1,1), where a later value replaces the
// best only when strictly greater.
func naivePool(x []float32, h, w, c int) (y []float32, arg []int32) {
	for oy := 0; oy < h/2; oy++ {
		for ox := 0; ox < w/2; ox++ {
			for ch := 0; ch < c; ch++ {
				i00 := ((2*oy)*w+2*ox)*c + ch
				best := i00
				for _, i := range []int{i00 + c, i00 + w*c, i00 + w*c + c} {
					if x[i] > x[best] {
						best = i
					}
				}
				y = append(y, x[best])
				arg = append(arg, int32(best))
			}
		}
	}
	return y, arg
}

func TestMaxPoolPicksTheFirstMaximum(t *testing.T) {
	nan := float32(math.NaN())
	negZero := float32(math.Copysign(0, -1))
	for _, tc := range []struct {
		name   string
		window [4]float32 // (0,0), (0,1), (1,0), (1,1)
	}{
		{"distinct values, maximum last", [4]float32{1, 2, 3, 4}},
		{"distinct values, maximum first", [4]float32{4, 3, 2, 1}},
		{"maximum top right", [4]float32{1, 5, 3, 4}},
		{"maximum bottom left", [4]float32{1, 2, 5, 4}},
		{"all equal: the first", [4]float32{2, 2, 2, 2}},
		{"a tie in the bottom row: the top row keeps it", [4]float32{1, 3, 3, 3}},
		{"a tie between rows: the top one", [4]float32{0, 3, 3, 1}},
		{"a tie in the bottom row only", [4]float32{1, 0, 3, 3}},
		{"zero and minus zero tie", [4]float32{negZero, 0, -1, -1}},
		{"a NaN first is never replaced", [4]float32{nan, 1, 2, 3}},
		{"a NaN later is never chosen", [4]float32{1, nan, 2, nan}},
		{"a NaN between does not hide a later maximum", [4]float32{1, 2, nan, 3}},
		{"a NaN in the top row does not hide the bottom row", [4]float32{1, nan, 0, 3}},
		{"negative values", [4]float32{-4, -3, -2, -1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// A 2×4 image with two channels: the window in channel 0 of
			// the left window, its reverse in channel 1 of the right one.
			const h, w, c = 2, 4, 2
			x := make([]float32, h*w*c)
			for k, v := range tc.window {
				x[((k/2)*w+k%2)*c] = v
				x[((k/2)*w+2+(1-k%2))*c+1] = v
			}
			p := NewMaxPool2D(h, w, c)
			y := p.Forward(x, 1, true)
			wantY, wantArg := naivePool(x, h, w, c)
			for i := range wantY {
				if math.Float32bits(y[i]) != math.Float32bits(wantY[i]) || p.arg[i] != wantArg[i] {
					t.Errorf("output %d = %v from input %d, want %v from %d", i, y[i], p.arg[i], wantY[i], wantArg[i])
				}
			}
		})
	}
}

func TestArithmeticVersionsNameRegisteredArchitectures(t *testing.T) {
	for arch, v := range arithmetic {
		if _, ok := registry[arch]; !ok {
			t.Errorf("arithmetic version %d for %q, which is not a registered architecture", v, arch)
		}
		if v < 2 {
			t.Errorf("%s: arithmetic version %d; versions start at 1, so a listed one is at least 2", arch, v)
		}
	}
}
