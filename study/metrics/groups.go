package metrics

import (
	"fmt"
	"math"
	"slices"

	"github.com/study-harness/study/study/predmat"
	"github.com/study-harness/study/study/seeds"
)

// Groups of people (Bommasani et al. 2022, "Picking on the same person:
// does algorithmic monoculture lead to outcome homogenization?"): when
// the instances carry a group (predmat.Matrix.Groups: a `group` column of
// the predictions, or `dataset.group` of a study), metrics.json gains a
// member "groups" with, per group, each model's accuracy, the systemic
// failure rate (the fraction of the group's instances that every model
// gets wrong) beside its independent-errors baseline ∏_m e_m, the mean
// pairwise homogenization H_2, and the failure-count histogram against
// its Poisson-binomial baseline; and, per measure, the disparity between
// groups, the largest group value minus the smallest, with a bootstrap
// interval that resamples instances within each group (stratified), from
// the stream "metrics/groups/bootstrap" keyed by the seed and the
// replicate, group after group in name order. Without groups the member is absent, so metrics.json is as
// before.

// GroupStats are the measures on the instances of one group.
type GroupStats struct {
	Name string `json:"name"`
	N    int    `json:"n"` // instances in the group
	// Accuracy is each model's accuracy on the group, in Result.Models
	// order.
	Accuracy     Vec `json:"accuracy"`
	MeanAccuracy Num `json:"mean_accuracy"` // mean over the models
	// SystemicFailureRate is the fraction of the group's instances that
	// every model gets wrong; IndependentFailureRate is ∏_m e_m, what it
	// would be if the models erred independently at their group error
	// rates.
	SystemicFailureRate    Num `json:"systemic_failure_rate"`
	IndependentFailureRate Num `json:"independent_failure_rate"`
	// HomogenizationPairwiseMean is H_2 on the group: the mean over pairs
	// of models that make errors on it of P(both wrong)/(e_a·e_b).
	HomogenizationPairwiseMean Num `json:"homogenization_pairwise_mean"`
	// FailureCountHistogram[k] is the fraction of the group's instances
	// that exactly k models get wrong; PoissonBinomial[k] its baseline
	// under independent errors at the group error rates.
	FailureCountHistogram Vec `json:"failure_count_histogram"`
	PoissonBinomial       Vec `json:"poisson_binomial"`
}

// GroupDisparity is the gap between the groups on one measure.
type GroupDisparity struct {
	Measure  string   `json:"measure"`   // a GroupStats member: mean_accuracy, systemic_failure_rate, homogenization_pairwise_mean
	MaxGroup string   `json:"max_group"` // the group with the largest value
	MinGroup string   `json:"min_group"` // the group with the smallest value
	Gap      Num      `json:"gap"`       // largest minus smallest
	GapCI    Interval `json:"gap_ci"`    // 95% stratified bootstrap percentile interval
}

// GroupResult is metrics.json's "groups".
type GroupResult struct {
	Groups    []GroupStats     `json:"groups"` // in sorted name order
	Disparity []GroupDisparity `json:"disparity"`
	Bootstrap int              `json:"bootstrap"` // replicates behind gap_ci; 0 when off
}

// groupMeasures are the measures whose disparity is reported, by name.
var groupMeasures = []string{"mean_accuracy", "systemic_failure_rate", "homogenization_pairwise_mean"}

// addGroups adds "groups" to r when x has groups.
func addGroups(x *predmat.Matrix, r *Result, opts Options) {
	if x.Groups == nil {
		return
	}
	g, why := Groups(x, count(opts.Bootstrap, DefaultBootstrap), opts.Seed)
	for k, v := range why {
		r.Reasons[k] = v
	}
	r.Extra = withKey(r.Extra, "groups", g)
}

// groupPart is one group's instances and their correctness.
type groupPart struct {
	name  string
	idx   []int    // instance indices into x
	wrong [][]bool // wrong[k][a]: model a is wrong on the group's instance k
	fs    *failureSets
}

