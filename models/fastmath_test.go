package models

import (
	"math"
	"testing"
)

// TestFloat32FunctionsMatchMath compares each float32 function of
// fastmath.go with its float64 counterpart in math on a dense grid of its
// range and its edges, within a bound of ulp units in the last place of
// the exact value plus abs·max(1, |x|) (gelu32's error is that of Φ
// times |x|).
func TestFloat32FunctionsMatchMath(t *testing.T) {
	phi := func(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }
	pdf := func(x float64) float64 { return math.Exp(-x*x/2) / math.Sqrt(2*math.Pi) }
	for _, c := range []struct {
		name     string
		f        func(float32) float32
		want     func(float64) float64
		lo, hi   float64
		ulp, abs float64
	}{
		{"exp32", exp32, math.Exp, exp32Min, exp32Max, 2, 0},
		{"sigmoid32", sigmoid32, func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }, -80, 80, 3, 0},
		{"tanh32", tanh32, math.Tanh, -12, 12, 3, 0},
		{"gelu32", gelu32, func(x float64) float64 { return x * phi(x) }, -12, 12, 4, 1e-7},
		{"geluGrad32", geluGrad32, func(x float64) float64 { return phi(x) + x*pdf(x) }, -12, 12, 4, 3e-7},
	} {
		t.Run(c.name+" is within its bound of math", func(t *testing.T) {
			const steps = 200000
			worst := 0.0
			for i := 0; i <= steps; i++ {
				x := float32(c.lo + (c.hi-c.lo)*float64(i)/steps)
				got, want := float64(c.f(x)), c.want(float64(x))
				ulp := math.Abs(float64(math.Nextafter32(float32(want), float32(math.Inf(1)))) - float64(float32(want)))
				if ulp == 0 {
					ulp = math.SmallestNonzeroFloat32
				}
				bound := c.ulp*ulp + c.abs*max(1, math.Abs(float64(x)))
				if err := math.Abs(got - want); err > bound {
					t.Fatalf("%s(%v) = %v, want %v (error %.3g > %.3g)", c.name, x, got, want, err, bound)
				} else {
					worst = max(worst, err/bound)
				}
			}
			t.Logf("worst error: %.2f of the bound", worst)
		})
	}
}

// TestFloat32FunctionsAtTheEdges checks the values beyond the ranges
// and the special inputs.
func TestFloat32FunctionsAtTheEdges(t *testing.T) {
	inf := float32(math.Inf(1))
	nan := float32(math.NaN())
	for _, c := range []struct {
		name      string
		got, want float32
	}{
		{"exp32(−100) is 0", exp32(-100), 0},
		{"exp32(−Inf) is 0", exp32(-inf), 0},
		{"exp32(89) is +Inf", exp32(89), inf},
		{"exp32(+Inf) is +Inf", exp32(inf), inf},
		{"exp32(0) is 1", exp32(0), 1},
		{"sigmoid32(−200) is 0", sigmoid32(-200), 0},
		{"sigmoid32(200) is 1", sigmoid32(200), 1},
		{"tanh32(±40) is ±1", tanh32(40) - tanh32(-40), 2},
		{"tanh32(0) is 0", tanh32(0), 0},
		{"gelu32(−40) is −0 or 0", gelu32(-40) * 0, 0},
		{"gelu32(40) is 40", gelu32(40), 40},
		{"geluGrad32(40) is 1", geluGrad32(40), 1},
	} {
		if c.got != c.want {
			t.Errorf("%s: got %v", c.name, c.got)
		}
	}
	if v := exp32(nan); v == v {
		t.Errorf("exp32(NaN) = %v, want NaN", v)
	}
	if v := tanh32(nan); v == v {
		t.Errorf("tanh32(NaN) = %v, want NaN", v)
	}
}

// TestSliceFunctionsGiveTheScalarBits checks that the slice functions,
// which run the AVX2 loops where the CPU has them, give the bits of the
// scalar functions for every input: a grid over the ranges, each edge
// and its neighbours, and random bit patterns (subnormals, infinities
// and NaNs among them, for which only NaN-ness must agree). Lengths that
// are not multiples of 8 exercise the scalar tails too.
func TestSliceFunctionsGiveTheScalarBits(t *testing.T) {
	if !hasVec32 {
		t.Log("no vector loops on this CPU or build: the slice functions are the scalar ones")
	}
	var x []float32
	for i := -200000; i <= 200000; i++ {
		x = append(x, float32(i)/2000)
	}
	for _, e := range []float32{0, exp32Min, exp32Max, 0.625, -0.625, 1e-30, -1e-30, 13.5, -13.5, 44.36, -44.36} {
		v := e
		for range 4 {
			x = append(x, v, -v)
			v = math.Nextafter32(v, float32(math.Inf(1)))
		}
		v = e
		for range 4 {
			v = math.Nextafter32(v, float32(math.Inf(-1)))
			x = append(x, v, -v)
		}
	}
	x = append(x, float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), float32(math.Copysign(0, -1)))
	rng := uint32(12345)
	for range 100000 {
		rng = rng*1664525 + 1013904223
		x = append(x, math.Float32frombits(rng))
	}
	x = append(x, 1, 2, 3) // a tail of 3 + … after the vector part
	same := func(a, b float32) bool { return math.Float32bits(a) == math.Float32bits(b) || (a != a && b != b) }
	y, d := make([]float32, len(x)), make([]float32, len(x))
	for _, c := range []struct {
		name   string
		slice  func()
		scalar func(float32) float32
		out    []float32
	}{
		{"expSlice", func() { expSlice(y, x) }, exp32, y},
		{"sigmoidSlice", func() { sigmoidSlice(y, x) }, sigmoid32, y},
		{"tanhSlice", func() { tanhSlice(y, x) }, tanh32, y},
		{"geluSlice's y", func() { geluSlice(y, d, x) }, gelu32, y},
		{"geluSlice's d", func() { geluSlice(y, d, x) }, geluGrad32, d},
	} {
		t.Run(c.name+" gives the scalar bits", func(t *testing.T) {
			c.slice()
			for i, v := range x {
				if want := c.scalar(v); !same(c.out[i], want) {
					t.Fatalf("at x = %v (%#08x): %v (%#08x), scalar %v (%#08x)", v, math.Float32bits(v),
						c.out[i], math.Float32bits(c.out[i]), want, math.Float32bits(want))
				}
			}
		})
	}
	t.Run("expSlice works in place", func(t *testing.T) {
		z := append([]float32(nil), x[:1000]...)
		expSlice(z, z)
		for i, v := range x[:1000] {
			if !same(z[i], exp32(v)) {
				t.Fatalf("in place at x = %v: %v, want %v", v, z[i], exp32(v))
			}
		}
	})
}
