//go:build amd64 && !purego

package gemm

import "golang.org/x/sys/cpu"

// Register block of the micro-kernel on amd64: a 6×32 tile of C is twelve
// 16-wide AVX-512 registers. Without AVX-512 the tile is computed as two
// 6×16 halves of twelve 8-wide AVX2 registers each, which with two for the
// B row and two for A broadcasts uses all sixteen Y registers. Both add
// the same fused products in the same order, so they agree bit for bit.
const (
	mr = 6
	nr = 32
)

// useAVX512 and useAVX2 select the assembly kernels. Without AVX2 and FMA
// (or with the purego build tag, which selects kernel_other.go instead)
// the portable Go kernel runs. Tests switch them off to cover the
// fallbacks.
var (
	useAVX512 = cpu.X86.HasAVX512F && cpu.X86.HasAVX2 && cpu.X86.HasFMA
	useAVX2   = cpu.X86.HasAVX2 && cpu.X86.HasFMA
)

// direct says that the kernel reads operands with any strides, so that
// Sgemm may pass small operands in place instead of packing them.
const direct = true

// kernelAVX512 (6×32) and kernelAVX2 (6×16) are implemented in
// kernel_amd64.s; see kernel.
//
//go:noescape
func kernelAVX512(k int, a *float32, rsa, csa int, b *float32, rsb int, c *float32, ldc int)

//go:noescape
func kernelAVX2(k int, a *float32, rsa, csa int, b *float32, rsb int, c *float32, ldc int)

// kernel adds the mr×nr product of an mr×k panel of A and a k×nr panel of
// B to c, whose rows are ldc apart:
//
//	c[i*ldc+j] += Σ_p a[i*rsa+p*csa] · b[p*rsb+j],  p = 0 … k-1, k ≥ 1.
//
// Packed panels (see packA, packB) have rsa = 1, csa = mr and rsb = nr.
// Each sum runs over p in order from zero and is then added to c, so the
// result is deterministic. The assembly kernels fuse each product into its
// sum (FMA); the Go fallback rounds them separately, so it agrees with
// them to rounding, not bit for bit.
func kernel(k int, a []float32, rsa, csa int, b []float32, rsb int, c []float32, ldc int) {
	if len(a) <= (mr-1)*rsa+(k-1)*csa || len(b) < (k-1)*rsb+nr || len(c) < (mr-1)*ldc+nr {
		panic("gemm: kernel operands too short")
	}
	switch {
	case useAVX512:
		kernelAVX512(k, &a[0], rsa, csa, &b[0], rsb, &c[0], ldc)
	case useAVX2:
		kernelAVX2(k, &a[0], rsa, csa, &b[0], rsb, &c[0], ldc)
		kernelAVX2(k, &a[0], rsa, csa, &b[nr/2], rsb, &c[nr/2], ldc)
	default:
		kernelGo(k, a, rsa, csa, b, rsb, c, ldc)
	}
}

// useHalf lets tests turn the half-width path off, to compare it with the
// scratch tile it replaces.
var useHalf = true

// hasHalf reports whether kernelHalf may be called: with AVX2 and FMA.
func hasHalf() bool { return useHalf && useAVX2 }

// kernelHalf adds the mr×nr/2 product of an mr×k panel of A and the first
// nr/2 columns of a k×nr panel of B to c, as kernel does for the left
// half of its tile: the AVX2 kernel, which adds the same fused products in
// the same order as the left half of the AVX-512 one. It reads and writes
// only nr/2 columns, so a block of C or B that is exactly nr/2 wide needs
// no scratch tile or copied panel. Call it only when hasHalf.
func kernelHalf(k int, a []float32, rsa, csa int, b []float32, rsb int, c []float32, ldc int) {
	if len(a) <= (mr-1)*rsa+(k-1)*csa || len(b) < (k-1)*rsb+nr/2 || len(c) < (mr-1)*ldc+nr/2 {
		panic("gemm: kernel operands too short")
	}
	kernelAVX2(k, &a[0], rsa, csa, &b[0], rsb, &c[0], ldc)
}

// kernelGo is kernel in portable Go, for amd64 CPUs without AVX2 or FMA.
func kernelGo(k int, a []float32, rsa, csa int, b []float32, rsb int, c []float32, ldc int) {
	var tile [mr * nr]float32
	for p := 0; p < k; p++ {
		bp := b[p*rsb : p*rsb+nr]
		for i := 0; i < mr; i++ {
			av := a[i*rsa+p*csa]
			t := tile[i*nr : i*nr+nr]
			for j, bv := range bp {
				t[j] += av * bv
			}
		}
	}
	for i := 0; i < mr; i++ {
		row := c[i*ldc : i*ldc+nr]
		for j, v := range tile[i*nr : i*nr+nr] {
			row[j] += v
		}
	}
}
