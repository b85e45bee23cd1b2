//go:build amd64 && !purego

package metrics

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// xlogxInputs returns pairs (a, b) of probabilities whose means cover the
// cases of the kernels: zero, subnormals, the mantissa boundary 3/2 where
// the exponent is corrected, 1, and random values, n of each kind.
func xlogxInputs(n int) (a, b []float32) {
	rng := rand.New(rand.NewPCG(5, 6))
	special := []float32{0, math.SmallestNonzeroFloat32, 1e-40, 1e-38, 1.5, math.Nextafter32(1.5, 0),
		math.Nextafter32(1.5, 2), 0.75, math.Nextafter32(0.75, 0), 1, math.Nextafter32(1, 0), 0.5, 3e-8}
	for i := 0; i < n; i++ {
		var m float32
		switch i % 3 {
		case 0:
			m = special[i/3%len(special)]
		case 1:
			m = rng.Float32()
		default:
			m = float32(math.Exp(-30 * rng.Float64()))
		}
		// a + b = 2m exactly: a = m·u·2 and b = 2m − a, both in [0, 2m].
		x := m * float32(rng.Float64()) * 2
		a, b = append(a, x), append(b, 2*m-x)
	}
	return a, b
}

// TestXlogxKernelsAgreeWithFloat64 checks each assembly kernel this CPU
// has, element by element (mixXlog2xEach) and summed (mixXlog2x), against
// the float64 Go kernel.
func TestXlogxKernelsAgreeWithFloat64(t *testing.T) {
	defer func(avx2, avx512 bool) { useAVX2, useAVX512 = avx2, avx512 }(useAVX2, useAVX512)
	for _, c := range []struct {
		name         string
		avx2, avx512 bool
		has          bool
	}{
		{"the AVX2 kernel", true, false, useAVX2},
		{"the AVX-512 kernel", true, true, useAVX512},
	} {
		for _, n := range []int{16, 32, 1000, 1024 + 31} {
			t.Run(fmt.Sprintf("%s agrees with float64 on %d elements", c.name, n), func(t *testing.T) {
				if !c.has {
					t.Skip("not available on this CPU")
				}
				useAVX2, useAVX512 = c.avx2, c.avx512
				a, b := xlogxInputs(n)
				got, want := make([]float32, n), make([]float32, n)
				mixXlog2xEach(a, b, got)
				mixXlog2xEachGo(a, b, want)
				for k := range got {
					m := 0.5 * (float64(a[k]) + float64(b[k]))
					// 1e-40: a product below 2⁻¹²⁶ is a float32 subnormal.
					tol := 1.5e-7*m*(math.Abs(math.Log2(m))+1) + 1e-40
					if m == 0 {
						tol = 0
					}
					if !(c.avx512 && n >= 32) && m < 0x1p-126 {
						// The AVX2 kernel reads the exponent from the bits,
						// so it is wrong for subnormal m, by less than 1e-36.
						tol = 1e-36
					}
					if d := math.Abs(float64(got[k]) - float64(want[k])); d > tol {
						t.Fatalf("m = %g (element %d): kernel %g, float64 %g, |Δ| %g > %g", m, k, got[k], want[k], d, tol)
					}
				}
				s, w := mixXlog2x(a, b), mixXlog2xGo(a, b)
				if math.Abs(s-w) > 1e-6*math.Abs(w) {
					t.Errorf("sum: kernel %v, float64 %v", s, w)
				}
			})
		}
	}
}
