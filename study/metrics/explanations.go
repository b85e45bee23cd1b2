package metrics

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/study-harness/study/study/explain"
	"github.com/study-harness/study/study/predmat"
	"github.com/study-harness/study/study/seeds"
)

// Explanation is metrics.json's explanations.<method>: how much the
// models agree on their attributions by one method (Krishna et al.
// 2022's six measures at top-k), on the attributed instances (the first
// n_instances of the feature subset) and on their consensus set.
type Explanation struct {
	Target     string `json:"target"`      // the class explained: pred or label
	K          int    `json:"k"`           // top-k, a count of features
	Features   int    `json:"features"`    // D
	NInstances int    `json:"n_instances"` // instances averaged over
	// NConsensus counts the consensus set: the attributed instances
	// that every model of the matrix classifies correctly.
	NConsensus int `json:"n_consensus"`
	// NModels counts the models with the method's attributions; the
	// rows and columns of the others are null, with the reason.
	NModels int `json:"n_models"`

	FeatureAgreement      Square `json:"feature_agreement"`
	RankAgreement         Square `json:"rank_agreement"`
	SignAgreement         Square `json:"sign_agreement"`
	SignedRankAgreement   Square `json:"signed_rank_agreement"`
	RankCorrelation       Square `json:"rank_correlation"`
	PairwiseRankAgreement Square `json:"pairwise_rank_agreement"`

	FeatureAgreementConsensus      Square `json:"feature_agreement_consensus"`
	RankAgreementConsensus         Square `json:"rank_agreement_consensus"`
	SignAgreementConsensus         Square `json:"sign_agreement_consensus"`
	SignedRankAgreementConsensus   Square `json:"signed_rank_agreement_consensus"`
	RankCorrelationConsensus       Square `json:"rank_correlation_consensus"`
	PairwiseRankAgreementConsensus Square `json:"pairwise_rank_agreement_consensus"`

	// MeanOverPairs is each matrix's mean over the pairs a < b of models
	// with the method, by matrix name; MeanOverPairsCI its 95% interval
	// from the instance bootstrap (absent when the bootstrap is off).
	MeanOverPairs   map[string]Num      `json:"mean_over_pairs"`
	MeanOverPairsCI map[string]Interval `json:"mean_over_pairs_ci,omitempty"`
	// NoiseFloor compares seed pairs with the other pairs; null without
	// a replicate axis.
	NoiseFloor *ExplanationFloor `json:"noise_floor"`
	// Attribution is the factor attribution of explanation agreement:
	// per axis, the pairs that differ in it alone, largest mean feature
	// disagreement first.
	Attribution []ExplanationAxis `json:"attribution"`
	// Predictions relates explanation agreement to prediction agreement
	// over the pairs.
	Predictions *ExplanationVsPredictions `json:"predictions"`
	// CrossMethod is the other floor: for every other method of the
	// study, each model's mean feature agreement between its own
	// attributions by the two methods on the same instances (null where
	// it lacks either). Models agreeing less with each other than one
	// model with itself under two methods is a difference of models,
	// not of explainers.
	CrossMethod map[string]Vec `json:"cross_method,omitempty"`
	// IGDelta is, for integrated_gradients, each model's mean |δ| over
	// the instances (the convergence delta); absent for other methods.
	IGDelta Vec `json:"ig_delta_mean_abs,omitempty"`
}

// ExplanationFloor is the noise floor of explanation agreement: pairs of
// seed replicates of one recipe (models that differ in replicate axes
// only, SeedAxes) against every other pair.
type ExplanationFloor struct {
	ReplicateAxes []string `json:"replicate_axes"`
	SeedPairs     int      `json:"seed_pairs"`
	OtherPairs    int      `json:"other_pairs"`
	// Seed and Other are each measure's mean over the seed pairs and the
	// other pairs, by measure name; the intervals resample instances.
	Seed    map[string]Num      `json:"seed"`
	Other   map[string]Num      `json:"other"`
	SeedCI  map[string]Interval `json:"seed_ci,omitempty"`
	OtherCI map[string]Interval `json:"other_ci,omitempty"`
}

