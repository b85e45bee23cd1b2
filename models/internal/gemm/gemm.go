package gemm

import (
	"sync"

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
// L1 while the kernel runs; the packed mc×kc block of A (64 KiB) stays in
// L2, and the kc×nc block of B (1 MiB) is streamed through L2/L3. mc and nc
// must be multiples of mr and nr.
const (
	kc = 256
	mc = 64 / mr * mr
	nc = 1024 / nr * nr
)

// buffers holds the packing buffers of one call. They come from a pool so
// that the hot path does not allocate; sync.Pool starts no goroutines.
type buffers struct {
	a [mc * kc]float32
	b [kc * nc]float32
}

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
	var tile [mr * nr]float32
	for jc := 0; jc < n; jc += nc {
		nb := min(nc, n-jc)
		for pc := 0; pc < k; pc += kc {
			kb := min(kc, k-pc)
			packB(buf.b[:], b, ldb, bTrans, pc, jc, kb, nb)
			for ic := 0; ic < m; ic += mc {
				mb := min(mc, m-ic)
				packA(buf.a[:], a, lda, aTrans, ic, pc, mb, kb, alpha)
				for jr := 0; jr < nb; jr += nr {
					bp := buf.b[jr*kb : (jr+nr)*kb]
					cols := min(nr, nb-jr)
					for ir := 0; ir < mb; ir += mr {
						ap := buf.a[ir*kb : (ir+mr)*kb]
						kernel(kb, ap, bp, &tile)
						rows := min(mr, mb-ir)
						for i := 0; i < rows; i++ {
							off := (ic+ir+i)*ldc + jc + jr
							crow := c[off : off+cols]
							t := tile[i*nr : i*nr+cols]
							for j := range crow {
								crow[j] += t[j]
							}
						}
					}
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
// Rows past mb are zero.
func packA(dst, a []float32, lda int, trans bool, ic, pc, mb, kb int, alpha float32) {
	for r := 0; r < mb; r += mr {
		panel := dst[r*kb : (r+mr)*kb]
		rows := min(mr, mb-r)
		if rows < mr {
			clear(panel)
		}
		for i := 0; i < rows; i++ {
			row := ic + r + i
			if trans {
				for p := 0; p < kb; p++ {
					panel[p*mr+i] = alpha * a[(pc+p)*lda+row]
				}
			} else {
				src := a[row*lda+pc : row*lda+pc+kb]
				for p, v := range src {
					panel[p*mr+i] = alpha * v
				}
			}
		}
	}
}

// packB copies op(B)[pc:pc+kb, jc:jc+nb] into dst as consecutive panels of
// nr columns; panel s holds element (p, j) at s*nr*kb + p*nr + j. Columns
// past nb are zero.
func packB(dst, b []float32, ldb int, trans bool, pc, jc, kb, nb int) {
	for s := 0; s < nb; s += nr {
		panel := dst[s*kb : (s+nr)*kb]
		cols := min(nr, nb-s)
		if trans {
			if cols < nr {
				clear(panel)
			}
			for j := 0; j < cols; j++ {
				col := jc + s + j
				src := b[col*ldb+pc : col*ldb+pc+kb]
				for p, v := range src {
					panel[p*nr+j] = v
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
