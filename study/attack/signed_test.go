package attack

import (
	"math"
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
