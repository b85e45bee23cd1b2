//go:build !amd64 || purego

package gemm

// Register block of the portable micro-kernel (every architecture but
// amd64, and amd64 with the purego build tag): it computes an mr×nr tile
// of C.
//
// 2×3 is small on purpose. gc schedules the products of a register block
// ahead of the loop-carried sums, so a block needs about twice as many
// registers as it has accumulators; larger blocks (4×4, 4×8, 2×4) spill to
// the stack and measured 2–3× slower than 2×3 on amd64 (scalar SSE, 16 X
// registers). The amd64 assembly kernel (kernel_amd64.s) uses 6×16.
const (
	mr = 2
	nr = 3
)

// direct says whether the kernel reads operands with any strides; this one
// reads only packed panels (the unrolled loop relies on their layout).
const direct = false

// hasHalf reports whether kernelHalf may be called: never with this
// kernel, whose tile is too narrow to halve.
func hasHalf() bool { return false }

// kernelHalf is not available with this kernel (see hasHalf).
func kernelHalf(k int, a []float32, rsa, csa int, b []float32, rsb int, c []float32, ldc int) {
	panic("gemm: no half-width kernel")
}

// kernel adds the mr×nr product of an mr×k panel of A and a k×nr panel of
// B to c, whose rows are ldc apart:
//
//	c[i*ldc+j] += Σ_p a[i*rsa+p*csa] · b[p*rsb+j],  p = 0 … k-1.
//
// Sgemm passes only packed panels (see packA, packB, direct) or edge
// panels copied into that layout: rsa = 1, csa = mr and rsb = nr.
// Each sum runs over p in order from zero and is then added to c, so the
// result is deterministic. The main loop is unrolled four times over p to
// amortise the slice bookkeeping; the second loop does the remainder.
// Reslicing to constant lengths lets the compiler drop bounds checks.
func kernel(k int, a []float32, rsa, csa int, b []float32, rsb int, c []float32, ldc int) {
	if rsa != 1 || csa != mr || rsb != nr {
		panic("gemm: portable kernel called on unpacked panels")
	}
	var (
		c00, c01, c02 float32
		c10, c11, c12 float32
	)
	a = a[:k*mr]
	b = b[:k*nr]
	for len(a) >= 4*mr && len(b) >= 4*nr {
		aa := a[: 4*mr : 4*mr]
		bb := b[: 4*nr : 4*nr]
		c00 += aa[0] * bb[0]
		c01 += aa[0] * bb[1]
		c02 += aa[0] * bb[2]
		c10 += aa[1] * bb[0]
		c11 += aa[1] * bb[1]
		c12 += aa[1] * bb[2]
		c00 += aa[2] * bb[3]
		c01 += aa[2] * bb[4]
		c02 += aa[2] * bb[5]
		c10 += aa[3] * bb[3]
		c11 += aa[3] * bb[4]
		c12 += aa[3] * bb[5]
		c00 += aa[4] * bb[6]
		c01 += aa[4] * bb[7]
		c02 += aa[4] * bb[8]
		c10 += aa[5] * bb[6]
		c11 += aa[5] * bb[7]
		c12 += aa[5] * bb[8]
		c00 += aa[6] * bb[9]
		c01 += aa[6] * bb[10]
		c02 += aa[6] * bb[11]
		c10 += aa[7] * bb[9]
		c11 += aa[7] * bb[10]
		c12 += aa[7] * bb[11]
		a = a[4*mr:]
		b = b[4*nr:]
	}
	for len(a) >= mr && len(b) >= nr {
		c00 += a[0] * b[0]
		c01 += a[0] * b[1]
		c02 += a[0] * b[2]
		c10 += a[1] * b[0]
		c11 += a[1] * b[1]
		c12 += a[1] * b[2]
		a = a[mr:]
		b = b[nr:]
	}
	r0 := c[:nr:nr]
	r0[0] += c00
	r0[1] += c01
	r0[2] += c02
	r1 := c[ldc : ldc+nr : ldc+nr]
	r1[0] += c10
	r1[1] += c11
	r1[2] += c12
}
