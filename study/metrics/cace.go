package metrics

import (
	"math"

	"github.com/study-harness/study/study/predmat"
)

// MinCACESeeds is the fewest runs per recipe for which the report reads a
// recipe's CACE without a warning. With n runs the ensemble's class
// probabilities take only the n+1 values 0, 1/n, …, 1, so its calibration
// is checked on n+1 levels; and the ensemble's own expected disagreement
// (two runs drawn independently, possibly the same one) is (n−1)/n times
// the mean disagreement of distinct pairs, so the exact bound below is
// loose by a factor of 1/n of the disagreement: half of it with 2 seeds, a
// third with 3, a fifth with 5.
const MinCACESeeds = 5

// CACE returns the class-aggregated calibration error (Jiang et al. 2022,
// Definitions 4.2 and 4.3) of the hard-vote ensemble of the given models
// of x. The ensemble's probability of class k on instance i is
// h̃_k(i) = c_ik/n, the fraction of the n models that predict k, so it
// takes the levels q = j/n, j = 0..n. With N instances, P_j the number of
// (instance, class) cells at level j and A_j the number of instances whose
// true class is at level j,
//
//	CACE = Σ_j |A_j/P_j − j/n| · P_j/N = (1/N) Σ_j |A_j − (j/n)·P_j|,
//
// the integral over q of the gap between the accuracy of the cells at
// level q and q, weighted by the mass of cells at q (which sums to the
// number of classes, not 1). The ensemble is class-aggregated calibrated
// when CACE = 0. Jiang et al.'s Theorem 4.3 then gives, for this finite
// ensemble and exactly,
//
//	|mean test error − (n−1)/n · mean pairwise disagreement| ≤ CACE,
//
// since E_h TestErr − E_{h,h'} Dis = E_i[Σ_k h̃_k(i)² − h̃_y(i)]. CACE is
// NaN for fewer than two models. It needs labels only.
func CACE(x *predmat.Matrix, models []int) float64 {
	n, N, C := len(models), x.N(), x.Classes
	if n < 2 || N == 0 {
		return math.NaN()
	}
	cells := make([]float64, n+1) // P_j
	right := make([]float64, n+1) // A_j
	count := make([]int, C)
	for i := range N {
		clear(count)
		for _, m := range models {
			if p := x.Pred[m*N+i]; p >= 0 && int(p) < C {
				count[p]++
			}
		}
		for _, c := range count {
			cells[c]++
		}
		right[count[x.Labels[i]]]++
	}
	sum := 0.0
	for j := range cells {
		sum += math.Abs(right[j] - float64(j)/float64(n)*cells[j])
	}
	return sum / float64(N)
}