// ExplanationAxis summarises the pairs of models (both with the method)
// that differ in exactly one axis.
type ExplanationAxis struct {
	Axis   string `json:"axis"`
	NPairs int    `json:"n_pairs"`
	// MeanFeatureDisagreement is 1 − the mean feature agreement over
	// the pairs, the ordering key.
	MeanFeatureDisagreement Num `json:"mean_feature_disagreement"`
	// Measures holds each measure's distribution over the pairs; CI is
	// the instance-bootstrap interval of the mean.
	Measures map[string]MeasureSummary `json:"measures"`
}

// ExplanationVsPredictions answers "do models that agree on predictions
// also agree on explanations?": Pearson's correlation, over the pairs of
// models with the method, between their prediction agreement on the
// attributed instances and their mean feature agreement.
type ExplanationVsPredictions struct {
	NPairs      int `json:"n_pairs"`
	Correlation Num `json:"correlation"`
	// CI resamples instances (paired for both measures), never pairs:
	// pairs that share a model are not independent.
	CI *Interval `json:"correlation_ci,omitempty"`
	// MantelP is the one-sided p-value of a Mantel test: the share of
	// Permutations relabellings of the models (of the prediction
	// matrix) whose correlation is at least the observed one, counting
	// the observed one; its floor is 1/(Permutations+1).
	MantelP      Num `json:"mantel_p"`
	Permutations int `json:"permutations"`
}

// explanationBudget bounds the stored per-pair, per-instance measures
// (values) behind the explanation intervals, about 200 MB; beyond it the
// intervals are left out with a reason. The correlation's bootstrap
// costs replicates × pairs × instances and shares pairWorkBudget.
const explanationBudget = 5e7

// AddExplanations adds explanations.<method> for every method of
// x.Attributions to r. Nothing is added without attributions.
func AddExplanations(x *predmat.Matrix, r *Result, opts Options) error {
	a := x.Attributions
	if a == nil {
		return nil
	}
	k, err := explain.ResolveK(a.K, a.Dim)
	if err != nil {
		return fmt.Errorf("metrics: explanations: %w", err)
	}
	correct := make([]bool, x.M()*a.Rows)
	for m := range x.M() {
		for i := range a.Rows {
			correct[m*a.Rows+i] = x.Correct(m, x.FeatureIdx[i])
		}
	}
	consensus, err := explain.Consensus(correct, x.M(), a.Rows)
	if err != nil {
		return err
	}
	all := map[string]*Explanation{}
	for j, method := range a.Methods {
		e, err := explanation(x, j, k, consensus, opts, r.Reasons, "explanations."+method)
		if err != nil {
			return fmt.Errorf("metrics: explanations.%s: %w", method, err)
		}
		if method == string(explain.MethodIntegratedGradients) {
			e.IGDelta = make(Vec, x.M())
			for m, d := range a.IGDelta {
				e.IGDelta[m] = math.NaN()
				if d != nil {
					s := 0.0
					for _, v := range d {
						s += math.Abs(float64(v))
					}
					e.IGDelta[m] = s / float64(len(d))
				}
			}
		}
		all[method] = e
	}
	addCrossMethod(x, k, all, r.Reasons)
	r.Extra = withKey(r.Extra, "explanations", all)
	return nil
}

// addCrossMethod sets each method's CrossMethod: per model, the mean
// over the attributed instances of the feature agreement between its
// attributions by the method and by every other.
func addCrossMethod(x *predmat.Matrix, k int, all map[string]*Explanation, why Reasons) {
	a := x.Attributions
	for j1, m1 := range a.Methods {
		for j2, m2 := range a.Methods {
			if j1 == j2 {
				continue
			}
			v := make(Vec, x.M())
			for mi := range v {
				v1, v2 := a.Values[j1][mi], a.Values[j2][mi]
				if v1 == nil || v2 == nil {
					v[mi] = math.NaN()
					why[fmt.Sprintf("explanations.%s.cross_method.%s[%d]", m1, m2, mi)] = fmt.Sprintf("model %s lacks %s or %s attributions", x.Models[mi], m1, m2)
					continue
				}
				s := 0.0
				for i := range a.Rows {
					g, _ := explain.Compare(v1[i*a.Dim:(i+1)*a.Dim], v2[i*a.Dim:(i+1)*a.Dim], k) // shapes checked by Validate
					s += g.FeatureAgreement
				}
				v[mi] = s / float64(a.Rows)
			}
			if all[m1].CrossMethod == nil {
				all[m1].CrossMethod = map[string]Vec{}
			}
			all[m1].CrossMethod[m2] = v
		}
	}
}

