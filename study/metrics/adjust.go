package metrics

import (
	"math"
	"slices"
)

// Multiplicity corrections of the per-pair p-values. Each pair's p-value
// is one of M(M−1)/2 tests (276 for 24 models), so a pair at p = 0.01
// means little on its own. The adjusted values are written beside the raw
// ones:
//
//   - <name>_adj: Benjamini–Hochberg (1995), which controls the false
//     discovery rate; p_(i) ↦ min_{j ≥ i} min(1, K·p_(j)/j) over the K
//     defined p-values in increasing order;
//   - <name>_holm: Holm (1979), which controls the family-wise error rate;
//     p_(i) ↦ max_{j ≤ i} min(1, (K − j + 1)·p_(j)).
//
// Both run over the pairs a < b whose p-value is defined; the matrices are
// symmetric, NaN on the diagonal and where the raw p-value is NaN.

// adjustPairs returns the Benjamini–Hochberg and Holm adjustments of the
// symmetric matrix of per-pair p-values p.
func adjustPairs(p Square) (bh, holm Square) {
	m := len(p)
	type entry struct {
		v    float64
		a, b int
	}
	var es []entry
	for a := range m {
		for b := a + 1; b < m; b++ {
			if !math.IsNaN(p[a][b]) {
				es = append(es, entry{p[a][b], a, b})
			}
		}
	}
	// Ties keep pair order, so the result does not depend on the sort.
	slices.SortStableFunc(es, func(x, y entry) int {
		switch {
		case x.v < y.v:
			return -1
		case x.v > y.v:
			return 1
		}
		return 0
	})
	bh, holm = NewSquare(m), NewSquare(m)
	for a := range m {
		for b := range m {
			bh[a][b], holm[a][b] = math.NaN(), math.NaN()
		}
	}
	k := float64(len(es))
	run := 1.0
	for i := len(es) - 1; i >= 0; i-- {
		run = min(run, k*es[i].v/float64(i+1))
		bh[es[i].a][es[i].b], bh[es[i].b][es[i].a] = run, run
	}
	run = 0
	for i, e := range es {
		run = max(run, min(1, (k-float64(i))*e.v))
		holm[e.a][e.b], holm[e.b][e.a] = run, run
	}
	return bh, holm
}
