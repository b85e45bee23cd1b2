package metrics

import (
	"fmt"
	"math"
	"slices"

	"github.com/study-harness/study/study/predmat"
)

// jsdWorkBudget bounds the logarithms that the bootstrap of JSD means may
// spend on per-instance JSD values (one per instance, class and pair).
const jsdWorkBudget = 1.5e9

// sampler computes paired-bootstrap intervals. All its draws come from
// the replicates in bs, so that every interval of one Compute uses the
// same resampled instances.
type sampler struct {
	x       *predmat.Matrix
	p       *packed
	bs      *bootstrap
	right   [][]int // right[r][a]
	workers int
	seed    int64 // keys the streams of other resamples (replicate runs)
}

func newSampler(x *predmat.Matrix, p *packed, b int, seed int64, workers int) *sampler {
	s := &sampler{x: x, p: p, bs: newBootstrap(seed, b, x.N()), workers: workers, seed: seed}
	s.right = s.bs.replicateRight(p, workers)
	return s
}

// groupIntervals returns, for every group of pairs and every measure of
// pairMeasureNames, the 95% percentile interval of the mean of the
// measure over the group's pairs (finite values only) across replicates,
// and with jsd the same for JSD. ok is false when the work would exceed
// pairWorkBudget; jsdOK likewise for jsdWorkBudget.
func (s *sampler) groupIntervals(groups [][][2]int, jsd bool) (iv [][]Interval, jsdIv []Interval, ok, jsdOK bool) {
	b, n := len(s.bs.w), s.x.N()
	// The budget is checked on counts first: the index of the distinct
	// pairs would take about 100 MB for all pairs of 1000 models, which
	// are over the budget anyway.
	if pairCost(distinctPairs(groups), usedModels(groups, s.x.M()), b, n) > pairWorkBudget {
		return nil, nil, false, false
	}
	index := map[[2]int]int{}
	var union [][2]int
	for _, g := range groups {
		for _, pr := range g {
			if _, seen := index[pr]; !seen {
				index[pr] = len(union)
				union = append(union, pr)
			}
		}
	}
	pb := bootPairs(s.x, s.p, s.bs, union, s.right, s.workers)
	gidx := make([][]int, len(groups))
	for g, grp := range groups {
		for _, pr := range grp {
			gidx[g] = append(gidx[g], index[pr])
		}
	}
	nk := len(pairMeasureNames)
	// boot[g][k][r]: the group mean of measure k in replicate r.
	boot := make([][][]float64, len(groups))
	for g := range boot {
		boot[g] = make([][]float64, nk)
		for k := range boot[g] {
			boot[g][k] = make([]float64, b)
		}
	}
	forRange(b, s.workers, func(r int) {
		vals := make([]float64, len(union)*nk)
		for q := range union {
			pb.measures(q, r, n, s.p.c, vals[q*nk:(q+1)*nk])
		}
		col := make([]float64, 0, len(union))
		for g, idx := range gidx {
			for k := range nk {
				col = col[:0]
				for _, q := range idx {
					col = append(col, vals[q*nk+k])
				}
				boot[g][k][r], _ = nanMean(col)
			}
		}
	})
	iv = make([][]Interval, len(groups))
	for g := range groups {
		iv[g] = make([]Interval, nk)
		for k := range nk {
			iv[g][k] = percentile95(boot[g][k])
		}
	}
	if !jsd || s.x.Prob == nil {
		return iv, nil, true, false
	}
	if float64(len(union))*float64(n)*float64(s.x.Classes) > jsdWorkBudget {
		return iv, nil, true, false
	}
	// JSD is a mean over instances, so a group mean of JSD is a weighted
	// sum of per-instance group sums.
	jsdIv = make([]Interval, len(groups))
	forRange(len(groups), s.workers, func(g int) {
		v := jsdInstances(s.x, groups[g])
		den := float64(n) * float64(len(groups[g]))
		reps := make([]float64, b)
		for r, w := range s.bs.w {
			t := 0.0
			for i, wi := range w {
				t += float64(wi) * v[i]
			}
			reps[r] = t / den
		}
		jsdIv[g] = percentile95(reps)
	})
	return iv, jsdIv, true, true
}

// distinctPairs returns the number of distinct pairs in groups.
func distinctPairs(groups [][][2]int) int {
	total := 0
	for _, g := range groups {
		total += len(g)
	}
	keys := make([]uint64, 0, total)
	for _, g := range groups {
		for _, pr := range g {
			keys = append(keys, uint64(uint32(pr[0]))<<32|uint64(uint32(pr[1])))
		}
	}
	slices.Sort(keys)
	return len(slices.Compact(keys))
}