// pairValues holds each measure of every pair q of the models with a
// method on every instance i: v[measure][q*n+i].
type pairValues struct {
	n int
	v [6][]float32
}

// explanation computes one method's member; path is its JSON path.
func explanation(x *predmat.Matrix, j, k int, consensus []bool, opts Options, why Reasons, path string) (*Explanation, error) {
	a := x.Attributions
	m, n, d := x.M(), a.Rows, a.Dim
	var with []int // the models with the method
	for mi, v := range a.Values[j] {
		if v != nil {
			with = append(with, mi)
		}
	}
	e := &Explanation{Target: a.Target, K: k, Features: d, NInstances: n, NModels: len(with), MeanOverPairs: map[string]Num{}}
	for _, c := range consensus {
		if c {
			e.NConsensus++
		}
	}
	squares := []*Square{&e.FeatureAgreement, &e.RankAgreement, &e.SignAgreement, &e.SignedRankAgreement, &e.RankCorrelation, &e.PairwiseRankAgreement,
		&e.FeatureAgreementConsensus, &e.RankAgreementConsensus, &e.SignAgreementConsensus, &e.SignedRankAgreementConsensus, &e.RankCorrelationConsensus, &e.PairwiseRankAgreementConsensus}
	names := make([]string, 0, 12)
	for _, suffix := range []string{"", "_consensus"} {
		for _, nm := range explain.MeasureNames {
			names = append(names, nm+suffix)
		}
	}
	for s, sq := range squares {
		*sq = NewSquare(m)
		for _, row := range *sq {
			for b := range row {
				row[b] = math.NaN()
			}
		}
		for mi := range m {
			if a.Values[j][mi] == nil {
				why[fmt.Sprintf("%s.%s[%d]", path, names[s], mi)] = fmt.Sprintf("model %s has no %s attributions (%s): its row and column are null", x.Models[mi], a.Methods[j], a.Why[j][mi])
			}
		}
	}
	mw := len(with)
	if mw == 0 {
		why[path] = "no model has " + a.Methods[j] + " attributions"
		return e, nil
	}
	attr := make([]float32, 0, mw*n*d)
	for _, mi := range with {
		attr = append(attr, a.Values[j][mi]...)
	}
	npairs := mw * (mw - 1) / 2
	var pv *pairValues
	b := count(opts.Bootstrap, DefaultBootstrap)
	if b > 0 && float64(6*npairs)*float64(n) <= explanationBudget {
		pv = &pairValues{n: n}
		for s := range pv.v {
			pv.v[s] = make([]float32, npairs*n)
		}
	}
	o := explain.AgreeOptions{K: k, Workers: opts.Workers}
	if pv != nil {
		o.Pair = func(p, q, i int, g explain.Agreement) {
			base := pairIndex(p, q, mw)*n + i
			for s, v := range []float64{g.FeatureAgreement, g.RankAgreement, g.SignAgreement, g.SignedRankAgreement, g.RankCorrelation, g.PairwiseRankAgreement} {
				pv.v[s][base] = float32(v)
			}
		}
	}
	full, err := explain.Agree(attr, mw, n, d, o)
	if err != nil {
		return nil, err
	}
	cons, err := explain.Agree(attr, mw, n, d, explain.AgreeOptions{K: k, Workers: opts.Workers, Include: consensus})
	if err != nil {
		return nil, err
	}
	fullM, consM := full.Members(""), cons.Members("_consensus")
	mats := make([][]float64, len(names))
	for s, name := range names {
		if s < 6 {
			mats[s] = fullM[name]
		} else {
			mats[s] = consM[name]
		}
	}
	for s, sq := range squares {
		src := mats[s]
		for p, mp := range with {
			for q, mq := range with {
				(*sq)[mp][mq] = src[p*mw+q]
			}
		}
	}
	allPairs := make([]int, npairs)
	for q := range allPairs {
		allPairs[q] = q
	}
	var bs *bootstrap
	if pv != nil {
		bs = newBootstrap(opts.Seed, b, n)
		e.MeanOverPairsCI = map[string]Interval{}
	} else if b > 0 {
		why[path+".mean_over_pairs_ci"] = fmt.Sprintf("not computed: %d pairs × %d instances exceed the budget of the explanation intervals", npairs, n)
	}
	for s, name := range names {
		e.MeanOverPairs[name] = Num(meanOverPairs(mats[s], mw))
		why.num(path+".mean_over_pairs."+name, float64(e.MeanOverPairs[name]), "undefined for every pair (fewer than two models have the method, or no instance)")
		if bs != nil {
			include := consensus
			if s < 6 {
				include = nil
			}
			e.MeanOverPairsCI[name] = pv.interval(bs, s%6, allPairs, include)
			why.interval(path+".mean_over_pairs_ci."+name, e.MeanOverPairsCI[name], whyCI)
		}
	}
	e.NoiseFloor = explanationFloor(x.Configs, with, pv, bs, mats[:6], why, path)
	e.Attribution = explanationAttribution(x.Configs, with, pv, bs, mats[:6])
	e.Predictions = explanationVsPredictions(x, with, pv, bs, mats[0], opts, why, path)
	return e, nil
}

