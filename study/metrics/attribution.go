package metrics

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// AxisAttribution summarises the pairs of models that differ in exactly
// one axis of the study's grid, everything else equal: how much changing
// that axis alone changes the predictions.
type AxisAttribution struct {
	Axis string `json:"axis"`
	// Rank is 1 + the number of axes in earlier tiers (see
	// AttributionSummary.Tiers): tied axes share a rank, and Tied says
	// so. Without intervals every axis is tied at rank 1.
	Rank   int  `json:"rank"`
	Tied   bool `json:"tied"`
	NPairs int  `json:"n_pairs"`
	// MeanDisagreement is 1 − the mean agreement over the pairs; the
	// ordering key. MeanDisagreementCI is its interval from the two-way
	// bootstrap (test instances and replicate runs), or from instances
	// only when the study has no replicate axis (see
	// AttributionSummary.Intervals); absent when the bootstrap is off.
	MeanDisagreement   Num       `json:"mean_disagreement"`
	MeanDisagreementCI *Interval `json:"mean_disagreement_ci,omitempty"`
	// AccuracyGap is the mean of |a_A − a_B| over the pairs, a lower
	// bound of each pair's disagreement; ExcessDisagreement the mean of
	// disagreement − |a_A − a_B|, the disagreement that differing
	// accuracies do not force.
	AccuracyGap          Num       `json:"accuracy_gap"`
	AccuracyGapCI        *Interval `json:"accuracy_gap_ci,omitempty"`
	ExcessDisagreement   Num       `json:"excess_disagreement"`
	ExcessDisagreementCI *Interval `json:"excess_disagreement_ci,omitempty"`
	ErrorConsistency     Num       `json:"error_consistency"`
	ErrorConsistencyCI   *Interval `json:"error_consistency_ci,omitempty"`
	// ExcessOverSeed is the mean over the pairs of their disagreement
	// minus the mean disagreement of the seed pairs (runs that differ in
	// replicate axes only) of the two runs' recipes: the axis' effect
	// above the noise floor of the same cells. NaN for a replicate axis
	// and without one.
	ExcessOverSeed   Num       `json:"excess_over_seed"`
	ExcessOverSeedCI *Interval `json:"excess_over_seed_ci,omitempty"`
	// Measures holds the distribution of each pairwise measure over the
	// pairs, by its pairwise JSON name; their intervals resample test
	// instances only.
	Measures map[string]MeasureSummary `json:"measures"`
	// PrattImportance is Pratt's measure of the axis in the additive
	// regression of pairwise disagreement on "differs in axis k"
	// indicators (see Attribution). It is not a share of variance: the
	// importances sum to the regression's R²
	// (AttributionSummary.PrattR2), and they ignore interactions.
	PrattImportance Num `json:"pratt_importance"`
	// Cells is the axis' effect within each cell of the other
	// non-replicate axes, which shows interactions.
	Cells []AxisCell `json:"cells"`

	order int // index before ranking
}

// MeasureSummary is the distribution of one pairwise measure over a set
// of pairs. Mean, median, min and max are over the pairs where the
// measure is defined (NDefined of them). CI is the 95% paired-bootstrap
// interval of the mean: instances are resampled, never pairs, since pairs
// that share a model are not independent.
type MeasureSummary struct {
	Mean     Num `json:"mean"`
	Median   Num `json:"median"`
	Min      Num `json:"min"`
	Max      Num `json:"max"`
	NDefined int `json:"n_defined"`
	// CI is absent when the bootstrap is off (Options.Bootstrap < 0).
	CI *Interval `json:"ci,omitempty"`
}

// attributionMeasures are the pairwise measures summarised per axis.
var attributionMeasures = []string{"agreement", "cohen_kappa", "error_consistency", "q_statistic", "correlation", "double_fault", "jsd"}

// axesOf returns the axes of configs that take at least two values, in
// sorted order. A missing key counts as the value "".
func axesOf(configs []map[string]string) []string {
	vals := map[string]map[string]bool{}
	for _, c := range configs {
		for k := range c {
			if vals[k] == nil {
				vals[k] = map[string]bool{}
			}
		}
	}
	for k := range vals {
		for _, c := range configs {
			vals[k][c[k]] = true
		}
	}
	var axes []string
	for k, v := range vals {
		if len(v) >= 2 {
			axes = append(axes, k)
		}
	}
	slices.Sort(axes)
	return axes
}

// configKey encodes the values of config on axes, skipping skip.
func configKey(config map[string]string, axes []string, skip func(string) bool) string {
	var b strings.Builder
	for _, k := range axes {
		if skip(k) {
			continue
		}
		fmt.Fprintf(&b, "%q=%q;", k, config[k])
	}
	return b.String()
}