// usedModels returns the number of the m models that appear in a pair of
// groups.
func usedModels(groups [][][2]int, m int) int {
	used := make([]bool, m)
	k := 0
	for _, g := range groups {
		for _, pr := range g {
			for _, a := range pr {
				if !used[a] {
					used[a] = true
					k++
				}
			}
		}
	}
	return k
}

// jsdInstances returns Σ_pairs JSD(p^a_i, p^b_i), in bits, for every
// instance i: Σ_pairs −Σ_c m log2 m (one logarithm per pair, instance
// and class) minus half of each model's per-instance entropy times the
// number of pairs it is in.
func jsdInstances(x *predmat.Matrix, pairs [][2]int) []float64 {
	n, c := x.N(), x.Classes
	v := make([]float64, n)
	deg := make([]int, x.M())
	buf := make([]float32, jsdChunk*c)
	for _, pr := range pairs {
		a, b := x.ProbRow(pr[0]), x.ProbRow(pr[1])
		for i0 := 0; i0 < n; i0 += jsdChunk {
			i1 := min(i0+jsdChunk, n)
			out := buf[:(i1-i0)*c]
			mixXlog2xEach(a[i0*c:i1*c], b[i0*c:i1*c], out)
			for i := i0; i < i1; i++ {
				s := 0.0
				for _, t := range out[(i-i0)*c : (i-i0+1)*c] {
					s += float64(t)
				}
				v[i] -= s
			}
		}
		deg[pr[0]]++
		deg[pr[1]]++
	}
	for a, d := range deg {
		if d == 0 {
			continue
		}
		row := x.ProbRow(a)
		for i := range v {
			h := 0.0
			for _, p := range row[i*c : (i+1)*c] {
				h -= xlog2x(float64(p))
			}
			v[i] -= 0.5 * float64(d) * h
		}
	}
	return v
}

// allPairs lists the pairs a < b of m models.
func allPairs(m int) [][2]int {
	ps := make([][2]int, 0, m*(m-1)/2)
	for a := range m {
		for b := a + 1; b < m; b++ {
			ps = append(ps, [2]int{a, b})
		}
	}
	return ps
}

// ensembleNames lists the ensemble measures that get intervals, by JSON
// name, with their values.
func ensembleNums(e *EnsembleStats) map[string]float64 {
	return map[string]float64{
		"systemic_failure_rate": float64(e.SystemicFailureRate), "independent_failure_rate": float64(e.IndependentFailureRate),
		"homogenization": float64(e.Homogenization), "all_correct_rate": float64(e.AllCorrectRate),
		"independent_all_correct_rate": float64(e.IndependentAllCorrectRate), "fleiss_kappa": float64(e.FleissKappa),
		"entropy": float64(e.Entropy), "kw_variance": float64(e.KWVariance), "interrater_kappa": float64(e.InterraterKappa),
		"difficulty": float64(e.Difficulty), "generalized_diversity": float64(e.GeneralizedDiversity),
		"coincident_failure_diversity": float64(e.CoincidentFailureDiversity),
		"majority_vote_accuracy":       float64(e.MajorityVoteAccuracy), "mean_accuracy": float64(e.MeanAccuracy),
		"best_accuracy": float64(e.BestAccuracy),
	}
}

