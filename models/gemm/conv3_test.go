package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
)

// conv3Patches returns the 10-column patch matrix [P 1] of n pixels whose
// patches start at x[i], in a padded image wp wide.
func conv3Patches(x []float32, n, wp int) []float32 {
	p := make([]float32, n*10)
	for i := 0; i < n; i++ {
		for t := 0; t < 9; t++ {
			p[i*10+t] = x[i+t/3*wp+t%3]
		}
		p[i*10+9] = 1
	}
	return p
}

// TestConv3IsBitIdenticalToSgemmOnThePatchMatrix checks both contracts of
// conv3.go against Sgemm itself on the explicit patch matrix, with the
// kernels Sgemm runs on this CPU, for runs of pixels of every length mod 4,
// strided outputs, and weight gradients deep enough to span several of
// Sgemm's depth blocks, accumulated in two calls per block.
func TestConv3IsBitIdenticalToSgemmOnThePatchMatrix(t *testing.T) {
	if !HasConv3 {
		t.Skip("no conv3 kernels on this CPU or build")
	}
	rng := rand.New(rand.NewPCG(11, 12))
	for _, tc := range []struct{ n, wp, ldw, ldy int }{
		{1, 3, 8, 8}, {3, 30, 8, 8}, {4, 30, 16, 16}, {7, 30, 8, 24}, {28, 30, 16, 16},
		{30 * 28, 30, 16, 16}, {13 * 784, 30, 32, 32}, {2000, 17, 8, 40},
	} {
		t.Run(fmt.Sprintf("n=%d wp=%d ldw=%d ldy=%d", tc.n, tc.wp, tc.ldw, tc.ldy), func(t *testing.T) {
			x := randSlice(rng, tc.n-1+2*tc.wp+3) // exactly what the last patch reads
			for i := range x {                    // some exact zeros and negative values, as padded images have
				if rng.IntN(7) == 0 {
					x[i] = 0
				} else {
					x[i] -= 0.4
				}
			}
			p := conv3Patches(x, tc.n, tc.wp)
			w := randSlice(rng, 10*tc.ldw)
			for i := range w {
				w[i] -= 0.5
			}
			want := make([]float32, (tc.n-1)*tc.ldy+Conv3Cols)
			Implementation{}.Sgemm(blas.NoTrans, blas.NoTrans, tc.n, Conv3Cols, 10, 1, p, 10, w, tc.ldw, 0, want, tc.ldy)
			got := randSlice(rng, len(want))
			before := append([]float32(nil), got...)
			Conv3Forward(tc.n, x, tc.wp, w, tc.ldw, got, tc.ldy)
			for i := 0; i < tc.n; i++ {
				sameBits(t, "forward", got[i*tc.ldy:i*tc.ldy+Conv3Cols], want[i*tc.ldy:i*tc.ldy+Conv3Cols])
				if i < tc.n-1 { // the columns between the rows' blocks are not the kernel's
					sameBits(t, "forward, columns past the block", got[i*tc.ldy+Conv3Cols:(i+1)*tc.ldy], before[i*tc.ldy+Conv3Cols:(i+1)*tc.ldy])
				}
			}

			dy := randSlice(rng, (tc.n-1)*tc.ldy+Conv3Cols)
			for i := range dy {
				dy[i] -= 0.5
			}
			wantG := make([]float32, 10*Conv3Cols)
			Implementation{}.Sgemm(blas.Trans, blas.NoTrans, 10, Conv3Cols, tc.n, 1, p, 10, dy, tc.ldy, 0, wantG, Conv3Cols)
			gotG := make([]float32, 10*Conv3Cols)
			kd := Depth(tc.n)
			for pc := 0; pc < tc.n; pc += kd {
				kb := min(kd, tc.n-pc)
				acc := make([]float32, 10*Conv3Cols)
				half := kb / 2
				Conv3WeightGrad(half, x[pc:], tc.wp, dy[pc*tc.ldy:], tc.ldy, acc)
				Conv3WeightGrad(kb-half, x[pc+half:], tc.wp, dy[(pc+half)*tc.ldy:], tc.ldy, acc)
				for i, v := range acc {
					gotG[i] += v
				}
			}
			sameBits(t, "weight gradient", gotG, wantG)
		})
	}
}

func TestConv3PanicsOnShortOperands(t *testing.T) {
	if !HasConv3 {
		t.Skip("no conv3 kernels on this CPU or build")
	}
	x, w, y, acc := make([]float32, 100), make([]float32, 80), make([]float32, 80), make([]float32, 80)
	panics(t, []badCall{
		{"forward: x short", func() { Conv3Forward(10, x[:20], 10, w, 8, y, 8) }},
		{"forward: w short", func() { Conv3Forward(1, x, 10, w[:79], 8, y, 8) }},
		{"forward: y short", func() { Conv3Forward(10, x, 10, w, 8, y[:79], 8) }},
		{"forward: ldy narrow", func() { Conv3Forward(2, x, 10, w, 8, y, 7) }},
		{"weight gradient: acc short", func() { Conv3WeightGrad(1, x, 10, y, 8, acc[:79]) }},
		{"weight gradient: dy short", func() { Conv3WeightGrad(20, x, 10, y, 8, acc) }},
		{"forward: negative wp", func() { Conv3Forward(1, x, -1, w, 8, y, 8) }},
		{"weight gradient: negative wp", func() { Conv3WeightGrad(1, x, -1, y, 8, acc) }},
		{"forward: ldy overflows", func() { Conv3Forward(3, x, 10, w, 8, y, math.MaxInt/2) }},
		{"weight gradient: ldy overflows", func() { Conv3WeightGrad(3, x, 10, y, math.MaxInt/2, acc) }},
		{"forward: wp overflows", func() { Conv3Forward(3, x, math.MaxInt/2, w, 8, y, 8) }},
	})
}

// TestConv3TakesOneRowWhateverItsStride checks that a single pixel needs
// only its own Conv3Cols outputs, however far apart rows would be: the
// last row of a layer's output is passed so.
func TestConv3TakesOneRowWhateverItsStride(t *testing.T) {
	if !HasConv3 {
		t.Skip("no conv3 kernels on this CPU or build")
	}
	x, w := make([]float32, 3+2*5), make([]float32, 10*16)
	y, acc := make([]float32, Conv3Cols), make([]float32, 10*Conv3Cols)
	Conv3Forward(1, x, 5, w, 16, y, 64)
	Conv3WeightGrad(1, x, 5, y, 64, acc)
}
