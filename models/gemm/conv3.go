package gemm

//go:generate sh -c "go run ./internal/gen conv3 > conv3_amd64.s"

// Conv3Forward and Conv3WeightGrad are the two products of a 3×3
// convolution of one-channel images, the first layer of a CNN on
// grayscale images, computed from the padded image itself: its patch
// matrix P has only 9 columns, so im2col plus Sgemm spends its time
// copying patches and multiplying tiles of which the kernel fills a
// sliver. Each gives, bit for bit, what Sgemm gives for the same product
// on P (see their contracts), so a layer may use them without changing a
// single result. They run AVX2/FMA assembly; without it (HasConv3 false)
// the caller keeps im2col and Sgemm.

// Conv3Cols is the number of output columns (channels) that one call of
// Conv3Forward or Conv3WeightGrad computes.
const Conv3Cols = 8

// Depth returns the depth of the blocks into which Sgemm cuts a product of
// depth k > 0 (its inner dimension): each block's products are summed from
// zero, in order, and then added to C. A caller that reproduces Sgemm's
// sums needs it.
func Depth(k int) int { return depth(k) }

// Conv3Forward sets y[i*ldy+j], for n output pixels i and j < Conv3Cols,
// to what Sgemm(NoTrans, NoTrans, n, Conv3Cols, 10, 1, P1, 10, w, ldw, 0, y,
// ldy) gives for the 10-column matrix P1 whose row i is the patch
// x[i+t/3·wp+t%3], t = 0 … 8, then a one: the nine fused products in
// order, the bias w[9*ldw+j] added last, added to zero. x is the padded
// image with the top-left input of pixel i's patch at x[i]; w holds ten
// rows, the weights of the nine taps and the bias, ldw apart. It panics
// if HasConv3 is false, a slice is too short, wp is negative or ldw or ldy
// is below Conv3Cols.
func Conv3Forward(n int, x []float32, wp int, w []float32, ldw int, y []float32, ldy int) {
	if n <= 0 {
		return
	}
	if !HasConv3 {
		panic("gemm: Conv3Forward without AVX2 and FMA")
	}
	if ldw < Conv3Cols || ldw > len(w) || len(w) < 9*ldw+Conv3Cols || !fits(n, x, wp) || !rows(n, y, ldy) {
		panic("gemm: Conv3Forward operands too short")
	}
	conv3Fwd(n, &x[0], wp, &w[0], ldw, &y[0], ldy)
}

// Conv3WeightGrad adds to acc, pixel after pixel for n output pixels i
// in order, the fused products x[i+t/3·wp+t%3]·dy[i*ldy+j] to
// acc[t*Conv3Cols+j] (t < 9) and dy[i*ldy+j] to acc[9*Conv3Cols+j]: the
// sums that Sgemm(Trans, NoTrans, 10, Conv3Cols, …, P1, 10, dy, ldy, …)
// forms over one block of its depth (see Depth) for the patch matrix P1
// of Conv3Forward, continued across calls. acc holds 10·Conv3Cols values.
// It panics if HasConv3 is false, a slice is too short, wp is negative or
// ldy is below Conv3Cols.
func Conv3WeightGrad(n int, x []float32, wp int, dy []float32, ldy int, acc []float32) {
	if n <= 0 {
		return
	}
	if !HasConv3 {
		panic("gemm: Conv3WeightGrad without AVX2 and FMA")
	}
	if len(acc) < 10*Conv3Cols || !fits(n, x, wp) || !rows(n, dy, ldy) {
		panic("gemm: Conv3WeightGrad operands too short")
	}
	conv3DW(n, &x[0], wp, &dy[0], ldy, &acc[0])
}

// fits reports whether x holds the patches of n > 0 pixels in a padded
// image wp ≥ 0 wide: the last one reads x[n-1+2·wp+2]. wp is bounded
// first so that the sum cannot overflow.
func fits(n int, x []float32, wp int) bool {
	return wp >= 0 && wp <= len(x) && n <= len(x) && n-1+2*wp+3 <= len(x)
}

// rows reports whether s holds n > 0 rows of Conv3Cols values, ld ≥
// Conv3Cols apart, without computing (n-1)·ld, which could overflow.
func rows(n int, s []float32, ld int) bool {
	return ld >= Conv3Cols && len(s) >= Conv3Cols && (n == 1 || (ld <= len(s) && n-1 <= (len(s)-Conv3Cols)/ld))
}
