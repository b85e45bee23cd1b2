package optim

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestAdamKernelMatchesGoBitForBit runs adamUpdate (the assembly kernel
// where the CPU has one) and adamUpdateGo side by side for many steps on
// the same random state and requires identical bits in w, m and v.
func TestAdamKernelMatchesGoBitForBit(t *testing.T) {
	if !useAVX {
		t.Skip("no assembly kernel on this CPU or build; adamUpdate is adamUpdateGo")
	}
	for _, c := range []struct {
		name string
		n    int
		l2   float32
		gmag float64
	}{
		{"one element goes through the Go tail alone", 1, 0, 1},
		{"eight elements fill exactly one vector", 8, 0, 1},
		{"a length that is not a multiple of eight uses both", 1003, 0, 1},
		{"coupled weight decay is applied in the same order", 517, 1e-2, 1},
		{"tiny gradients near the epsilon keep the same rounding", 64, 0, 1e-9},
		{"huge gradients keep the same rounding", 64, 1e-4, 1e6},
	} {
		t.Run(c.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(c.n), 3))
			rnd := func(scale float64) []float32 {
				s := make([]float32, c.n)
				for i := range s {
					s[i] = float32(rng.NormFloat64() * scale)
				}
				return s
			}
			w1 := rnd(1)
			w2 := append([]float32(nil), w1...)
			m1, m2 := make([]float32, c.n), make([]float32, c.n)
			v1, v2 := make([]float32, c.n), make([]float32, c.n)
			for step := 1; step <= 50; step++ {
				g := rnd(c.gmag)
				if step%7 == 0 {
					g[0] = 0 // a zero gradient with a zero history: √0 = 0
				}
				bc1 := 1 - math.Pow(0.9, float64(step))
				bc2 := 1 - math.Pow(0.999, float64(step))
				k := adamConsts{
					l2: c.l2, b1: 0.9, ob1: 1 - float32(0.9), b2: 0.999, ob2: 1 - float32(0.999),
					sqrtBC2: float32(math.Sqrt(bc2)), eps: 1e-8, step: float32(1e-3 / bc1),
				}
				adamUpdate(w1, g, m1, v1, &k)
				adamUpdateGo(w2, g, m2, v2, &k)
				for j := range w1 {
					if math.Float32bits(w1[j]) != math.Float32bits(w2[j]) ||
						math.Float32bits(m1[j]) != math.Float32bits(m2[j]) ||
						math.Float32bits(v1[j]) != math.Float32bits(v2[j]) {
						t.Fatalf("step %d, element %d: kernel (w %g, m %g, v %g), Go (w %g, m %g, v %g)",
							step, j, w1[j], m1[j], v1[j], w2[j], m2[j], v2[j])
					}
				}
			}
		})
	}
}
