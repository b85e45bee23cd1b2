package gemm

import (
	"sync"
	"unsafe"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// Implementation is gonum's native blas.Float32 implementation with a
// single-threaded Sgemm. All other routines are gonum's (they are
// single-threaded already).
type Implementation struct {
	gonum.Implementation
}

var _ blas.Float32 = Implementation{}

// Blocking sizes. A packed kc×nr panel of B and mr×kc panel of A stay in
// L1 while the kernel runs; the packed mc×kc block of A stays in L2, and
// the kc×nc block of B is streamed through L2/L3. mc and nc are multiples
// of mr and nr. kc is the largest depth of a block: a product of depth k
// is cut into ⌈k/kc⌉ blocks of equal depth (see depth), so the blocking,
// and with it the order of the additions, depends on k alone.
const (
	kc = 384
	mc = 96 / mr * mr
	nc = 1536 / nr * nr

	// directMax is the largest operand, in elements, that is read in
	// place rather than packed when the kernel allows it (direct).
	directMax = 128 << 10
)

// buffers holds the packing buffers of one call. They come from a pool so
// that the hot path does not allocate; sync.Pool starts no goroutines.
// Each grows to what the largest product it served needed (see reserve),
// at most 2.5 MB in all, so that small models, which are trained by the
// thousand, do not clear and fault in megabytes whenever the pool is
// empty (after garbage collections, or when a goroutine moves to another
// P).
type buffers struct {
	a, b, edgeA, edgeB []float32
}

// reserve sizes the buffers for an m×n product cut into blocks of depth
// kd (see depth): a holds the panels of an mc×kd block of A, b those of a
// kd×nc block of B, edgeA and edgeB one panel each.
func (buf *buffers) reserve(m, n, kd int) {
	buf.a = aligned(buf.a, roundUp(min(m, mc), mr)*kd)
	buf.b = aligned(buf.b, kd*roundUp(min(n, nc), nr))
	buf.edgeA = aligned(buf.edgeA, mr*kd)
	buf.edgeB = aligned(buf.edgeB, kd*nr)
}

// aligned returns s resized to n elements if it can hold them, else a new
// slice of n elements that starts on a 64-byte boundary, as the kernels'
// AVX-512 vectors do: a misaligned panel splits a cache line at every
// access. A slice returned earlier keeps its alignment when resized.
func aligned(s []float32, n int) []float32 {
	if cap(s) >= n {
		return s[:n]
	}
	const line = 64 / 4 // float32s in a cache line
	s = make([]float32, n+line-1)
	skip := int(-uintptr(unsafe.Pointer(unsafe.SliceData(s))) % 64 / 4)
	return s[skip : skip+n]
}

func roundUp(x, to int) int { return (x + to - 1) / to * to }

var pool = sync.Pool{New: func() any { return new(buffers) }}

// Sgemm computes
//
//	C = alpha * op(A) * op(B) + beta * C
//
// where op(X) is X or Xᵀ as selected by tA and tB, op(A) is m×k, op(B) is
// k×n and C is m×n, all row-major. It panics on invalid arguments, with
// gonum's messages, as every blas.Float32 implementation does.
func (Implementation) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	aTrans := checkTrans(tA)
	bTrans := checkTrans(tB)
	if m < 0 {
		panic("blas: m < 0")
	}
	if n < 0 {
		panic("blas: n < 0")
	}
	if k < 0 {
		panic("blas: k < 0")
	}
	if aTrans {
		if lda < max(1, m) {
			panic("blas: bad leading dimension of A")
		}
	} else if lda < max(1, k) {
		panic("blas: bad leading dimension of A")
	}
	if bTrans {
		if ldb < max(1, k) {
			panic("blas: bad leading dimension of B")
		}
	} else if ldb < max(1, n) {
		panic("blas: bad leading dimension of B")
	}
	if ldc < max(1, n) {
		panic("blas: bad leading dimension of C")
	}
	if m == 0 || n == 0 {
		return
	}
	if k > 0 {
		if aTrans {
			if len(a) < (k-1)*lda+m {
				panic("blas: insufficient length of a")
			}
		} else if len(a) < (m-1)*lda+k {
			panic("blas: insufficient length of a")
		}
		if bTrans {
			if len(b) < (n-1)*ldb+k {
				panic("blas: insufficient length of b")
			}
		} else if len(b) < (k-1)*ldb+n {
			panic("blas: insufficient length of b")
		}
	}
	if len(c) < (m-1)*ldc+n {
		panic("blas: insufficient length of c")
	}

	// C = beta*C. beta == 0 overwrites, so that NaNs in C do not survive.
	if beta != 1 {
		for i := 0; i < m; i++ {
			row := c[i*ldc : i*ldc+n]
			if beta == 0 {
				clear(row)
			} else {
				for j := range row {
					row[j] *= beta
				}
			}
		}
	}
	if alpha == 0 || k == 0 {
		return
	}

	buf := pool.Get().(*buffers)
	defer pool.Put(buf)
	kd := depth(k)
	buf.reserve(m, n, kd)
	// Operands read in place need no copy, but are only worth it while
	// they stay in cache; larger ones are packed (see direct).
	// With n ≤ nr the kernel reads every element of A once, and with
	// m ≤ mc an mb×kb block of A is no larger than a packed one, so a
	// large A is read in place then too: packing would only copy it. With
	// m ≤ mc each block of B is used by a single block of A, so the same
	// holds for B.
	directA := direct && alpha == 1 && (m*k <= directMax || n <= nr || m <= mc)
	directB := direct && !bTrans && (k*n <= directMax || m <= mc)
	for jc := 0; jc < n; jc += nc {
		nb := min(nc, n-jc)
		for pc := 0; pc < k; pc += kd {
			kb := min(kd, k-pc)
			bo := operand{s: buf.b, rs: nr, panel: nr * kb, packed: true}
			if directB {
				bo = operand{s: b, off: pc*ldb + jc, rs: ldb, panel: nr}
			} else {
				packB(buf.b, b, ldb, bTrans, pc, jc, kb, nb)
			}
			for ic := 0; ic < m; ic += mc {
				mb := min(mc, m-ic)
				ao := operand{s: buf.a, rs: 1, cs: mr, panel: mr * kb, packed: true}
				switch {
				case !directA:
					packA(buf.a, a, lda, aTrans, ic, pc, mb, kb, alpha)
				case aTrans:
					ao = operand{s: a, off: pc*lda + ic, rs: 1, cs: lda, panel: mr}
				default:
					ao = operand{s: a, off: ic*lda + pc, rs: lda, cs: 1, panel: mr * lda}
				}
				macro(buf, ao, bo, kb, mb, nb, c[ic*ldc+jc:], ldc)
			}
		}
	}
}