// pairsDifferingIn returns the pairs a < b that differ in axis and agree
// on every other axis.
func pairsDifferingIn(configs []map[string]string, axes []string, axis string) [][2]int {
	groups := map[string][]int{}
	var order []string
	for a, c := range configs {
		k := configKey(c, axes, func(s string) bool { return s == axis })
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], a)
	}
	var pairs [][2]int
	for _, k := range order {
		g := groups[k]
		for i, a := range g {
			for _, b := range g[i+1:] {
				if configs[a][axis] != configs[b][axis] {
					pairs = append(pairs, [2]int{a, b})
				}
			}
		}
	}
	slices.SortFunc(pairs, func(p, q [2]int) int { return cmp.Or(cmp.Compare(p[0], q[0]), cmp.Compare(p[1], q[1])) })
	return pairs
}

// pairValue returns the pairwise measure name of (a, b) from pm, NaN if
// the matrix is absent.
func pairValue(pm *PairMatrices, name string, a, b int) float64 {
	var s Square
	switch name {
	case "agreement":
		s = pm.Agreement
	case "cohen_kappa":
		s = pm.CohenKappa
	case "error_consistency":
		s = pm.ErrorConsistency
	case "q_statistic":
		s = pm.QStatistic
	case "correlation":
		s = pm.Correlation
	case "double_fault":
		s = pm.DoubleFault
	case "jsd":
		s = pm.JSD
	}
	if s == nil {
		return math.NaN()
	}
	return s[a][b]
}

// summarize returns the distribution of v's finite values.
func summarize(v []float64) MeasureSummary {
	var fin []float64
	for _, x := range v {
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			fin = append(fin, x)
		}
	}
	nan := Num(math.NaN())
	s := MeasureSummary{Mean: nan, Median: nan, Min: nan, Max: nan, NDefined: len(fin)}
	if len(fin) == 0 {
		return s
	}
	slices.Sort(fin)
	mean, _ := nanMean(fin)
	s.Mean, s.Median, s.Min, s.Max = Num(mean), Num(quantileSorted(fin, 0.5)), Num(fin[0]), Num(fin[len(fin)-1])
	return s
}

// Attribution computes the factor attribution of a study: for each axis
// of configs (per-model axis values; seed-like axes are ordinary axes
// here) the pairs of models that differ in exactly that axis, the
// distribution of each pairwise measure of pm over them, their accuracy
// gap (acc are the models' accuracies), the disagreement in excess of
// the gap and of the seed pairs of the same recipes, the same per cell of
// the other axes, and the axis' Pratt importance. The result is sorted by
// mean disagreement, largest first, and ranked only as far as the paired
// intervals of the differences between axes separate them; the summary
// says how the intervals were made (see addTwoWay).
//
// The Pratt importances come from the least-squares regression of the
// disagreement 1 − agreement of every pair a < b on an intercept and one
// indicator per axis, "a and b differ in this axis". Axis k's importance
// is β_k·cov(x_k, y)/var(y): the importances sum to the regression's R²,
// not to 1. Over the pairs of distinct models the indicators are
// correlated even on a full factorial grid (a pair that agrees on one
// axis is more likely to differ in another), so an importance is not the
// R² of that axis alone; it grows with the number of levels of the axis
// (more levels, more pairs that differ in it) and the additive model
// leaves the interactions out. When the indicators are collinear (two
// axes that always change together) the importances are NaN and why says
// so.
//
// s, when not nil, gives the bootstrap intervals; without it (or beyond
// its budget) they are absent or NaN and why says so.
func Attribution(configs []map[string]string, acc []float64, pm *PairMatrices, s *sampler) ([]AxisAttribution, *AttributionSummary, Reasons) {
	return attribution(configs, acc, pm, s, nil, nil)
}

