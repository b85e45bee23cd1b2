package metrics

import (
	"fmt"
	"math"
	"math/bits"

	"github.com/study-harness/study/study/seeds"
)

// permutationNull holds the outcome of the permutation test.
type permutationNull struct {
	hP      float64 // p-value of homogenization
	ecMeanP float64 // p-value of the mean error consistency over pairs
	ecP     Square  // per-pair p-values of error consistency, nil when over budget
}

// permute runs P permutations of the null hypothesis that models fail
// independently given their accuracies: each permutation shuffles every
// model's correctness vector on its own (its accuracy stays fixed). For
// a statistic T with observed value t, p = (1 + #{T_null ≥ t})/(1 + P).
// Permutation p draws from the stream "metrics/permutation" keyed by seed
// and p, models in input order, so the p-values do not depend on the
// number of workers. The pairwise part is skipped (ecP nil, ecMeanP NaN)
// when it would exceed pairWorkBudget.
//
// Under the null, homogenization is SFR/∏e_m with ∏e_m fixed, so the
// test compares systemic failure counts; error consistency of a pair is
// increasing in the number of instances both get right, N11, so the
// per-pair test compares N11 counts and the mean test compares the mean κ
// over the pairs where it is defined.
func permute(p *packed, pm *PairMatrices, perms int, seed int64, workers int) permutationNull {
	m, n, cw := p.m, p.n, p.cw
	res := permutationNull{hP: math.NaN(), ecMeanP: math.NaN()}
	// Observed systemic failures.
	obsSFR := 0
	for i := range n {
		all := true
		for a := range m {
			if p.corr[a*cw+i/64]>>(i%64)&1 != 0 {
				all = false
				break
			}
		}
		if all {
			obsSFR++
		}
	}
	npairs := m * (m - 1) / 2
	withPairs := m >= 2 && float64(npairs)*float64(perms)*float64(cw)+float64(m)*float64(n)*float64(perms) <= pairWorkBudget
	var pairs [][2]int // listed only when used: 8 MB for 1000 models
	var obsN11 []int
	obsMean := math.NaN()
	if withPairs {
		pairs = allPairs(m)
		obsN11 = make([]int, len(pairs))
		v := make([]float64, len(pairs))
		for q, pr := range pairs {
			obsN11[q] = andCount(p.corr[pr[0]*cw:(pr[0]+1)*cw], p.corr[pr[1]*cw:(pr[1]+1)*cw])
			v[q] = pm.ErrorConsistency[pr[0]][pr[1]]
		}
		obsMean, _ = nanMean(v)
	}
	hGE := make([]bool, perms)
	ecGE := make([]bool, perms)
	pairGE := make([][]int32, perms)
	forRange(perms, workers, func(k int) {
		rng := seeds.Stream("metrics/permutation", seed, int64(k))
		alive := make([]uint64, cw)
		for j := range alive {
			alive[j] = ^uint64(0)
		}
		if r := n % 64; r != 0 {
			alive[cw-1] = 1<<r - 1
		}
		var corr []uint64
		if withPairs {
			corr = make([]uint64, m*cw)
		}
		wrong := make([]uint64, cw)
		for a := range m {
			// Floyd's algorithm: a uniform subset of n − right[a]
			// instances, the model's errors.
			clear(wrong)
			k := n - p.nCorrect[a]
			for j := n - k; j < n; j++ {
				t := rng.IntN(j + 1)
				if wrong[t/64]>>(t%64)&1 != 0 {
					t = j
				}
				wrong[t/64] |= 1 << (t % 64)
			}
			for j := range alive {
				alive[j] &= wrong[j]
			}
			if withPairs {
				row := corr[a*cw : (a+1)*cw]
				for j := range row {
					row[j] = ^wrong[j]
				}
				if r := n % 64; r != 0 {
					row[cw-1] &= 1<<r - 1
				}
			}
		}
		sfr := 0
		for _, w := range alive {
			sfr += bits.OnesCount64(w)
		}
		hGE[k] = sfr >= obsSFR
		if !withPairs {
			return
		}
		ge := make([]int32, len(pairs))
		v := make([]float64, len(pairs))
		for q, pr := range pairs {
			a, b := pr[0], pr[1]
			n11 := andCount(corr[a*cw:(a+1)*cw], corr[b*cw:(b+1)*cw])
			if n11 >= obsN11[q] {
				ge[q] = 1
			}
			nA, nB := p.nCorrect[a], p.nCorrect[b]
			t := pairTable{n: n, nA: nA, nB: nB, n11: n11, n10: nA - n11, n01: nB - n11, n00: n - nA - nB + n11}
			v[q] = t.errorConsistency()
		}
		mean, _ := nanMean(v)
		ecGE[k] = mean >= obsMean-1e-12
		pairGE[k] = ge
	})
	pval := func(ge []bool) float64 {
		c := 0
		for _, g := range ge {
			if g {
				c++
			}
		}
		return float64(1+c) / float64(1+perms)
	}
	res.hP = pval(hGE)
	if !withPairs {
		return res
	}
	if !math.IsNaN(obsMean) {
		res.ecMeanP = pval(ecGE)
	}
	res.ecP = NewSquare(m)
	for a := range m {
		res.ecP[a][a] = math.NaN()
	}
	for q, pr := range pairs {
		c := 0
		for k := range perms {
			c += int(pairGE[k][q])
		}
		v := float64(1+c) / float64(1+perms)
		if math.IsNaN(pm.ErrorConsistency[pr[0]][pr[1]]) {
			v = math.NaN()
		}
		res.ecP[pr[0]][pr[1]], res.ecP[pr[1]][pr[0]] = v, v
	}
	return res
}

// addPermutation adds homogenization_p, error_consistency_p (per pair, in
// pairwise) and the mean's error_consistency_p (in pairwise_mean) to r.
func addPermutation(r *Result, p *packed, perms int, seed int64, workers int) {
	null := permute(p, &r.Pairwise, perms, seed, workers)
	h := null.hP
	if math.IsNaN(float64(r.Ensemble.Homogenization)) {
		h = math.NaN()
		r.Reasons["ensemble.homogenization_p"] = "homogenization is undefined"
	}
	setExtra(&r.Ensemble.Extra, "homogenization_p", Num(h))
	pm := pairwiseMeans(r)
	if pm == nil {
		return
	}
	pm["error_consistency_p"] = Num(null.ecMeanP)
	if null.ecP == nil {
		r.Reasons["pairwise_mean.error_consistency_p"] = fmt.Sprintf("not computed: %d pairs × %d permutations exceed the permutation budget", p.m*(p.m-1)/2, perms)
		return
	}
	if math.IsNaN(null.ecMeanP) {
		r.Reasons["pairwise_mean.error_consistency_p"] = "error consistency is undefined for every pair"
	}
	setExtra(&r.Pairwise.Extra, "error_consistency_p", null.ecP)
	for a := range p.m {
		for b := range p.m {
			if math.IsNaN(null.ecP[a][b]) {
				why := "error consistency is undefined"
				if a == b {
					why = "a model against itself"
				}
				r.Reasons.cell("error_consistency_p", a, b, why)
			}
		}
	}
}
