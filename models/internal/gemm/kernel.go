package gemm

// Register block of the micro-kernel: it computes an mr×nr tile of C.
//
// 2×3 is small on purpose. gc schedules the products of a register block
// ahead of the loop-carried sums, so a block needs about twice as many
// registers as it has accumulators; larger blocks (4×4, 4×8, 2×4) spill to
// the stack and measured 2–3× slower than 2×3 on amd64 (scalar SSE, 16 X
// registers). A SIMD kernel should use a larger block, e.g. 4×8 or 6×16.
const (
	mr = 2
	nr = 3
)

// kernel computes the mr×nr tile
//
//	tile[i*nr+j] = Σ_p a[p*mr+i] · b[p*nr+j],  p = 0 … k-1
//
// from a packed mr×k panel of A and a packed k×nr panel of B (see packA,
// packB), overwriting tile. Accumulation runs over p in order, so the
// result is deterministic. This is the function to replace with SIMD.
func kernel(k int, a, b []float32, tile *[mr * nr]float32) {
	var (
		c00, c01, c02 float32
		c10, c11, c12 float32
	)
	a = a[:k*mr]
	b = b[:k*nr]
	for len(a) >= mr && len(b) >= nr {
		b0, b1, b2 := b[0], b[1], b[2]
		a0 := a[0]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		a1 := a[1]
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		a = a[mr:]
		b = b[nr:]
	}
	*tile = [mr * nr]float32{
		c00, c01, c02,
		c10, c11, c12,
	}
}
