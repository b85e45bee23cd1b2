package metrics

import (
	"fmt"
	"math"

	"github.com/study-harness/study/study/predmat"
)

// The reasons of undefined ensemble measures.
const (
	whyOneModel    = "needs at least 2 models"
	whyFleiss      = "P̄_e = 1: every model predicts one and the same class for every instance"
	whyInterrater  = "p̄(1 − p̄) = 0: every model is right on every instance, or wrong on every instance"
	whyGDNoErrors  = "p(1) = 0: no model makes any error"
	whyHZeroErrors = "∏e_m = 0: model %q makes no errors"
	whyHOverflow   = "SFR/∏e_m overflows float64 (log10 H = %.1f)"
)

// Ensemble computes the whole-set measures of all M models and the
// reasons for those that are undefined (keys "ensemble.<name>"). x must
// pass predmat.Matrix.Validate; Ensemble checks its shape only.
//
// With l_i the number of models right on instance i and q_k the fraction
// of instances that exactly k models get wrong, the measures follow the
// reference sheet (Kuncheva & Whitaker 2003 for E, KW, κ, θ, GD and CFD;
// Bommasani et al. 2022 for H). The independent-failure baseline ∏e_m is
// the plain float64 product and may underflow to 0 for many models; H is
// computed in logarithms, so it stays exact then.
func Ensemble(x *predmat.Matrix) (*EnsembleStats, Reasons, error) {
	if err := checkShape(x); err != nil {
		return nil, nil, fmt.Errorf("metrics: ensemble: %w", err)
	}
	m, n, c := x.M(), x.N(), x.Classes
	fm, fn := float64(m), float64(n)
	why := Reasons{}
	nan := func(name, reason string) Num {
		why["ensemble."+name] = reason
		return Num(math.NaN())
	}
	e := &EnsembleStats{}

	l := make([]int, n) // models right on instance i
	right := make([]int, m)
	for a := 0; a < m; a++ {
		for i, v := range x.Row(a) {
			if v == x.Labels[i] {
				l[i]++
				right[a]++
			}
		}
	}

	// Plurality votes and Fleiss' counts n_ic, one instance at a time.
	cnt := make([]int, c)
	touched := make([]int32, 0, min(m, c))
	total := make([]int64, c) // Σ_i n_ic
	var sumSq int64           // Σ_i Σ_c n_ic²
	majority := 0
	for i := 0; i < n; i++ {
		touched = touched[:0]
		for a := 0; a < m; a++ {
			k := x.Pred[a*n+i]
			if cnt[k] == 0 {
				touched = append(touched, k)
			}
			cnt[k]++
		}
		best := touched[0]
		for _, k := range touched {
			v := cnt[k]
			if v > cnt[best] || (v == cnt[best] && k < best) {
				best = k
			}
			sumSq += int64(v) * int64(v)
			total[k] += int64(v)
		}
		if best == x.Labels[i] {
			majority++
		}
		for _, k := range touched {
			cnt[k] = 0
		}
	}

	// Per-model accuracies, the baselines and homogenization.
	sumLogE, prodE, prodA, best, sumA := 0.0, 1.0, 1.0, 0.0, 0.0
	perfect := -1
	for a, r := range right {
		acc := float64(r) / fn
		prodE *= 1 - acc
		prodA *= acc
		sumA += acc
		best = max(best, acc)
		if r == n {
			if perfect < 0 {
				perfect = a
			}
		} else {
			sumLogE += math.Log(float64(n-r) / fn)
		}
	}
	e.MeanAccuracy, e.BestAccuracy = Num(sumA/fm), Num(best)
	e.MajorityVoteAccuracy = Num(float64(majority) / fn)

	hist := make([]int, m+1) // instances that exactly k models get wrong
	sumL := 0
	for _, li := range l {
		hist[m-li]++
		sumL += li
	}
	q := make(Vec, m+1)
	for k, v := range hist {
		q[k] = float64(v) / fn
	}
	e.FailureCountHistogram = q
	e.PoissonBinomial = poissonBinomial(right, n)

	sfr := q[m]
	e.SystemicFailureRate = Num(sfr)
	e.IndependentFailureRate = Num(prodE)
	e.AllCorrectRate = Num(q[0])
	e.IndependentAllCorrectRate = Num(prodA)
	switch {
	case perfect >= 0:
		e.Homogenization = nan("homogenization", fmt.Sprintf(whyHZeroErrors, x.Models[perfect]))
	case sfr == 0:
		e.Homogenization = 0
	default:
		logH := math.Log(sfr) - sumLogE
		if h := math.Exp(logH); math.IsInf(h, 0) {
			e.Homogenization = nan("homogenization", fmt.Sprintf(whyHOverflow, logH/math.Ln10))
		} else {
			e.Homogenization = Num(h)
		}
	}

	// Fleiss' κ: models as raters, classes as categories.
	switch {
	case m < 2:
		e.FleissKappa = nan("fleiss_kappa", whyOneModel)
	default:
		pe := 0.0
		single := false
		for _, t := range total {
			pc := float64(t) / (fn * fm)
			pe += pc * pc
			single = single || t == int64(n)*int64(m)
		}
		if single {
			e.FleissKappa = nan("fleiss_kappa", whyFleiss)
		} else {
			pbar := (float64(sumSq) - fn*fm) / (fn * fm * (fm - 1))
			e.FleissKappa = Num((pbar - pe) / (1 - pe))
		}
	}

	// Kuncheva's non-pairwise measures on l_i.
	var sumLML, sumMin int
	for _, li := range l {
		sumLML += li * (m - li)
		sumMin += min(li, m-li)
	}
	pbar := float64(sumL) / (fn * fm)
	if half := m - (m+1)/2; half == 0 {
		e.Entropy = nan("entropy", whyOneModel)
	} else {
		e.Entropy = Num(float64(sumMin) / fn / float64(half))
	}
	e.KWVariance = Num(float64(sumLML) / (fn * fm * fm))
	switch {
	case m < 2:
		e.InterraterKappa = nan("interrater_kappa", whyOneModel)
	case sumL == 0 || sumL == n*m:
		e.InterraterKappa = nan("interrater_kappa", whyInterrater)
	default:
		e.InterraterKappa = Num(1 - (float64(sumLML)/fm)/(fn*(fm-1)*pbar*(1-pbar)))
	}
	mean := float64(sumL) / fn / fm
	ss := 0.0
	for _, li := range l {
		d := float64(li)/fm - mean
		ss += d * d
	}
	e.Difficulty = Num(ss / fn)

	switch {
	case m < 2:
		e.GeneralizedDiversity = nan("generalized_diversity", whyOneModel)
	case hist[0] == n:
		e.GeneralizedDiversity = nan("generalized_diversity", whyGDNoErrors)
	default:
		p1, p2 := 0.0, 0.0
		for k, qk := range q {
			fk := float64(k)
			p1 += fk / fm * qk
			p2 += fk * (fk - 1) / (fm * (fm - 1)) * qk
		}
		e.GeneralizedDiversity = Num(1 - p2/p1)
	}
	switch {
	case hist[0] == n:
		e.CoincidentFailureDiversity = 0
	case m < 2:
		e.CoincidentFailureDiversity = nan("coincident_failure_diversity", whyOneModel)
	default:
		s := 0.0
		for k := 1; k <= m; k++ {
			s += float64(m-k) / (fm - 1) * q[k]
		}
		e.CoincidentFailureDiversity = Num(s / (1 - q[0]))
	}

	e.LabelEntropy = Num(labelEntropy(x.Labels, c))
	return e, why, nil
}

// poissonBinomial returns P(exactly k of the models fail), k = 0..M, when
// model a fails independently with probability e_a = 1 − right[a]/n.
func poissonBinomial(right []int, n int) Vec {
	pmf := make(Vec, len(right)+1)
	pmf[0] = 1
	for a, r := range right {
		ea := 1 - float64(r)/float64(n)
		for k := a + 1; k >= 1; k-- {
			pmf[k] = pmf[k]*(1-ea) + pmf[k-1]*ea
		}
		pmf[0] *= 1 - ea
	}
	return pmf
}

// labelEntropy returns the entropy in bits of the label distribution.
func labelEntropy(labels []int32, c int) float64 {
	cnt := make([]int, c)
	for _, y := range labels {
		cnt[y]++
	}
	h, n := 0.0, float64(len(labels))
	for _, v := range cnt {
		if v > 0 {
			f := float64(v) / n
			h -= f * math.Log2(f)
		}
	}
	return h
}
