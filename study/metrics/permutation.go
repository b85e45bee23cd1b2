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
	hMeanP  float64 // p-value of the mean pairwise homogenization
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
// increasing in the number of instances both get right, N11 (and so is
// pairwise H), so the per-pair test compares N11 counts; the mean tests
// compare the mean κ and the mean pairwise H over the pairs where each is
// defined.
func permute(p *packed, pm *PairMatrices, perms int, seed int64, workers int) permutationNull {
	m, n, cw := p.m, p.n, p.cw
	res := permutationNull{hP: math.NaN(), ecMeanP: math.NaN(), hMeanP: math.NaN()}
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
	obsMean, obsH := math.NaN(), math.NaN()
	if withPairs {
		pairs = allPairs(m)
		obsN11 = pairN11(p.corr, cw, pairs)
		obsMean, obsH = pairMeanStats(obsN11, pairs, p.nCorrect, n)
	}
	hGE := make([]bool, perms)
	ecGE := make([]bool, perms)
	hMeanGE := make([]bool, perms)
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
		n11 := pairN11(corr, cw, pairs)
		for q := range pairs {
			if n11[q] >= obsN11[q] {
				ge[q] = 1
			}
		}
		mean, h := pairMeanStats(n11, pairs, p.nCorrect, n)
		ecGE[k] = mean >= obsMean-1e-12
		hMeanGE[k] = h >= obsH-1e-12*math.Abs(obsH)
		pairGE[k] = ge
	})
	res.hP = pFrom(hGE)
	if !withPairs {
		return res
	}
	if !math.IsNaN(obsMean) {
		res.ecMeanP = pFrom(ecGE)
	}
	if !math.IsNaN(obsH) {
		res.hMeanP = pFrom(hMeanGE)
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

// The nulls of the permutation tests, as metrics.json's "permutation"
// member names them.
const (
	NullIndependent = "independent errors at fixed accuracy: each model's correctness vector shuffled on its own, so every instance is equally hard"
	NullDifficulty  = "fixed instance difficulty and accuracy (curveball): the correctness matrix resampled with every model's error count and every instance's number of failing models kept"
)

// The corrections of the per-pair p-values (see adjustPairs).
const (
	adjustBH   = "Benjamini–Hochberg (false discovery rate) over the M(M−1)/2 pairs a < b where the p-value is defined"
	adjustHolm = "Holm (family-wise error rate) over the M(M−1)/2 pairs a < b where the p-value is defined"
)

// PermutationInfo is metrics.json's "permutation" member: how the p-values
// (every member named <name>_p, <name>_p_difficulty and their adjusted
// forms) were computed. Every p-value is (1 + #{T_null ≥ t})/(1 + P), so
// it is at least PFloor = 1/(P + 1): a p-value equal to PFloor means
// p ≤ PFloor, and is printed so.
type PermutationInfo struct {
	Permutations int `json:"permutations"` // P, per test
	PFloor       Num `json:"p_floor"`      // 1/(P + 1)
	// CurveballTrades is the length of each curveball chain, 0 when the
	// difficulty-keeping null was not run.
	CurveballTrades int `json:"curveball_trades"`
	// Nulls maps the JSON path of every p-value member to its null
	// hypothesis, NullIndependent or NullDifficulty.
	Nulls map[string]string `json:"nulls"`
	// Adjustments maps the JSON path of every adjusted member to its
	// multiplicity correction.
	Adjustments map[string]string `json:"adjustments"`
}

// addPermutation adds the p-values of both nulls to r, with the
// adjustments of the per-pair ones, and the top-level "permutation"
// member that describes them:
//
//   - independent errors (permute): ensemble.homogenization_p,
//     ensemble.homogenization_pairwise_mean_p,
//     pairwise_mean.error_consistency_p and pairwise.error_consistency_p;
//   - fixed difficulty (curveballNull): pairwise.error_consistency_p_difficulty
//     per pair (it orders pairwise H alike). Nothing over all models has
//     one: with every instance's number of failing models fixed, SFR and
//     the total co-failure over pairs are fixed too.
func addPermutation(r *Result, p *packed, perms int, seed int64, workers int) {
	info := &PermutationInfo{Permutations: perms, PFloor: Num(1 / float64(perms+1)), Nulls: map[string]string{}, Adjustments: map[string]string{}}
	r.Extra = withKey(r.Extra, "permutation", info)
	null := permute(p, &r.Pairwise, perms, seed, workers)
	h := null.hP
	if math.IsNaN(float64(r.Ensemble.Homogenization)) {
		h = math.NaN()
		r.Reasons["ensemble.homogenization_p"] = "homogenization is undefined"
	}
	setExtra(&r.Ensemble.Extra, "homogenization_p", Num(h))
	info.Nulls["ensemble.homogenization_p"] = NullIndependent
	pm := pairwiseMeans(r)
	if pm == nil {
		return
	}
	npairs := p.m * (p.m - 1) / 2
	pm["error_consistency_p"] = Num(null.ecMeanP)
	setExtra(&r.Ensemble.Extra, "homogenization_pairwise_mean_p", Num(null.hMeanP))
	info.Nulls["pairwise_mean.error_consistency_p"] = NullIndependent
	info.Nulls["ensemble.homogenization_pairwise_mean_p"] = NullIndependent
	if null.ecP == nil {
		why := fmt.Sprintf("not computed: %d pairs × %d permutations exceed the permutation budget", npairs, perms)
		r.Reasons["pairwise_mean.error_consistency_p"] = why
		r.Reasons["ensemble.homogenization_pairwise_mean_p"] = why
	} else {
		r.Reasons.num("pairwise_mean.error_consistency_p", null.ecMeanP, "error consistency is undefined for every pair")
		r.Reasons.num("ensemble.homogenization_pairwise_mean_p", null.hMeanP, "pairwise homogenization is undefined for every pair")
		addPairP(r, info, "error_consistency_p", null.ecP, NullIndependent)
	}

	if curveballCost(p.m, p.n, perms) > pairWorkBudget {
		r.Reasons["pairwise.error_consistency_p_difficulty"] = fmt.Sprintf("not computed: %d curveball chains of %d models exceed the permutation budget", perms, p.m)
		return
	}
	cb := curveballNull(p, &r.Pairwise, perms, seed, workers)
	info.CurveballTrades = cb.trades
	addPairP(r, info, "error_consistency_p_difficulty", cb.pair, NullDifficulty)
}

// addPairP adds the per-pair p-values ps as pairwise.<name>, with their
// Benjamini–Hochberg (<name>_adj) and Holm (<name>_holm) adjustments and
// the reasons of their NaN cells.
func addPairP(r *Result, info *PermutationInfo, name string, ps Square, null string) {
	bh, holm := adjustPairs(ps)
	for _, v := range []struct {
		name string
		s    Square
	}{{name, ps}, {name + "_adj", bh}, {name + "_holm", holm}} {
		setExtra(&r.Pairwise.Extra, v.name, v.s)
		for a := range v.s {
			for b := range v.s {
				if math.IsNaN(v.s[a][b]) {
					why := "error consistency is undefined"
					if a == b {
						why = "a model against itself"
					}
					r.Reasons.cell(v.name, a, b, why)
				}
			}
		}
	}
	info.Nulls["pairwise."+name] = null
	info.Adjustments["pairwise."+name+"_adj"] = adjustBH
	info.Adjustments["pairwise."+name+"_holm"] = adjustHolm
}