// pairIndex is the index of pair p < q among the pairs of mw models, in
// row order.
func pairIndex(p, q, mw int) int { return p*mw - p*(p+1)/2 + q - p - 1 }

// meanOverPairs is the mean of the finite cells p < q of an mw×mw
// row-major matrix.
func meanOverPairs(v []float64, mw int) float64 {
	var f finiteMean
	for p := range mw {
		for q := p + 1; q < mw; q++ {
			f.add(v[p*mw+q])
		}
	}
	mean, _ := f.mean()
	return mean
}

// rankCorrelation is the index of rank_correlation among the measures,
// the one that can be undefined on an instance.
const rankCorrelation = 4

// interval is the 95% bootstrap interval of the mean of measure s over
// pairs of the pair means over the included instances (nil: all), the
// statistic of mean_over_pairs. A measure defined on every instance has
// the same denominator in every cell, so a replicate is the
// count-weighted mean over instances of each instance's mean over the
// pairs. Rank correlation, whose cells skip the instances where it is
// undefined, is resampled cell by cell, within pairWorkBudget (NaN
// beyond, which the caller reports).
func (pv *pairValues) interval(bs *bootstrap, s int, pairs []int, include []bool) Interval {
	n := pv.n
	if s == rankCorrelation {
		return pv.cellInterval(bs, s, pairs, include)
	}
	u := make([]float64, n)
	for i := range n {
		var f finiteMean
		if include == nil || include[i] {
			for _, q := range pairs {
				f.add(float64(pv.v[s][q*n+i]))
			}
		}
		u[i], _ = f.mean()
	}
	rep := make([]float64, len(bs.w))
	for r, w := range bs.w {
		num, den := 0.0, 0.0
		for i, c := range w {
			if c != 0 && !math.IsNaN(u[i]) {
				num += float64(c) * u[i]
				den += float64(c)
			}
		}
		rep[r] = num / den
	}
	return percentile95(rep)
}

// cellInterval is interval computed cell by cell: each replicate's mean
// over pairs of the pair's mean over its finite, included instances.
func (pv *pairValues) cellInterval(bs *bootstrap, s int, pairs []int, include []bool) Interval {
	n := pv.n
	if float64(len(bs.w))*float64(len(pairs))*float64(n) > pairWorkBudget/10 {
		return Interval{math.NaN(), math.NaN()}
	}
	rep := make([]float64, len(bs.w))
	for r, w := range bs.w {
		var f finiteMean
		for _, q := range pairs {
			num, den := 0.0, 0.0
			for i, c := range w {
				v := float64(pv.v[s][q*n+i])
				if c != 0 && !math.IsNaN(v) && (include == nil || include[i]) {
					num += float64(c) * v
					den += float64(c)
				}
			}
			f.add(num / den)
		}
		rep[r], _ = f.mean()
	}
	return percentile95(rep)
}

