package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"unsafe"

	"gonum.org/v1/gonum/blas"
)

// naive computes C = alpha*op(A)*op(B) + beta*C with a float64 triple loop.
func naive(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) []float64 {
	out := make([]float64, len(c))
	for i := range c {
		out[i] = float64(c[i])
	}
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for p := 0; p < k; p++ {
				var av, bv float32
				if tA == blas.NoTrans {
					av = a[i*lda+p]
				} else {
					av = a[p*lda+i]
				}
				if tB == blas.NoTrans {
					bv = b[p*ldb+j]
				} else {
					bv = b[j*ldb+p]
				}
				s += float64(av) * float64(bv)
			}
			if beta == 0 {
				out[i*ldc+j] = float64(alpha) * s
			} else {
				out[i*ldc+j] = float64(alpha)*s + float64(beta)*float64(c[i*ldc+j])
			}
		}
	}
	return out
}

func randSlice(rng *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(rng.NormFloat64())
	}
	return s
}

func TestSgemmMatchesNaiveTripleLoop(t *testing.T) {
	testAgainstNaive(t)
}

// testAgainstNaive checks Sgemm against naive over every combination of
// transposes, scalars and a set of shapes: tiny ones, ones that leave
// partial tiles at every edge, ones that span several blocks of k, m and
// n, and ones large enough to be packed rather than read in place.
func testAgainstNaive(t *testing.T) {
	trans := []blas.Transpose{blas.NoTrans, blas.Trans}
	shapes := [][3]int{
		{1, 1, 1}, {1, 7, 3}, {5, 1, 9}, {3, 5, 0}, {4, 8, 16}, {5, 9, 17},
		{13, 11, 7}, {64, 64, 784}, {67, 70, 300}, {3, 1030, 5}, {130, 9, 513},
		{70, 40, 1900}, {20, 1100, 130}, {6, 16, 1}, {12, 32, 385},
		// Operands past directMax that are still read in place: a tall A
		// with n ≤ nr, and a short A (m ≤ mc) with a large A or B.
		{2000, 20, 80}, {40, 300, 500}, {90, 70, 2000},
	}
	scalars := [][2]float32{{1, 0}, {1, 1}, {-0.5, 2}, {0, 0.5}}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tA := range trans {
		for _, tB := range trans {
			for _, sh := range shapes {
				for _, ab := range scalars {
					m, n, k := sh[0], sh[1], sh[2]
					alpha, beta := ab[0], ab[1]
					name := fmt.Sprintf("%v×%v of %dx%dx%d with alpha %v beta %v agrees with the triple loop", tA, tB, m, n, k, alpha, beta)
					t.Run(name, func(t *testing.T) {
						// Leading dimensions larger than needed test strides.
						ra, ca := m, k
						if tA != blas.NoTrans {
							ra, ca = k, m
						}
						rb, cb := k, n
						if tB != blas.NoTrans {
							rb, cb = n, k
						}
						lda, ldb, ldc := ca+2, cb+1, n+3
						a := randSlice(rng, max(ra*lda, 1))
						b := randSlice(rng, max(rb*ldb, 1))
						c := randSlice(rng, m*ldc)
						c[0] = float32(math.NaN()) // must vanish when beta == 0
						want := naive(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
						if beta != 0 {
							c[0] = 1
							want = naive(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
						}
						Implementation{}.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
						for i := 0; i < m; i++ {
							for j := 0; j < ldc; j++ {
								got, w := float64(c[i*ldc+j]), want[i*ldc+j]
								if j >= n {
									// Outside the matrix: untouched.
									if got != w && !(math.IsNaN(got) && math.IsNaN(w)) {
										t.Fatalf("C[%d,%d] outside the matrix changed from %v to %v", i, j, w, got)
									}
									continue
								}
								tol := 1e-5 * (1 + math.Abs(w)) * math.Sqrt(float64(k)+1)
								if math.IsNaN(got) || math.Abs(got-w) > tol {
									t.Fatalf("C[%d,%d] = %v, want %v (tol %v)", i, j, got, w, tol)
								}
							}
						}
					})
				}
			}
		}
	}
}

func TestSgemmIsDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	m, n, k := 67, 1100, 600
	a, b := randSlice(rng, m*k), randSlice(rng, k*n)
	c1, c2 := make([]float32, m*n), make([]float32, m*n)
	Implementation{}.Sgemm(blas.NoTrans, blas.NoTrans, m, n, k, 1, a, k, b, n, 0, c1, n)
	Implementation{}.Sgemm(blas.NoTrans, blas.NoTrans, m, n, k, 1, a, k, b, n, 0, c2, n)
	for i := range c1 {
		if math.Float32bits(c1[i]) != math.Float32bits(c2[i]) {
			t.Fatalf("element %d differs between two identical calls: %v vs %v", i, c1[i], c2[i])
		}
	}
}

func TestSgemmPanicsOnBadArguments(t *testing.T) {
	a := make([]float32, 12)
	panics(t, []badCall{
		{"a bad transpose panics", func() { Implementation{}.Sgemm('x', blas.NoTrans, 2, 2, 2, 1, a, 2, a, 2, 0, a, 2) }},
		{"a negative m panics", func() { Implementation{}.Sgemm(blas.NoTrans, blas.NoTrans, -1, 2, 2, 1, a, 2, a, 2, 0, a, 2) }},
		{"a short leading dimension of A panics", func() { Implementation{}.Sgemm(blas.NoTrans, blas.NoTrans, 2, 2, 3, 1, a, 2, a, 2, 0, a, 2) }},
		{"a short C panics", func() { Implementation{}.Sgemm(blas.NoTrans, blas.NoTrans, 4, 4, 2, 1, a, 2, a, 4, 0, a[:10], 4) }},
	})
}

// badCall is a call that must panic, by name.
type badCall struct {
	name string
	call func()
}

// panics runs each call in a subtest and fails those that do not panic.
func panics(t *testing.T, calls []badCall) {
	t.Helper()
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatal("no panic")
				}
			}()
			c.call()
		})
	}
}

