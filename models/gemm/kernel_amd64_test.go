//go:build amd64 && !purego

package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
)

// TestAVX2KernelMatchesNaiveTripleLoop covers the AVX2 kernel that amd64
// CPUs without AVX-512 run, on the same cases as the default kernel.
func TestAVX2KernelMatchesNaiveTripleLoop(t *testing.T) {
	if !useAVX2 {
		t.Skip("the CPU has no AVX2 and FMA")
	}
	defer func(v bool) { useAVX512 = v }(useAVX512)
	useAVX512 = false
	testAgainstNaive(t)
}

// TestGoKernelMatchesNaiveTripleLoop covers the Go kernel that amd64 CPUs
// without AVX2 and FMA run, on the same cases as the default kernel.
func TestGoKernelMatchesNaiveTripleLoop(t *testing.T) {
	defer func(v, w bool) { useAVX2, useAVX512 = v, w }(useAVX2, useAVX512)
	useAVX2, useAVX512 = false, false
	testAgainstNaive(t)
}

// TestAVX2AndAVX512KernelsAgreeBitForBit checks the claim that both
// assembly kernels add the same fused products in the same order.
func TestAVX2AndAVX512KernelsAgreeBitForBit(t *testing.T) {
	if !useAVX512 {
		t.Skip("the CPU has no AVX-512")
	}
	defer func(v bool) { useAVX512 = v }(useAVX512)
	rng := rand.New(rand.NewPCG(5, 6))
	for _, sh := range [][3]int{{64, 64, 784}, {64, 784, 64}, {67, 1100, 600}, {13, 11, 7}} {
		m, n, k := sh[0], sh[1], sh[2]
		t.Run(fmt.Sprintf("a %dx%dx%d product is identical under both kernels", m, n, k), func(t *testing.T) {
			a, b := randSlice(rng, m*k), randSlice(rng, k*n)
			c512, c2 := make([]float32, m*n), make([]float32, m*n)
			useAVX512 = true
			Implementation{}.Sgemm(blas.NoTrans, blas.Trans, m, n, k, 1, a, k, b, k, 0, c512, n)
			useAVX512 = false
			Implementation{}.Sgemm(blas.NoTrans, blas.Trans, m, n, k, 1, a, k, b, k, 0, c2, n)
			for i := range c2 {
				if math.Float32bits(c512[i]) != math.Float32bits(c2[i]) {
					t.Fatalf("element %d: AVX-512 %v, AVX2 %v", i, c512[i], c2[i])
				}
			}
		})
	}
}

// TestHalfWidthTilesAreBitIdenticalToTheScratchTile checks that blocks of
// C exactly 16 columns wide, computed in place by the half-width kernel,
// hold the same bits as through the zeroed scratch tile and copied B
// panel of before, under the AVX-512 kernel and the AVX2 one, for every
// operand layout and with edge rows.
func TestHalfWidthTilesAreBitIdenticalToTheScratchTile(t *testing.T) {
	if !useAVX2 {
		t.Skip("the CPU has no AVX2 and FMA")
	}
	defer func(v, h bool) { useAVX512, useHalf = v, h }(useAVX512, useHalf)
	rng := rand.New(rand.NewPCG(7, 8))
	isas := []bool{false}
	if useAVX512 {
		isas = append(isas, true)
	}
	for _, avx512 := range isas {
		for _, sh := range [][3]int{{50176 / 64, 16, 12}, {12, 16, 3136}, {6, 16, 1}, {7, 48, 33}, {64, 16, 2}, {200, 80, 9}, {5, 16, 400}} {
			for _, tr := range [][2]blas.Transpose{{blas.NoTrans, blas.NoTrans}, {blas.Trans, blas.NoTrans}, {blas.NoTrans, blas.Trans}, {blas.Trans, blas.Trans}} {
				m, n, k := sh[0], sh[1], sh[2]
				t.Run(fmt.Sprintf("avx512=%v %dx%dx%d %c%c", avx512, m, n, k, tr[0], tr[1]), func(t *testing.T) {
					a, b, c0 := randSlice(rng, m*k), randSlice(rng, k*n), randSlice(rng, m*n)
					lda, ldb := k, n
					if tr[0] == blas.Trans {
						lda = m
					}
					if tr[1] == blas.Trans {
						ldb = k
					}
					useAVX512 = avx512
					var got [2][]float32
					inPlace := 0
					testHookHalf = func() { inPlace++ }
					defer func() { testHookHalf = nil }()
					for i, h := range []bool{false, true} {
						useHalf = h
						got[i] = append([]float32(nil), c0...)
						Implementation{}.Sgemm(tr[0], tr[1], m, n, k, 1, a, lda, b, ldb, 0.5, got[i], n)
						if !h && inPlace > 0 {
							t.Fatalf("%d tiles went through the half-width kernel with it off", inPlace)
						}
					}
					if m >= mr && inPlace == 0 {
						t.Fatal("no tile went through the half-width kernel")
					}
					sameBits(t, "half-width kernel against the scratch tile", got[1], got[0])
				})
			}
		}
	}
}