// explanationFloor compares the seed pairs (same recipe, different
// replicate axes) among the models with the method with the other pairs.
func explanationFloor(configs []map[string]string, with []int, pv *pairValues, bs *bootstrap, mats [][]float64, why Reasons, path string) *ExplanationFloor {
	if configs == nil {
		why[path+".noise_floor"] = "the predictions carry no run configurations"
		return nil
	}
	axes := axesOf(configs)
	var seedAxes, other []string
	for _, k := range axes {
		if isSeedAxis(k) {
			seedAxes = append(seedAxes, k)
		} else {
			other = append(other, k)
		}
	}
	if len(seedAxes) == 0 {
		why[path+".noise_floor"] = "no replicate axis takes two or more values"
		return nil
	}
	none := func(string) bool { return false }
	mw := len(with)
	var seedQ, otherQ []int
	for p := range mw {
		for q := p + 1; q < mw; q++ {
			a, b := configs[with[p]], configs[with[q]]
			if configKey(a, other, none) == configKey(b, other, none) {
				seedQ = append(seedQ, pairIndex(p, q, mw))
			} else {
				otherQ = append(otherQ, pairIndex(p, q, mw))
			}
		}
	}
	f := &ExplanationFloor{ReplicateAxes: seedAxes, SeedPairs: len(seedQ), OtherPairs: len(otherQ), Seed: map[string]Num{}, Other: map[string]Num{}}
	if bs != nil {
		f.SeedCI, f.OtherCI = map[string]Interval{}, map[string]Interval{}
	}
	for s, name := range explain.MeasureNames {
		for _, g := range []struct {
			qs  []int
			out map[string]Num
			ci  map[string]Interval
			key string
		}{{seedQ, f.Seed, f.SeedCI, "seed"}, {otherQ, f.Other, f.OtherCI, "other"}} {
			var fm finiteMean
			for _, q := range g.qs {
				p, r := pairOf(q, mw)
				fm.add(mats[s][p*mw+r])
			}
			v, _ := fm.mean()
			g.out[name] = Num(v)
			why.num(path+".noise_floor."+g.key+"."+name, v, "no "+g.key+" pair has the measure defined")
			if bs != nil && len(g.qs) > 0 {
				g.ci[name] = pv.interval(bs, s, g.qs, nil)
				why.interval(path+".noise_floor."+g.key+"_ci."+name, g.ci[name], whyCI)
			}
		}
	}
	return f
}

// pairOf inverts pairIndex.
func pairOf(q, mw int) (int, int) {
	for p := range mw {
		if n := mw - p - 1; q < n {
			return p, p + 1 + q
		} else {
			q -= n
		}
	}
	return -1, -1
}

// explanationAttribution is the factor attribution of explanation
// agreement: for each axis, the pairs of models with the method that
// differ in it alone, each measure's distribution over them, sorted by
// mean feature disagreement.
func explanationAttribution(configs []map[string]string, with []int, pv *pairValues, bs *bootstrap, mats [][]float64) []ExplanationAxis {
	if configs == nil {
		return nil
	}
	mw := len(with)
	pos := map[int]int{}
	for p, mi := range with {
		pos[mi] = p
	}
	axes := axesOf(configs)
	var out []ExplanationAxis
	for _, axis := range axes {
		var qs []int
		for _, pr := range pairsDifferingIn(configs, axes, axis) {
			p, okp := pos[pr[0]]
			q, okq := pos[pr[1]]
			if okp && okq {
				qs = append(qs, pairIndex(p, q, mw))
			}
		}
		if len(qs) == 0 {
			continue
		}
		at := ExplanationAxis{Axis: axis, NPairs: len(qs), Measures: map[string]MeasureSummary{}}
		for s, name := range explain.MeasureNames {
			v := make([]float64, len(qs))
			for t, q := range qs {
				p, r := pairOf(q, mw)
				v[t] = mats[s][p*mw+r]
			}
			ms := summarize(v)
			if bs != nil {
				iv := pv.interval(bs, s, qs, nil)
				ms.CI = &iv
			}
			at.Measures[name] = ms
		}
		at.MeanFeatureDisagreement = 1 - at.Measures["feature_agreement"].Mean
		out = append(out, at)
	}
	slices.SortStableFunc(out, func(p, q ExplanationAxis) int {
		return cmp.Or(-cmp.Compare(float64(p.MeanFeatureDisagreement), float64(q.MeanFeatureDisagreement)), cmp.Compare(p.Axis, q.Axis))
	})
	return out
}