// addIntervals adds the bootstrap intervals of per-model accuracy, the
// ensemble measures and the pairwise means (top-level "pairwise_mean")
// to r.
func (s *sampler) addIntervals(r *Result, inst *instanceStats) {
	b, m, n := len(s.bs.w), s.x.M(), s.x.N()
	acc := make([]Interval, m)
	col := make([]float64, b)
	for a := range m {
		for rep := range b {
			col[rep] = float64(s.right[rep][a]) / float64(n)
		}
		acc[a] = percentile95(col)
	}
	setExtra(&r.PerModel.Extra, "accuracy_ci", acc)

	reps := make([]map[string]float64, b)
	forRange(b, s.workers, func(rep int) {
		e, _ := inst.ensembleCounts(s.bs.w[rep], s.right[rep]).stats(s.x.Models)
		reps[rep] = ensembleNums(e)
	})
	for name := range ensembleNums(&r.Ensemble) {
		for rep := range b {
			col[rep] = reps[rep][name]
		}
		iv := percentile95(col)
		setExtra(&r.Ensemble.Extra, name+"_ci", iv)
		r.Reasons.interval("ensemble."+name+"_ci", iv, whyCI)
	}

	pm := pairwiseMeans(r)
	if pm == nil {
		return
	}
	pairs := allPairs(m)

	// Agreement, double fault and correctness disagreement averaged over
	// all pairs are sums over instances of per-instance pair counts, so
	// their intervals cost O(N) per replicate for any M.
	pairsN := float64(m) * float64(m-1) / 2
	linear := map[string]func(i int) float64{
		"agreement": func(i int) float64 { return float64(inst.agree[i]) },
		"double_fault": func(i int) float64 {
			k := float64(m - int(inst.l[i]))
			return k * (k - 1) / 2
		},
		"correctness_disagreement": func(i int) float64 {
			l := float64(inst.l[i])
			return l * (float64(m) - l)
		},
	}
	for name, f := range linear {
		v := make([]float64, n)
		for i := range v {
			v[i] = f(i)
		}
		for rep, w := range s.bs.w {
			t := 0.0
			for i, wi := range w {
				t += float64(wi) * v[i]
			}
			col[rep] = t / (float64(n) * pairsN)
		}
		pm[name+"_ci"] = percentile95(col)
		r.Reasons.interval("pairwise_mean."+name+"_ci", pm[name+"_ci"].(Interval), whyCI)
	}
	iv, jsdIv, ok, jsdOK := s.groupIntervals([][][2]int{pairs}, r.Pairwise.JSD != nil)
	for k, name := range pairMeasureNames {
		if _, done := linear[name]; done {
			continue
		}
		if ok {
			pm[name+"_ci"] = iv[0][k]
			r.Reasons.interval("pairwise_mean."+name+"_ci", iv[0][k], whyCI)
		} else {
			pm[name+"_ci"] = Interval{math.NaN(), math.NaN()}
			r.Reasons["pairwise_mean."+name+"_ci"] = fmt.Sprintf("not computed: %d pairs × %d replicates exceed the bootstrap budget", len(pairs), b)
		}
	}
	switch {
	case r.Pairwise.JSD == nil:
	case jsdOK:
		pm["jsd_ci"] = jsdIv[0]
		r.Reasons.interval("pairwise_mean.jsd_ci", jsdIv[0], whyCI)
	default:
		pm["jsd_ci"] = Interval{math.NaN(), math.NaN()}
		r.Reasons["pairwise_mean.jsd_ci"] = fmt.Sprintf("not computed: per-instance JSD of %d pairs exceeds the bootstrap budget", len(pairs))
	}
	if r.Pairwise.CAPA != nil {
		pm["capa_ci"] = Interval{math.NaN(), math.NaN()}
		r.Reasons["pairwise_mean.capa_ci"] = "not computed: CAPA's chance term is not a sum over instances"
	}
}

// pairwiseMeans adds the top-level "pairwise_mean" member to r: the mean
// of each pairwise measure over the M(M−1)/2 pairs a < b where it is
// defined. It returns the member's map, nil (and the member null) with
// fewer than two models. The pairs are not independent samples: their
// intervals come from the instance bootstrap, never from the spread over
// pairs.
func pairwiseMeans(r *Result) map[string]any {
	if pm, ok := r.Extra["pairwise_mean"].(map[string]any); ok {
		return pm
	}
	m := len(r.Models)
	if m < 2 {
		r.Extra = withKey(r.Extra, "pairwise_mean", nil)
		r.Reasons["pairwise_mean"] = whyOneModel
		return nil
	}
	pm := map[string]any{}
	r.Extra = withKey(r.Extra, "pairwise_mean", pm)
	sq := pointSquares(&r.Pairwise)
	for k, name := range pairMeasureNames {
		v := upperMean(sq[k])
		pm[name] = Num(v)
		r.Reasons.num("pairwise_mean."+name, v, "undefined for every pair")
	}
	for _, sq := range []struct {
		name string
		s    Square
	}{{"jsd", r.Pairwise.JSD}, {"capa", r.Pairwise.CAPA}} {
		if sq.s == nil {
			pm[sq.name] = Num(math.NaN())
			r.Reasons["pairwise_mean."+sq.name] = "the matrix " + sq.name + " was not computed"
			continue
		}
		mv := upperMean(sq.s)
		pm[sq.name] = Num(mv)
		r.Reasons.num("pairwise_mean."+sq.name, mv, "undefined for every pair")
	}
	return pm
}

// upperMean returns the mean of the finite values of s above the
// diagonal, summed in allPairs order (row by row).
func upperMean(s Square) float64 {
	var f finiteMean
	for a, row := range s {
		for _, v := range row[a+1:] {
			f.add(v)
		}
	}
	v, _ := f.mean()
	return v
}

// setExtra sets (*extra)[key] = v, allocating the map.
func setExtra(extra *map[string]any, key string, v any) {
	if *extra == nil {
		*extra = map[string]any{}
	}
	(*extra)[key] = v
}

func withKey(extra map[string]any, key string, v any) map[string]any {
	setExtra(&extra, key, v)
	return extra
}
