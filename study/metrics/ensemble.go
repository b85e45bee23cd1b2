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
	inst := newInstanceStats(x)
	e, why := inst.ensembleCounts(nil, inst.right).stats(x.Models)
	e.PoissonBinomial = poissonBinomial(inst.right, x.N())
	e.LabelEntropy = Num(labelEntropy(x.Labels, x.Classes))
	return e, why, nil
}

// instanceStats holds what the ensemble measures need of each instance:
// every ensemble measure is a sum over instances of these, weighted by
// how often a bootstrap replicate draws the instance.
type instanceStats struct {
	m, n, c int
	right   []int   // right[a]: instances model a gets right
	l       []int32 // l[i]: models right on instance i
	sq      []int64 // sq[i] = Σ_c n_ic², n_ic the models predicting class c
	maj     []bool  // maj[i]: the plurality vote (ties to the lowest class) is right
	agree   []int64 // agree[i] = Σ_c n_ic(n_ic − 1)/2, the agreeing pairs
	// cls[off[i]:off[i+1]] and cnt[off[i]:off[i+1]] list the classes
	// predicted on instance i and how many models predict each.
	cls []int32
	cnt []int32
	off []int
}

func newInstanceStats(x *predmat.Matrix) *instanceStats {
	m, n, c := x.M(), x.N(), x.Classes
	s := &instanceStats{
		m: m, n: n, c: c, right: make([]int, m), l: make([]int32, n), sq: make([]int64, n),
		maj: make([]bool, n), agree: make([]int64, n), off: make([]int, n+1),
	}
	for a := 0; a < m; a++ {
		for i, v := range x.Row(a) {
			if v == x.Labels[i] {
				s.l[i]++
				s.right[a]++
			}
		}
	}
	cnt := make([]int, c)
	touched := make([]int32, 0, min(m, c))
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
			s.sq[i] += int64(v) * int64(v)
			s.agree[i] += int64(v) * int64(v-1) / 2
			s.cls = append(s.cls, k)
			s.cnt = append(s.cnt, int32(v))
		}
		s.maj[i] = best == x.Labels[i]
		s.off[i+1] = len(s.cls)
		for _, k := range touched {
			cnt[k] = 0
		}
	}
	return s
}

// ensembleCounts are the sufficient statistics of the ensemble measures,
// as (weighted) instance counts.
type ensembleCounts struct {
	m, n     int     // models; instances (the sum of the weights)
	right    []int   // instances model a gets right
	hist     []int   // hist[k]: instances that exactly k models get wrong
	total    []int64 // Σ_i n_ic per class
	sumSq    int64   // Σ_i Σ_c n_ic²
	majority int     // instances the plurality vote gets right
}

// ensembleCounts sums the statistics of the instances, instance i counted
// w[i] times (once each when w is nil); right holds the matching per-model
// counts.
func (s *instanceStats) ensembleCounts(w []int32, right []int) ensembleCounts {
	ec := ensembleCounts{m: s.m, right: right, hist: make([]int, s.m+1), total: make([]int64, s.c)}
	for i := 0; i < s.n; i++ {
		wi := 1
		if w != nil {
			wi = int(w[i])
			if wi == 0 {
				continue
			}
		}
		ec.n += wi
		ec.hist[s.m-int(s.l[i])] += wi
		ec.sumSq += int64(wi) * s.sq[i]
		if s.maj[i] {
			ec.majority += wi
		}
		for j := s.off[i]; j < s.off[i+1]; j++ {
			ec.total[s.cls[j]] += int64(wi) * int64(s.cnt[j])
		}
	}
	return ec
}

// stats computes the measures (all but PoissonBinomial and LabelEntropy)
// and the reasons for those that are undefined.
func (ec ensembleCounts) stats(models []string) (*EnsembleStats, Reasons) {
	why := Reasons{}
	nan := func(name, reason string) Num {
		why["ensemble."+name] = reason
		return Num(math.NaN())
	}
	e := &EnsembleStats{}
	ec.accuracyStats(e, models, nan)
	ec.fleissKappa(e, nan)
	ec.nonPairwise(e, nan)
	return e, why
}

// accuracyStats sets the accuracies, the failure-count histogram, the
// failure rates and homogenization of e; nan records an undefined value.
func (ec ensembleCounts) accuracyStats(e *EnsembleStats, models []string, nan func(name, reason string) Num) {
	m, n := ec.m, ec.n
	fm, fn := float64(m), float64(n)
	sumLogE, prodE, prodA, best, sumA := 0.0, 1.0, 1.0, 0.0, 0.0
	perfect := -1
	for a, r := range ec.right {
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
	e.MajorityVoteAccuracy = Num(float64(ec.majority) / fn)

	hist := ec.hist
	q := make(Vec, m+1)
	for k, v := range hist {
		q[k] = float64(v) / fn
	}
	e.FailureCountHistogram = q

	sfr := q[m]
	e.SystemicFailureRate = Num(sfr)
	e.IndependentFailureRate = Num(prodE)
	e.AllCorrectRate = Num(q[0])
	e.IndependentAllCorrectRate = Num(prodA)
	switch {
	case perfect >= 0:
		e.Homogenization = nan("homogenization", fmt.Sprintf(whyHZeroErrors, models[perfect]))
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
}

// fleissKappa sets Fleiss' κ of e: models as raters, classes as
// categories.
func (ec ensembleCounts) fleissKappa(e *EnsembleStats, nan func(name, reason string) Num) {
	m, n := ec.m, ec.n
	fm, fn := float64(m), float64(n)
	switch {
	case m < 2:
		e.FleissKappa = nan("fleiss_kappa", whyOneModel)
	default:
		pe := 0.0
		single := false
		for _, t := range ec.total {
			pc := float64(t) / (fn * fm)
			pe += pc * pc
			single = single || t == int64(n)*int64(m)
		}
		if single {
			e.FleissKappa = nan("fleiss_kappa", whyFleiss)
		} else {
			pbar := (float64(ec.sumSq) - fn*fm) / (fn * fm * (fm - 1))
			e.FleissKappa = Num((pbar - pe) / (1 - pe))
		}
	}
}

// nonPairwise sets Kuncheva's non-pairwise measures of e, on l_i = M − k,
// k the failures, summed over the histogram.
func (ec ensembleCounts) nonPairwise(e *EnsembleStats, nan func(name, reason string) Num) {
	m, n := ec.m, ec.n
	fm, fn := float64(m), float64(n)
	hist, q := ec.hist, e.FailureCountHistogram
	var sumL, sumLML, sumMin int
	for k, h := range hist {
		li := m - k
		sumL += h * li
		sumLML += h * li * k
		sumMin += h * min(li, k)
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
	for k, h := range hist {
		d := float64(m-k)/fm - mean
		ss += float64(h) * d * d
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