// operand locates the micro-panels of A or B for the kernel. Element (i, p)
// of A panel r is s[off + r*panel + i*rs + p*cs]; row p of B panel r is
// s[off + r*panel + p*rs : … + nr]. A packed A panel is zero-padded to mr
// rows, and a packed B panel to nr columns.
type operand struct {
	s      []float32
	off    int
	rs, cs int
	panel  int
	packed bool
}

// depth returns the depth of the blocks that a product of depth k > 0 is
// cut into: ⌈k/⌈k/kc⌉⌉, at most kc.
func depth(k int) int {
	blocks := (k + kc - 1) / kc
	return (k + blocks - 1) / blocks
}

// macro adds the product of the mb×kb block of A and kb×nb block of B
// described by ao and bo to the mb×nb block of C that starts at c[0], tile
// by tile. Full tiles go straight to C. Edge tiles go through a zeroed
// scratch tile, so that the kernel never writes outside the block, with
// their unpacked operands copied into zero-padded scratch panels, so that
// it never reads outside them. Edge tiles exactly nr/2 wide (16 output
// channels, a layer of 16 units) take the half-width kernel where there
// is one, which reads B and, with full rows, writes C in place: the same
// sums, without the copies.
// testHookHalf, when a test sets it, is called for every tile that the
// half-width kernel writes in place.
var testHookHalf func()

