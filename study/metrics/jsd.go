package metrics

import (
	"fmt"
	"math"

	"github.com/study-harness/study/study/predmat"
)

// jsdTile is the number of models per side of a JSD tile, and jsdChunk
// the number of (instance, class) values of each model that a tile
// processes at a time: the 2·jsdTile row chunks (256 KB) stay in L2 while
// every pair of the tile reads them, so each probability is read from
// memory once per tile rather than once per pair.
const (
	jsdTile  = 32
	jsdChunk = 1024
)

// JSD computes the mean Jensen–Shannon divergence, in bits, of all pairs
// on at most workers goroutines (≤ 0: GOMAXPROCS):
//
//	JSD(A, B) = mean_i [H(m_i) − (H(p^A_i) + H(p^B_i))/2],  m_i = (p^A_i + p^B_i)/2
//
// with H the entropy in bits. The per-model entropies are computed once,
// exactly in float64; each pair then costs one logarithm per instance and
// class, Σ m log2 m. On amd64 with AVX-512 that sum runs sixteen lanes at
// a time in float32 (VGETEXPPS/VGETMANTPS and a polynomial logarithm
// accurate to about 1e-7, products summed in float64), with AVX2 and FMA
// eight lanes; either keeps each pair within about 1e-6 relative of the
// exact value. Elsewhere a float64 polynomial (1e-13) runs. The pairs are computed in tiles, and each pair's sum over fixed
// chunks in a fixed order, so the result does not depend on the number
// of workers. The result is clamped at 0 against rounding, and the
// diagonal is 0. It is always defined.
func JSD(x *predmat.Matrix, workers int) (Square, error) {
	if err := checkShape(x); err != nil {
		return nil, fmt.Errorf("metrics: jsd: %w", err)
	}
	if x.Prob == nil {
		return nil, fmt.Errorf("metrics: jsd: %w", errNoProb)
	}
	m, n := x.M(), x.N()
	h := make([]float64, m) // Σ_i H(p^m_i), in bits, 16 models per task
	var rows []tile
	for a0 := 0; a0 < m; a0 += 16 {
		rows = append(rows, tile{a0: a0, a1: min(a0+16, m)})
	}
	forTiles(rows, workers, func(t tile) {
		for a := t.a0; a < t.a1; a++ {
			s := 0.0
			for _, p := range x.ProbRow(a) {
				s -= xlog2x(float64(p))
			}
			h[a] = s
		}
	})
	out := NewSquare(m)
	nc := n * x.Classes
	forTiles(upperTiles(m, jsdTile), workers, func(t tile) {
		ra, rb := t.a1-t.a0, t.b1-t.b0
		acc := make([]float64, ra*rb)
		for k0 := 0; k0 < nc; k0 += jsdChunk {
			k1 := min(k0+jsdChunk, nc)
			cellsOf(t, func(a, b int) {
				if a == b {
					return
				}
				acc[(a-t.a0)*rb+b-t.b0] += mixXlog2x(x.Prob[a*nc+k0:a*nc+k1], x.Prob[b*nc+k0:b*nc+k1])
			})
		}
		cellsOf(t, func(a, b int) {
			if a == b {
				return
			}
			s := -acc[(a-t.a0)*rb+b-t.b0]
			v := max((s-0.5*(h[a]+h[b]))/float64(n), 0)
			out[a][b], out[b][a] = v, v
		})
	})
	return out, nil
}

// mixXlog2xGo is the portable mixXlog2x: float64 xlog2x with four
// independent sums, so that the CPU overlaps the logarithms' dependency
// chains; the order is fixed, so is the result.
func mixXlog2xGo(pa, pb []float32) float64 {
	pb = pb[:len(pa)]
	var s0, s1, s2, s3 float64
	k := 0
	for ; k+4 <= len(pa); k += 4 {
		s0 += xlog2x(0.5 * (float64(pa[k]) + float64(pb[k])))
		s1 += xlog2x(0.5 * (float64(pa[k+1]) + float64(pb[k+1])))
		s2 += xlog2x(0.5 * (float64(pa[k+2]) + float64(pb[k+2])))
		s3 += xlog2x(0.5 * (float64(pa[k+3]) + float64(pb[k+3])))
	}
	for ; k < len(pa); k++ {
		s0 += xlog2x(0.5 * (float64(pa[k]) + float64(pb[k])))
	}
	return (s0 + s1) + (s2 + s3)
}

// xlog2x returns x·log2(x), and 0 for x ≤ 0. With x = 2^e·f, f in
// [√½, √2), it uses ln f = 2 atanh(s) = 2(s + s³/3 + …), s = (f−1)/(f+1),
// |s| ≤ 0.172, whose truncation after s¹⁵ errs by less than 1e-13
// relative; this is several times faster than math.Log2.
func xlog2x(x float64) float64 {
	if x <= 0 {
		return 0
	}
	b := math.Float64bits(x)
	e := int(b>>52) - 1023
	if e == -1023 { // subnormal: not reachable from float32 inputs
		return x * math.Log2(x)
	}
	f := math.Float64frombits(b&(1<<52-1) | 1023<<52)
	if f > math.Sqrt2 {
		f *= 0.5
		e++
	}
	s := (f - 1) / (f + 1)
	s2 := s * s
	ln := 2 * s * (1 + s2*(1.0/3+s2*(1.0/5+s2*(1.0/7+s2*(1.0/9+s2*(1.0/11+s2*(1.0/13+s2*(1.0/15))))))))
	return x * (float64(e) + ln*math.Log2E)
}

// mixXlog2xEachGo is the portable mixXlog2xEach.
func mixXlog2xEachGo(a, b, out []float32) {
	b, out = b[:len(a)], out[:len(a)]
	for k := range a {
		out[k] = float32(xlog2x(0.5 * (float64(a[k]) + float64(b[k]))))
	}
}
