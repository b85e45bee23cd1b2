package metrics

import (
	"fmt"
	"math"

	"github.com/study-harness/study/study/predmat"
)

// DefaultHomogenizationK is the group size of ensemble.homogenization_k
// that Options' zero value stands for.
const DefaultHomogenizationK = 3

// Homogenization at a fixed group size. The whole-set H = SFR/∏_m e_m
// grows about exponentially with the number of models M (one instance
// that every model gets wrong already gives 1/(N·∏e_m)), so it compares
// only at equal M. Its values at a fixed group size do not grow with M:
//
//	H_k = mean over the groups g of k models of SFR_g / ∏_{m∈g} e_m,
//
// SFR_g being the fraction of instances that every model of g gets wrong.
// H_2 is the mean of the pairwise matrix pairwise.homogenization over the
// pairs a < b (ensemble.homogenization_pairwise_mean).
//
// The mean runs over all C(M', k) groups of the M' models that make at
// least one error (a group with an error-free model has 0/0), exactly and
// without sampling, in O(N·M·k): summed over the groups, SFR_g/∏e_m is
// (1/N) Σ_i Σ_{g ⊆ W_i} ∏_{m∈g} 1/e_m, with W_i the models wrong on
// instance i, and the inner sum is the k-th elementary symmetric
// polynomial of {1/e_m : m ∈ W_i}, which a k-term recurrence computes.

// whyKGroups is the reason of an undefined H_k: fewer than k models that
// make errors.
const whyKGroups = "fewer than %d models make errors: no group of %d models has a defined H (an error-free model gives 0/0)"

// failureSets lists, for every instance i, the models wrong on it:
// idx[off[i]:off[i+1]].
type failureSets struct {
	off []int
	idx []int32
}

func newFailureSets(x *predmat.Matrix) *failureSets {
	m, n := x.M(), x.N()
	f := &failureSets{off: make([]int, n+1)}
	for i := range n {
		for a := range m {
			if x.Pred[a*n+i] != x.Labels[i] {
				f.idx = append(f.idx, int32(a))
			}
		}
		f.off[i+1] = len(f.idx)
	}
	return f
}

// groupH returns H_k over n weighted instances (instance i counted w[i]
// times, once when w is nil; n = Σ w) given every model's correct count
// right[a], and the number of groups it averages over (C(M', k)). H_k is
// NaN when fewer than k models make errors.
func (f *failureSets) groupH(k int, w []int32, right []int, n int) (h, groups float64) {
	inv := make([]float64, len(right))
	errModels := 0
	for a, r := range right {
		if r < n {
			inv[a] = float64(n) / float64(n-r)
			errModels++
		}
	}
	groups = binomial(errModels, k)
	if errModels < k {
		return math.NaN(), groups
	}
	e := make([]float64, k+1)
	sum := 0.0
	for i := range len(f.off) - 1 {
		wi := 1.0
		if w != nil {
			if w[i] == 0 {
				continue
			}
			wi = float64(w[i])
		}
		lo, hi := f.off[i], f.off[i+1]
		if hi-lo < k {
			continue
		}
		clear(e)
		e[0] = 1
		for j, a := range f.idx[lo:hi] {
			x := inv[a]
			for t := min(j+1, k); t >= 1; t-- {
				e[t] += x * e[t-1]
			}
		}
		sum += wi * e[k]
	}
	return sum / float64(n) / groups, groups
}

// binomial returns C(n, k) as a float64 (0 when k > n).
func binomial(n, k int) float64 {
	if k < 0 || k > n {
		return 0
	}
	c := 1.0
	for j := 1; j <= k; j++ {
		c = c * float64(n-k+j) / float64(j)
	}
	return math.Round(c)
}

// addGroupHomogenization adds ensemble.homogenization_pairwise_mean (H_2)
// and ensemble.homogenization_k (H_k, k = homogenization_k_size, over
// homogenization_k_groups groups) to r, with their bootstrap intervals
// when s is not nil.
func addGroupHomogenization(x *predmat.Matrix, r *Result, p *packed, s *sampler, k int) {
	f := newFailureSets(x)
	m, n, right := x.M(), x.N(), p.nCorrect
	ex := &r.Ensemble.Extra
	for _, g := range []struct {
		name string
		k    int
	}{{"homogenization_pairwise_mean", 2}, {"homogenization_k", k}} {
		h, groups := f.groupH(g.k, nil, right, n)
		setExtra(ex, g.name, Num(h))
		if m < g.k {
			r.Reasons["ensemble."+g.name] = fmt.Sprintf("needs at least %d models", g.k)
		} else {
			r.Reasons.num("ensemble."+g.name, h, fmt.Sprintf(whyKGroups, g.k, g.k))
		}
		if g.name == "homogenization_k" {
			setExtra(ex, "homogenization_k_size", g.k)
			setExtra(ex, "homogenization_k_groups", Num(groups))
		}
		if s == nil {
			continue
		}
		b := len(s.bs.w)
		if float64(b)*float64(len(f.idx))*float64(g.k) > pairWorkBudget {
			setExtra(ex, g.name+"_ci", Interval{math.NaN(), math.NaN()})
			r.Reasons["ensemble."+g.name+"_ci"] = fmt.Sprintf("not computed: %d failures × %d replicates exceed the bootstrap budget", len(f.idx), b)
			continue
		}
		reps := make([]float64, b)
		forRange(b, s.workers, func(rep int) {
			reps[rep], _ = f.groupH(g.k, s.bs.w[rep], s.right[rep], n)
		})
		iv := percentile95(reps)
		setExtra(ex, g.name+"_ci", iv)
		r.Reasons.interval("ensemble."+g.name+"_ci", iv, whyCI)
	}
}