// sameBits fails the test at the first element of got whose bits differ
// from want's.
func sameBits(t *testing.T, what string, got, want []float32) {
	t.Helper()
	for i := range want {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Fatalf("%s: element %d is %v (%#x), want %v (%#x)", what, i, got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
		}
	}
}

// TestBuffersAreAligned checks that every packing buffer starts on a
// 64-byte boundary, as the kernels' AVX-512 vectors do (a misaligned
// panel splits a cache line at every access), and holds the panels of the
// product it is reserved for, as the buffers grow from product to product.
func TestBuffersAreAligned(t *testing.T) {
	buf := new(buffers)
	for _, sh := range []struct{ m, n, k int }{{1, 1, 1}, {2, 16, 2}, {7, 33, 5}, {64, 64, 784}, {32, 16, 2}, {256, 256, 256}, {3, 3000, 1000}, {1000, 3, 1000}} {
		kd := depth(sh.k)
		buf.reserve(sh.m, sh.n, kd)
		tests := []struct {
			name string
			s    []float32
			min  int
		}{
			{"a", buf.a, roundUp(min(sh.m, mc), mr) * kd},
			{"b", buf.b, kd * roundUp(min(sh.n, nc), nr)},
			{"edgeA", buf.edgeA, mr * kd},
			{"edgeB", buf.edgeB, kd * nr},
		}
		for _, tt := range tests {
			if len(tt.s) < tt.min {
				t.Errorf("%dx%dx%d: %s holds %d, the panels need %d", sh.m, sh.n, sh.k, tt.name, len(tt.s), tt.min)
			}
			if addr := uintptr(unsafe.Pointer(unsafe.SliceData(tt.s))); addr%64 != 0 {
				t.Errorf("%dx%dx%d: %s at %#x, not on a 64-byte boundary", sh.m, sh.n, sh.k, tt.name, addr)
			}
		}
	}
}