// attribution is Attribution with the replicate units of the bootstrap
// given (nil: drawn from s's seed) and the replication rep (nil: the
// SeedAxes, no copies). The pairs of a replicate axis leave out copies
// (rep.copies): one model under two seeds is not a pair of replicates.
func attribution(configs []map[string]string, acc []float64, pm *PairMatrices, s *sampler, units [][]int, rep *replication) ([]AxisAttribution, *AttributionSummary, Reasons) {
	why := Reasons{}
	axes := axesOf(configs)
	var out []AxisAttribution
	var groups [][][2]int
	for _, axis := range axes {
		pairs := pairsDifferingIn(configs, axes, axis)
		if rep.isAxis(axis) {
			pairs = slices.DeleteFunc(pairs, func(pr [2]int) bool { return rep.copies(pr[0], pr[1]) })
		}
		if len(pairs) == 0 {
			continue
		}
		at := AxisAttribution{Axis: axis, NPairs: len(pairs), Measures: map[string]MeasureSummary{}}
		for _, name := range attributionMeasures {
			if name == "jsd" && pm.JSD == nil {
				continue
			}
			v := make([]float64, len(pairs))
			for q, pr := range pairs {
				v[q] = pairValue(pm, name, pr[0], pr[1])
			}
			at.Measures[name] = summarize(v)
		}
		at.MeanDisagreement = 1 - at.Measures["agreement"].Mean
		at.order = len(out)
		out = append(out, at)
		groups = append(groups, pairs)
	}
	if len(out) == 0 {
		why["attribution"] = "no two models differ in exactly one axis"
		why["attribution_summary"] = "no two models differ in exactly one axis"
		return nil, nil, why
	}
	// ciWhy[g][name] says why an interval is missing.
	ciWhy := make([]map[string]string, len(out))
	if s != nil {
		iv, jsdIv, ok, jsdOK := s.groupIntervals(groups, pm.JSD != nil)
		for g := range out {
			ciWhy[g] = map[string]string{}
			for name, ms := range out[g].Measures {
				ci := Interval{math.NaN(), math.NaN()}
				switch k := slices.Index(pairMeasureNames, name); {
				case k >= 0 && ok:
					ci = iv[g][k]
					ciWhy[g][name] = whyCI
				case k >= 0:
					ciWhy[g][name] = "not computed: the pairs exceed the bootstrap budget"
				case jsdOK:
					ci = jsdIv[g]
					ciWhy[g][name] = whyCI
				default:
					ciWhy[g][name] = "not computed: per-instance JSD of the pairs exceeds the bootstrap budget"
				}
				ms.CI = &ci
				out[g].Measures[name] = ms
			}
		}
	}

	shares, err := prattImportance(configs, out, pm)
	r2 := math.NaN()
	if err == nil {
		r2 = 0
	}
	// R² sums in the fixed order of out, never of the map, so that it is
	// bit-identical from run to run.
	for g := range out {
		out[g].PrattImportance = Num(math.NaN())
		if err == nil {
			out[g].PrattImportance = Num(shares[out[g].Axis])
			r2 += shares[out[g].Axis]
		}
	}
	slices.SortStableFunc(out, func(p, q AxisAttribution) int {
		dp, dq := float64(p.MeanDisagreement), float64(q.MeanDisagreement)
		switch {
		case dp > dq || (!math.IsNaN(dp) && math.IsNaN(dq)):
			return -1
		case dp < dq || (math.IsNaN(dp) && !math.IsNaN(dq)):
			return 1
		}
		return strings.Compare(p.Axis, q.Axis)
	})
	sorted := make([][][2]int, len(out))
	for g := range out {
		sorted[g] = groups[out[g].order]
	}
	sum := addTwoWay(configs, axes, out, sorted, pm, acc, s, units, rep, why)
	sum.PrattR2 = Num(r2)
	for g := range out {
		at := out[g]
		path := fmt.Sprintf("attribution[%d]", g)
		if err != nil {
			why[path+".pratt_importance"] = err.Error()
			why["attribution_summary.pratt_r2"] = err.Error()
		}
		why.num(path+".mean_disagreement", float64(at.MeanDisagreement), "agreement is undefined for every pair")
		for name, ms := range at.Measures {
			mp := path + ".measures." + name
			for field, v := range map[string]Num{"mean": ms.Mean, "median": ms.Median, "min": ms.Min, "max": ms.Max} {
				why.num(mp+"."+field, float64(v), "undefined for every pair that differs in this axis only")
			}
			if ms.CI != nil {
				why.interval(mp+".ci", *ms.CI, ciWhy[at.order][name])
			}
		}
	}
	return out, sum, why
}

// prattImportance returns Pratt's decomposition of the R² of regressing
// pairwise disagreement on the "differs in axis k" indicators of the axes
// in out.
func prattImportance(configs []map[string]string, out []AxisAttribution, pm *PairMatrices) (map[string]float64, error) {
	m := len(configs)
	k := len(out)
	p := k + 1
	xtx := mat.NewSymDense(p, nil)
	xty := mat.NewVecDense(p, nil)
	row := make([]float64, p)
	var ny, sy, syy float64
	sx := make([]float64, p)
	sxy := make([]float64, p)
	for a := range m {
		for b := a + 1; b < m; b++ {
			y := 1 - pm.Agreement[a][b]
			row[0] = 1
			for j, at := range out {
				row[j+1] = 0
				if configs[a][at.Axis] != configs[b][at.Axis] {
					row[j+1] = 1
				}
			}
			for i := range p {
				for j := i; j < p; j++ {
					xtx.SetSym(i, j, xtx.At(i, j)+row[i]*row[j])
				}
				xty.SetVec(i, xty.AtVec(i)+row[i]*y)
				sx[i] += row[i]
				sxy[i] += row[i] * y
			}
			ny++
			sy += y
			syy += y * y
		}
	}
	vy := syy/ny - (sy/ny)*(sy/ny)
	if ny < float64(p) || vy <= 0 {
		return nil, fmt.Errorf("undefined: %v pairs for %d axes, disagreement variance %g", ny, k, vy)
	}
	var chol mat.Cholesky
	if ok := chol.Factorize(xtx); !ok {
		return nil, fmt.Errorf("undefined: the axes' difference indicators are collinear (axes that always change together)")
	}
	var beta mat.VecDense
	if err := chol.SolveVecTo(&beta, xty); err != nil {
		return nil, fmt.Errorf("undefined: %w", err)
	}
	shares := map[string]float64{}
	for j, at := range out {
		cov := sxy[j+1]/ny - (sx[j+1]/ny)*(sy/ny)
		shares[at.Axis] = beta.AtVec(j+1) * cov / vy
	}
	return shares, nil
}
