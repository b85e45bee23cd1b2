package attack

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestSignedIsStepTimesSign holds the branch-free step of PGD's inner
// loop to the product it replaced, step·sign(g), bit for bit, signed
// zeros and NaN included.
func TestSignedIsStepTimesSign(t *testing.T) {
	nan := float32(math.NaN())
	negZero := float32(math.Copysign(0, -1))
	inf := float32(math.Inf(1))
	for _, step := range []float32{0.025, 1, 0.1 / 4, 3e-39} {
		for _, g := range []float32{1, -1, 0.5, -2e-30, 1e-45, -1e-45, 0, negZero, inf, -inf, nan, 3.4e38} {
			want, got := step*sign(g), signed(step, g)
			if math.Float32bits(got) != math.Float32bits(want) {
				t.Errorf("signed(%g, %g) = %g (%#x), want step·sign(g) = %g (%#x)",
					step, g, got, math.Float32bits(got), want, math.Float32bits(want))
			}
		}
	}
}

// TestStepLInfIsTheFloatStep holds the integer-select L∞ step to the
// float one it replaced, clip01(x + min(ε, max(−ε, adv + α·sign g − x))),
// bit for bit: on random points, on pixels at 0 and 1, with signed
// zeros, gradients of 0, ±Inf and NaN, and differences beyond ±ε.
func TestStepLInfIsTheFloatStep(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 7))
	negZero := float32(math.Copysign(0, -1))
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	xs := []float32{0, negZero, 1, 0.5, 1e-45, 0.9999999, 0.1, 0.025, -0.5, 1.5, 3e38, -3e38}
	gs := []float32{0, negZero, 1, -1, nan, inf, -inf, 1e-45, -3}
	var x, adv, g []float32
	for _, x0 := range xs {
		for _, d := range []float32{0, negZero, 0.1, -0.1, 0.125, -0.125, 0.0999, 2, -2, 1e-45, 0.075} {
			for _, g0 := range gs {
				x, adv, g = append(x, x0), append(adv, x0+d), append(g, g0)
			}
		}
	}
	for range 100000 {
		x0 := float32(rng.Float64())
		x = append(x, x0)
		adv = append(adv, x0+float32(rng.Float64()*0.3-0.15))
		g = append(g, float32(rng.NormFloat64()))
	}
	for _, c := range []struct{ eps, alpha float32 }{{0.1, 0.025}, {0.3, 0.01}, {8.0 / 255, 2.0 / 255}, {1, 1}} {
		want := make([]float32, len(adv))
		for j, v := range adv {
			v += c.alpha * sign(g[j])
			want[j] = clip01(x[j] + min(c.eps, max(-c.eps, v-x[j])))
		}
		got := append([]float32(nil), adv...)
		stepLInf(got, x, g, c.eps, c.alpha)
		bad := 0
		for j := range got {
			if math.Float32bits(got[j]) != math.Float32bits(want[j]) {
				if bad++; bad <= 5 {
					t.Errorf("ε %g α %g: x %g adv %g g %g: got %g (%#x), want %g (%#x)", c.eps, c.alpha,
						x[j], adv[j], g[j], got[j], math.Float32bits(got[j]), want[j], math.Float32bits(want[j]))
				}
			}
		}
		if bad > 0 {
			t.Errorf("ε %g α %g: %d of %d entries differ", c.eps, c.alpha, bad, len(got))
		}
	}
}

func TestAllFinite(t *testing.T) {
	for _, c := range []struct {
		v    []float32
		want bool
	}{
		{nil, true},
		{[]float32{0, 1, -3e38}, true},
		{[]float32{0, float32(math.NaN())}, false},
		{[]float32{float32(math.Inf(-1)), 0}, false},
	} {
		if got := allFinite(c.v); got != c.want {
			t.Errorf("allFinite(%v) = %v, want %v", c.v, got, c.want)
		}
	}
}
