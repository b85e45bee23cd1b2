package metrics

import (
	"errors"
	"fmt"
	"math"

	"github.com/study-harness/study/study/predmat"
	"gonum.org/v1/gonum/blas"

	"github.com/study-harness/study/models/gemm"
)

const (
	// gramTile is the number of models per side of a float32 Gram tile.
	// The products run on internal/gemm's single-threaded Sgemm, so the
	// worker pool alone sets the parallelism. A tile packs its operands
	// once per column chunk, which costs about 1/gramTile of its products;
	// 192 (a multiple of the 6×32 register block) measured faster than 64
	// and 128, and than cutting diagonal tiles into strips that skip the
	// lower triangle.
	gramTile = 192
	// capaTile is the number of models per side of a float64 Gram tile
	// (gram64, for CKA); a 64×64 tile is one gonum GEMM block, so gonum
	// runs it serially and the worker pool alone sets the parallelism.
	capaTile = 64
	// capaChunk is how many flattened (instance, class) columns one
	// float32 GEMM covers before its result is added to the float64
	// accumulator, bounding the float32 rounding error; 512 is about as
	// fast as 4096 and errs less.
	capaChunk = 512
	// gramExact is the largest product, m·m·k multiply-adds, that gram
	// computes exactly in float64 (gonum, a few milliseconds) rather than
	// in float32 GEMM chunks.
	gramExact = 1 << 24
)

// errNoProb is returned by the kernels that need class probabilities.
var errNoProb = errors.New("the matrix has no class probabilities")

// CAPA computes chance-adjusted probabilistic agreement (Goel et al. 2025)
// for all pairs on at most workers goroutines (≤ 0: GOMAXPROCS):
//
//	c_obs = mean_i Σ_o p^A_i(o) p^B_i(o)
//	c_exp = p̄_A p̄_B + (1 − p̄_A)(1 − p̄_B)/(C − 1),  p̄_m = mean_i p^m_i(y_i)
//	CAPA  = (c_obs − c_exp)/(1 − c_exp)
//
// (every instance has all C classes as options, so mean_i 1/(|O_i| − 1) =
// 1/(C − 1)). The observed term of all pairs is the Gram matrix F Fᵀ/N of
// the flattened M×(N·C) probabilities. Up to 2²⁴ multiply-adds it is
// computed in float64; above, tile by tile with float32 GEMM
// (internal/gemm's AVX-512/AVX2 kernel) on chunks of 512 columns whose
// sums are accumulated in float64, which keeps c_obs within about 1e-6
// relative. Reasons holds why each NaN cell is undefined.
func CAPA(x *predmat.Matrix, workers int) (Square, Reasons, error) {
	if err := checkShape(x); err != nil {
		return nil, nil, fmt.Errorf("metrics: capa: %w", err)
	}
	if x.Prob == nil {
		return nil, nil, fmt.Errorf("metrics: capa: %w", errNoProb)
	}
	m, n, c := x.M(), x.N(), x.Classes
	g := gram(x.Prob, m, n*c, workers)
	pbar := make([]float64, m)
	for a := range pbar {
		row := x.ProbRow(a)
		s := 0.0
		for i, y := range x.Labels {
			s += float64(row[i*c+int(y)])
		}
		pbar[a] = s / float64(n)
	}
	out, why := NewSquare(m), Reasons{}
	for a := 0; a < m; a++ {
		for b := 0; b < m; b++ {
			if c == 1 {
				out[a][b] = math.NaN()
				why.cell("capa", a, b, whyCAPAClasses)
				continue
			}
			cexp := pbar[a]*pbar[b] + (1-pbar[a])*(1-pbar[b])/float64(c-1)
			if cexp >= 1 {
				out[a][b] = math.NaN()
				why.cell("capa", a, b, fmt.Sprintf("%s (p̄_A = %g, p̄_B = %g)", whyCAPAExpected, pbar[a], pbar[b]))
				continue
			}
			cobs := g[a*m+b] / float64(n)
			out[a][b] = (cobs - cexp) / (1 - cexp)
		}
	}
	return out, why, nil
}

// gram returns the m×m matrix F Fᵀ of the row-major m×k matrix f, tile
// by tile over the upper triangle. internal/gemm fixes the order of the
// additions of each element by k alone, so the result depends neither on
// the tiling nor on the workers.
func gram(f []float32, m, k, workers int) []float64 {
	if m*m*k <= gramExact {
		f64 := make([]float64, len(f))
		for i, v := range f {
			f64[i] = float64(v)
		}
		return gram64(f64, m, k, workers)
	}
	g := make([]float64, m*m)
	var impl gemm.Implementation
	forTiles(upperTiles(m, gramTile), workers, func(t tile) {
		ra, rb := t.a1-t.a0, t.b1-t.b0
		part := make([]float32, ra*rb)
		acc := make([]float64, ra*rb)
		for k0 := 0; k0 < k; k0 += capaChunk {
			kk := min(capaChunk, k-k0)
			impl.Sgemm(blas.NoTrans, blas.Trans, ra, rb, kk, 1,
				f[t.a0*k+k0:], k, f[t.b0*k+k0:], k, 0, part, rb)
			for j, v := range part {
				acc[j] += float64(v)
			}
		}
		for i := 0; i < ra; i++ {
			for j := 0; j < rb; j++ {
				v := acc[i*rb+j]
				g[(t.a0+i)*m+t.b0+j] = v
				g[(t.b0+j)*m+t.a0+i] = v
			}
		}
	})
	return g
}