// Groups computes the measures per group of x (x.Groups must be set) and
// their disparities, with b stratified bootstrap replicates (none when
// b ≤ 0) drawn from seed. Reasons are keyed by JSON path under "groups".
func Groups(x *predmat.Matrix, b int, seed int64) (*GroupResult, Reasons) {
	why := Reasons{}
	m, n := x.M(), x.N()
	byName := map[string][]int{}
	for i := range n {
		byName[x.Groups[i]] = append(byName[x.Groups[i]], i)
	}
	names := make([]string, 0, len(byName))
	for k := range byName {
		names = append(names, k)
	}
	slices.Sort(names)
	parts := make([]*groupPart, len(names))
	out := &GroupResult{Groups: make([]GroupStats, len(names)), Bootstrap: max(b, 0)}
	for gi, name := range names {
		p := &groupPart{name: name, idx: byName[name]}
		p.wrong = make([][]bool, len(p.idx))
		for k, i := range p.idx {
			p.wrong[k] = make([]bool, m)
			for a := range m {
				p.wrong[k][a] = !x.Correct(a, i)
			}
		}
		p.fs = p.failureSets(m)
		parts[gi] = p
		out.Groups[gi] = p.stats(m)
		path := fmt.Sprintf("groups.groups[%d].homogenization_pairwise_mean", gi)
		why.num(path, float64(out.Groups[gi].HomogenizationPairwiseMean), fmt.Sprintf(whyKGroups, 2, 2))
	}
	var reps [][]float64 // reps[measure][replicate]
	if b > 0 && len(parts) > 1 {
		reps = make([][]float64, len(groupMeasures))
		for j := range reps {
			reps[j] = make([]float64, b)
		}
		vals := make([][]float64, len(groupMeasures))
		for r := range b {
			for j := range vals {
				vals[j] = vals[j][:0]
			}
			rng := seeds.Stream("metrics/groups/bootstrap", seed, int64(r))
			for _, p := range parts {
				w := make([]int32, len(p.idx))
				for range len(p.idx) {
					w[rng.IntN(len(p.idx))]++
				}
				acc, sfr, h2 := p.weighted(m, w)
				vals[0] = append(vals[0], acc)
				vals[1] = append(vals[1], sfr)
				vals[2] = append(vals[2], h2)
			}
			for j := range vals {
				reps[j][r] = spread(vals[j])
			}
		}
	}
	for j, measure := range groupMeasures {
		v := make([]float64, len(parts))
		for gi, g := range out.Groups {
			v[gi] = g.value(measure)
		}
		d := GroupDisparity{Measure: measure, Gap: Num(spread(v)), GapCI: Interval{math.NaN(), math.NaN()}}
		if hi, lo, ok := extremes(v); ok {
			d.MaxGroup, d.MinGroup = names[hi], names[lo]
		}
		path := fmt.Sprintf("groups.disparity[%d]", j)
		switch {
		case len(parts) < 2:
			why[path+".gap"] = "one group: no disparity"
		default:
			why.num(path+".gap", float64(d.Gap), "undefined in at least one group")
		}
		switch {
		case reps != nil:
			d.GapCI = percentile95(reps[j])
			why.num(path+".gap_ci", d.GapCI[0], "undefined in more than half of the bootstrap replicates")
		case len(parts) < 2:
			why[path+".gap_ci"] = "one group: no disparity"
		default:
			why[path+".gap_ci"] = "bootstrap off"
		}
		out.Disparity = append(out.Disparity, d)
	}
	return out, why
}

// failureSets lists, per instance of the group, the models wrong on it.
func (p *groupPart) failureSets(m int) *failureSets {
	f := &failureSets{off: make([]int, len(p.idx)+1)}
	for k, row := range p.wrong {
		for a := range m {
			if row[a] {
				f.idx = append(f.idx, int32(a))
			}
		}
		f.off[k+1] = len(f.idx)
	}
	return f
}

// stats computes the group's measures on all its instances.
func (p *groupPart) stats(m int) GroupStats {
	n := len(p.idx)
	g := GroupStats{Name: p.name, N: n, Accuracy: make(Vec, m), FailureCountHistogram: make(Vec, m+1)}
	right := make([]int, m)
	for _, row := range p.wrong {
		k := 0
		for a, w := range row {
			if w {
				k++
			} else {
				right[a]++
			}
		}
		g.FailureCountHistogram[k]++
	}
	for k := range g.FailureCountHistogram {
		g.FailureCountHistogram[k] /= float64(n)
	}
	indep, mean := 1.0, 0.0
	for a, r := range right {
		g.Accuracy[a] = float64(r) / float64(n)
		mean += g.Accuracy[a]
		indep *= 1 - g.Accuracy[a]
	}
	g.MeanAccuracy = Num(mean / float64(m))
	g.SystemicFailureRate = Num(g.FailureCountHistogram[m])
	g.IndependentFailureRate = Num(indep)
	h, _ := p.fs.groupH(2, nil, right, n)
	g.HomogenizationPairwiseMean = Num(h)
	g.PoissonBinomial = poissonBinomial(right, n)
	return g
}

// weighted returns the mean accuracy, systemic failure rate and H_2 of
// the group with instance k counted w[k] times.
func (p *groupPart) weighted(m int, w []int32) (acc, sfr, h2 float64) {
	n := 0
	right := make([]int, m)
	all := 0
	for k, row := range p.wrong {
		if w[k] == 0 {
			continue
		}
		n += int(w[k])
		wrong := 0
		for a, bad := range row {
			if bad {
				wrong++
			} else {
				right[a] += int(w[k])
			}
		}
		if wrong == m {
			all += int(w[k])
		}
	}
	for _, r := range right {
		acc += float64(r) / float64(n)
	}
	h2, _ = p.fs.groupH(2, w, right, n)
	return acc / float64(m), float64(all) / float64(n), h2
}

// value returns the measure of g by its JSON name.
func (g GroupStats) value(measure string) float64 {
	switch measure {
	case "mean_accuracy":
		return float64(g.MeanAccuracy)
	case "systemic_failure_rate":
		return float64(g.SystemicFailureRate)
	}
	return float64(g.HomogenizationPairwiseMean)
}

// spread returns max − min of v, NaN when any value is NaN or v has
// fewer than two values.
func spread(v []float64) float64 {
	hi, lo, ok := extremes(v)
	if !ok || len(v) < 2 {
		return math.NaN()
	}
	return v[hi] - v[lo]
}

// extremes returns the indices of the largest and smallest values (the
// first on ties), and false when some value is NaN or v is empty.
func extremes(v []float64) (hi, lo int, ok bool) {
	if len(v) == 0 {
		return 0, 0, false
	}
	for i, x := range v {
		if math.IsNaN(x) {
			return 0, 0, false
		}
		if x > v[hi] {
			hi = i
		}
		if x < v[lo] {
			lo = i
		}
	}
	return hi, lo, true
}