// explanationVsPredictions correlates, over the pairs of models with the
// method, their prediction agreement on the attributed instances with
// their mean feature agreement (fa, mw×mw).
func explanationVsPredictions(x *predmat.Matrix, with []int, pv *pairValues, bs *bootstrap, fa []float64, opts Options, why Reasons, path string) *ExplanationVsPredictions {
	a := x.Attributions
	mw, n, nx := len(with), a.Rows, x.N()
	npairs := mw * (mw - 1) / 2
	if npairs < 3 {
		why[path+".predictions"] = "fewer than three pairs of models have the method"
		return nil
	}
	// same[q*n+i]: the pair's predictions agree on instance i.
	same := make([]bool, npairs*n)
	agree := make([]float64, npairs)
	expl := make([]float64, npairs)
	for p := range mw {
		for q := p + 1; q < mw; q++ {
			k := pairIndex(p, q, mw)
			c := 0
			for i := range n {
				r := x.FeatureIdx[i]
				if x.Pred[with[p]*nx+r] == x.Pred[with[q]*nx+r] {
					same[k*n+i] = true
					c++
				}
			}
			agree[k] = float64(c) / float64(n)
			expl[k] = fa[p*mw+q]
		}
	}
	res := &ExplanationVsPredictions{NPairs: npairs, Correlation: Num(pearson(agree, expl))}
	why.num(path+".predictions.correlation", float64(res.Correlation), "the prediction or the feature agreement is the same for every pair")
	if bs != nil && float64(len(bs.w))*float64(npairs)*float64(n) <= pairWorkBudget/10 {
		rep := make([]float64, len(bs.w))
		ra, re := make([]float64, npairs), make([]float64, npairs)
		for r, w := range bs.w {
			for k := range npairs {
				sa, se := 0.0, 0.0
				for i, c := range w {
					if c == 0 {
						continue
					}
					if same[k*n+i] {
						sa += float64(c)
					}
					se += float64(c) * float64(pv.v[0][k*n+i])
				}
				ra[k], re[k] = sa, se
			}
			rep[r] = pearson(ra, re)
		}
		iv := percentile95(rep)
		res.CI = &iv
		why.interval(path+".predictions.correlation_ci", iv, whyCI)
	} else if count(opts.Bootstrap, DefaultBootstrap) > 0 {
		why[path+".predictions.correlation_ci"] = "not computed: replicates × pairs × instances exceed the bootstrap budget"
	}
	res.MantelP = Num(math.NaN())
	if perms := count(opts.Permutations, DefaultPermutations); perms > 0 && !math.IsNaN(float64(res.Correlation)) {
		res.Permutations = perms
		obs := float64(res.Correlation)
		perm := make([]int, mw)
		pa := make([]float64, npairs)
		hits := 1
		for t := range perms {
			rng := seeds.Stream("metrics/explanations/mantel", opts.Seed, int64(t))
			for i := range perm {
				perm[i] = i
			}
			rng.Shuffle(mw, func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
			for p := range mw {
				for q := p + 1; q < mw; q++ {
					pp, qq := min(perm[p], perm[q]), max(perm[p], perm[q])
					pa[pairIndex(p, q, mw)] = agree[pairIndex(pp, qq, mw)]
				}
			}
			if pearson(pa, expl) >= obs {
				hits++
			}
		}
		res.MantelP = Num(float64(hits) / float64(perms+1))
	} else if perms > 0 {
		why[path+".predictions.mantel_p"] = "the correlation is undefined"
	} else {
		why[path+".predictions.mantel_p"] = "not computed (permutations off)"
	}
	return res
}

// pearson is Pearson's correlation of x and y over the indices where
// both are finite; NaN when either is constant there.
func pearson(x, y []float64) float64 {
	var n, sx, sy float64
	for i := range x {
		if !math.IsNaN(x[i]) && !math.IsNaN(y[i]) {
			n++
			sx += x[i]
			sy += y[i]
		}
	}
	mx, my := sx/n, sy/n
	var sxy, sxx, syy float64
	for i := range x {
		if !math.IsNaN(x[i]) && !math.IsNaN(y[i]) {
			dx, dy := x[i]-mx, y[i]-my
			sxy += dx * dy
			sxx += dx * dx
			syy += dy * dy
		}
	}
	if sxx == 0 || syy == 0 {
		return math.NaN()
	}
	return sxy / math.Sqrt(sxx*syy)
}