func macro(buf *buffers, ao, bo operand, kb, mb, nb int, c []float32, ldc int) {
	var tile [mr * nr]float32
	for jr := 0; jr < nb; jr += nr {
		cols := min(nr, nb-jr)
		half := cols == nr/2 && hasHalf()
		bs, boff, brs := bo.s, bo.off+jr/nr*bo.panel, bo.rs
		if cols < nr && !bo.packed && !half {
			bp := buf.edgeB[:kb*nr]
			for p := 0; p < kb; p++ {
				d := bp[p*nr : p*nr+nr]
				copy(d, bs[boff+p*brs:boff+p*brs+cols])
				clear(d[cols:])
			}
			bs, boff, brs = bp, 0, nr
		}
		for ir := 0; ir < mb; ir += mr {
			rows := min(mr, mb-ir)
			as, aoff, ars, acs := ao.s, ao.off+ir/mr*ao.panel, ao.rs, ao.cs
			if rows < mr && !ao.packed {
				ap := buf.edgeA[:kb*mr]
				clear(ap)
				for i := 0; i < rows; i++ {
					for p := 0; p < kb; p++ {
						ap[p*mr+i] = as[aoff+i*ars+p*acs]
					}
				}
				as, aoff, ars, acs = ap, 0, 1, mr
			}
			off := ir*ldc + jr
			switch {
			case rows == mr && cols == nr:
				kernel(kb, as[aoff:], ars, acs, bs[boff:], brs, c[off:], ldc)
				continue
			case rows == mr && half:
				if testHookHalf != nil {
					testHookHalf()
				}
				kernelHalf(kb, as[aoff:], ars, acs, bs[boff:], brs, c[off:], ldc)
				continue
			}
			tile = [mr * nr]float32{}
			if half {
				kernelHalf(kb, as[aoff:], ars, acs, bs[boff:], brs, tile[:], nr)
			} else {
				kernel(kb, as[aoff:], ars, acs, bs[boff:], brs, tile[:], nr)
			}
			for i := 0; i < rows; i++ {
				crow := c[off+i*ldc : off+i*ldc+cols]
				for j, v := range tile[i*nr : i*nr+cols] {
					crow[j] += v
				}
			}
		}
	}
}

func checkTrans(t blas.Transpose) bool {
	switch t {
	case blas.NoTrans:
		return false
	case blas.Trans, blas.ConjTrans:
		return true
	}
	panic("blas: illegal transpose")
}

// packA copies alpha·op(A)[ic:ic+mb, pc:pc+kb] into dst as consecutive
// panels of mr rows; panel r holds element (i, p) at r*mr*kb + p*mr + i.
// Rows past mb are zero. Writes to dst are sequential; with A transposed
// the reads are too, otherwise mr rows of A are read side by side.
func packA(dst, a []float32, lda int, trans bool, ic, pc, mb, kb int, alpha float32) {
	for r := 0; r < mb; r += mr {
		panel := dst[r*kb : (r+mr)*kb]
		rows := min(mr, mb-r)
		if trans {
			for p := 0; p < kb; p++ {
				src := a[(pc+p)*lda+ic+r : (pc+p)*lda+ic+r+rows]
				d := panel[p*mr : p*mr+mr]
				for i, v := range src {
					d[i] = alpha * v
				}
				clear(d[rows:])
			}
			continue
		}
		if rows < mr {
			clear(panel)
		}
		for i := 0; i < rows; i++ {
			off := (ic+r+i)*lda + pc
			for p, v := range a[off : off+kb] {
				panel[p*mr+i] = alpha * v
			}
		}
	}
}

// packB copies op(B)[pc:pc+kb, jc:jc+nb] into dst as consecutive panels of
// nr columns; panel s holds element (p, j) at s*nr*kb + p*nr + j. Columns
// past nb are zero. Writes to dst are sequential; with B transposed, nr
// rows of B are read side by side.
func packB(dst, b []float32, ldb int, trans bool, pc, jc, kb, nb int) {
	for s := 0; s < nb; s += nr {
		panel := dst[s*kb : (s+nr)*kb]
		cols := min(nr, nb-s)
		if trans {
			if cols < nr {
				clear(panel)
			}
			// Eight values of each row at a time: eight sequential reads
			// per row, and writes within eight rows of the panel (1 KB).
			p := 0
			for ; p+8 <= kb; p += 8 {
				d := panel[p*nr : (p+8)*nr]
				for j := 0; j < cols; j++ {
					off := (jc+s+j)*ldb + pc + p
					src := b[off : off+8 : off+8]
					d[j] = src[0]
					d[nr+j] = src[1]
					d[2*nr+j] = src[2]
					d[3*nr+j] = src[3]
					d[4*nr+j] = src[4]
					d[5*nr+j] = src[5]
					d[6*nr+j] = src[6]
					d[7*nr+j] = src[7]
				}
			}
			for j := 0; j < cols; j++ {
				off := (jc+s+j)*ldb + pc
				for q := p; q < kb; q++ {
					panel[q*nr+j] = b[off+q]
				}
			}
			continue
		}
		for p := 0; p < kb; p++ {
			src := b[(pc+p)*ldb+jc+s : (pc+p)*ldb+jc+s+cols]
			dp := panel[p*nr : p*nr+nr]
			copy(dp, src)
			clear(dp[cols:])
		}
	}
}
