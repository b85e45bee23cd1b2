//go:build amd64 && !purego

package gemm

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The AVX2 kernels cover a tile in strips, each summing over all of K in
// the order of the AVX-512 kernels with the same fused multiply-adds, so
// the two give the same bits; a machine with AVX2 only (or GODEBUG
// cpu.avx512f=off) computes what one with AVX-512 does.
func TestSegmentedAVX2IsBitIdenticalToAVX512(t *testing.T) {
	if !useAVX512 || !useAVX2 {
		t.Skip("needs both AVX-512 and AVX2 to compare them")
	}
	for _, tc := range segmentedCases {
		for _, withInit := range []bool{false, true} {
			t.Run("", func(t *testing.T) {
				rng := rand.New(rand.NewPCG(uint64(tc.kseg)+7, uint64(tc.nseg)))
				a, b, c512, _ := tc.operands(rng)
				var init []float32
				if withInit {
					init = randSlice(rng, tc.cols)
				}
				c2 := append([]float32(nil), c512...)
				segmented512(tc.rows, tc.cols, tc.nseg, tc.kseg, a, tc.rsa, tc.csa, tc.sega, b, tc.rsb, tc.segb, c512, tc.ldc, init)
				segmentedAVX2(tc.rows, tc.cols, tc.nseg, tc.kseg, a, tc.rsa, tc.csa, tc.sega, b, tc.rsb, tc.segb, c2, tc.ldc, init)
				for i := range c2 {
					if math.Float32bits(c2[i]) != math.Float32bits(c512[i]) {
						t.Fatalf("%+v init %v: element %d: AVX2 %v, AVX-512 %v", tc, withInit, i, c2[i], c512[i])
					}
				}
			})
		}
	}
}
