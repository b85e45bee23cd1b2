package metrics

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/study-harness/study/study/seeds"
	"gonum.org/v1/gonum/stat/distuv"
)

// AxisCell is one axis' pairs within one cell of the other axes: the
// pairs that differ in the axis alone and share the values Config of
// every other axis that is not a replicate (seed) axis. The cells of an
// axis show how its effect depends on the other axes (interactions).
type AxisCell struct {
	// Cell is Config as "k=v, k=v", axes sorted; "" when the study has
	// no other axis.
	Cell   string            `json:"cell"`
	Config map[string]string `json:"config"`
	NPairs int               `json:"n_pairs"`
	// Disagreement, AccuracyGap and ExcessOverSeed are as in
	// AxisAttribution, over the cell's pairs.
	Disagreement     Num       `json:"disagreement"`
	DisagreementCI   *Interval `json:"disagreement_ci,omitempty"`
	AccuracyGap      Num       `json:"accuracy_gap"`
	ExcessOverSeed   Num       `json:"excess_over_seed"`
	ExcessOverSeedCI *Interval `json:"excess_over_seed_ci,omitempty"`
}

// AxisDifference is the difference of the mean disagreements of two
// axes, A's minus B's, with its interval from the same bootstrap
// replicates as the axes' own intervals (paired). Separated is true when
// the interval lies above 0.
type AxisDifference struct {
	A          string    `json:"a"`
	B          string    `json:"b"`
	Difference Num       `json:"difference"`
	CI         *Interval `json:"ci,omitempty"`
	Separated  bool      `json:"separated"`
}

// AttributionSummary describes how the attribution's intervals were made
// and which ranking they support (metrics.json "attribution_summary").
type AttributionSummary struct {
	// Intervals is "instances and replicate runs" (the two-way
	// bootstrap), "instances only" (no replicate axis, or one replicate
	// unit) or "none" (bootstrap off); Method says how, IntervalsWhy why
	// the run resample is missing when it is.
	Intervals    string `json:"intervals"`
	Method       string `json:"method"`
	IntervalsWhy string `json:"intervals_why,omitempty"`
	// ReplicateAxes are the replicate axes (Matrix.Replicates, by
	// default SeedAxes) that take two or more values; ReplicateUnits the
	// distinct combinations of their values, the clusters that the run
	// resample draws.
	ReplicateAxes  []string `json:"replicate_axes"`
	ReplicateUnits int      `json:"replicate_units"`
	Bootstrap      int      `json:"bootstrap"`
	// Tiers groups the axes, largest mean disagreement first: every axis
	// of a tier is separated (AxisDifference.Separated) from every axis
	// of every later tier; within a tier the axes are tied. Ranking
	// writes the tiers as "a > b > {c, d tied}".
	Tiers       [][]string       `json:"tiers"`
	Ranking     string           `json:"ranking"`
	Differences []AxisDifference `json:"differences"`
	// PrattR2 is the R² of the additive regression behind
	// AxisAttribution.PrattImportance: the importances sum to it.
	PrattR2 Num `json:"pratt_r2"`
}

// twoWay is the design of the attribution's estimators: the distinct
// pairs they read, the replicate unit and recipe of each pair's models,
// the pairs of each axis and of each of its cells, and the seed pairs of
// each recipe (the noise floor).
type twoWay struct {
	union  [][2]int
	unit   [][2]int // replicate units of the two models of union[q]
	recipe [][2]int // recipes of the two models of union[q]
	groups [][]int  // groups[g]: union indexes of axis g's pairs
	isSeed []bool   // axis g is a replicate axis
	floor  [][]int  // floor[R]: union indexes of recipe R's seed pairs
	cells  [][]cellDesign
	nUnits int
	// seedAxes are the replicate axes; hasFloor is false without one.
	seedAxes []string
	hasFloor bool
}

type cellDesign struct {
	label  string
	config map[string]string
	pairs  []int // union indexes
}

// Per axis the estimator gives axisStats values, then cellStats per cell.
const (
	statDis = iota
	statGap
	statExcess
	statEC
	statOverSeed
	axisStats
)

const (
	cellDis = iota
	cellGap
	cellOverSeed
	cellStats
)

// newTwoWay builds the design for the axes (as named in axes, with their
// pairs in groups) of configs; rep names the replicate axes, and its
// copies are left out of the seed pairs.
func newTwoWay(configs []map[string]string, allAxes, axes []string, groups [][][2]int, rep *replication) *twoWay {
	t := &twoWay{}
	var other []string // axes that are not replicate axes
	for _, k := range allAxes {
		if rep.isAxis(k) {
			t.seedAxes = append(t.seedAxes, k)
		} else {
			other = append(other, k)
		}
	}
	none := func(string) bool { return false }
	unitOf := make([]int, len(configs))
	recipeOf := make([]int, len(configs))
	units, recipes := map[string]int{}, map[string]int{}
	for a, c := range configs {
		uk, rk := configKey(c, t.seedAxes, none), configKey(c, other, none)
		if _, ok := units[uk]; !ok {
			units[uk] = len(units)
		}
		if _, ok := recipes[rk]; !ok {
			recipes[rk] = len(recipes)
		}
		unitOf[a], recipeOf[a] = units[uk], recipes[rk]
	}
	t.nUnits = len(units)
	index := map[[2]int]int{}
	add := func(pr [2]int) int {
		if q, ok := index[pr]; ok {
			return q
		}
		index[pr] = len(t.union)
		t.union = append(t.union, pr)
		t.unit = append(t.unit, [2]int{unitOf[pr[0]], unitOf[pr[1]]})
		t.recipe = append(t.recipe, [2]int{recipeOf[pr[0]], recipeOf[pr[1]]})
		return index[pr]
	}
	for g, pairs := range groups {
		t.isSeed = append(t.isSeed, rep.isAxis(axes[g]))
		var cellAxes []string
		for _, k := range other {
			if k != axes[g] {
				cellAxes = append(cellAxes, k)
			}
		}
		var qs []int
		var cells []cellDesign
		cellIdx := map[string]int{}
		for _, pr := range pairs {
			q := add(pr)
			qs = append(qs, q)
			key := configKey(configs[pr[0]], cellAxes, none)
			k, ok := cellIdx[key]
			if !ok {
				k = len(cells)
				cellIdx[key] = k
				cd := cellDesign{config: map[string]string{}}
				var parts []string
				for _, ax := range cellAxes {
					cd.config[ax] = configs[pr[0]][ax]
					parts = append(parts, ax+"="+configs[pr[0]][ax])
				}
				cd.label = strings.Join(parts, ", ")
				cells = append(cells, cd)
			}
			cells[k].pairs = append(cells[k].pairs, q)
		}
		t.groups = append(t.groups, qs)
		t.cells = append(t.cells, cells)
	}
	// Seed pairs: same recipe, different replicate unit.
	t.floor = make([][]int, len(recipes))
	t.hasFloor = len(t.seedAxes) > 0
	if t.hasFloor {
		for a := range configs {
			for b := a + 1; b < len(configs); b++ {
				if recipeOf[a] == recipeOf[b] && unitOf[a] != unitOf[b] && !rep.copies(a, b) {
					t.floor[recipeOf[a]] = append(t.floor[recipeOf[a]], add([2]int{a, b}))
				}
			}
		}
	}
	return t
}

// nStats is the length of the estimator's output.
func (t *twoWay) nStats() int {
	n := axisStats * len(t.groups)
	for _, c := range t.cells {
		n += cellStats * len(c)
	}
	return n
}

// estimate computes every statistic of the design from the per-pair
// disagreement dis, accuracy gap gap and error consistency ec (indexed
// like union) with the replicate units drawn c[u] times each (all 1 for
// the point estimates). A pair of models of one unit u weighs c[u]; a
// pair of units u ≠ v weighs c[u]·c[v], the number of pairs of distinct
// draws that it stands for (a unit drawn twice is never paired with
// itself: that pair would be one run against itself). Every mean is
// weighted and over the finite values; it is NaN when their weight is 0.
func (t *twoWay) estimate(dis, gap, ec []float64, c []int, out []float64) {
	w := func(q int) float64 {
		u := t.unit[q]
		if u[0] == u[1] {
			return float64(c[u[0]])
		}
		return float64(c[u[0]] * c[u[1]])
	}
	mean := func(qs []int, v func(q int) float64) float64 {
		var s, sw float64
		for _, q := range qs {
			x := v(q)
			if wq := w(q); wq > 0 && !math.IsNaN(x) && !math.IsInf(x, 0) {
				s += wq * x
				sw += wq
			}
		}
		if sw == 0 {
			return math.NaN()
		}
		return s / sw
	}
	fl := make([]float64, len(t.floor))
	for r, qs := range t.floor {
		fl[r] = mean(qs, func(q int) float64 { return dis[q] })
	}
	// overSeed is the pair's disagreement minus the mean seed-pair
	// disagreement of its two recipes.
	overSeed := func(q int) float64 {
		f, _ := nanMean([]float64{fl[t.recipe[q][0]], fl[t.recipe[q][1]]})
		return dis[q] - f
	}
	k := 0
	for g, qs := range t.groups {
		out[k+statDis] = mean(qs, func(q int) float64 { return dis[q] })
		out[k+statGap] = mean(qs, func(q int) float64 { return gap[q] })
		out[k+statExcess] = mean(qs, func(q int) float64 { return dis[q] - gap[q] })
		out[k+statEC] = mean(qs, func(q int) float64 { return ec[q] })
		out[k+statOverSeed] = math.NaN()
		if t.hasFloor && !t.isSeed[g] {
			out[k+statOverSeed] = mean(qs, overSeed)
		}
		k += axisStats
	}
	for g, cells := range t.cells {
		for _, cd := range cells {
			out[k+cellDis] = mean(cd.pairs, func(q int) float64 { return dis[q] })
			out[k+cellGap] = mean(cd.pairs, func(q int) float64 { return gap[q] })
			out[k+cellOverSeed] = math.NaN()
			if t.hasFloor && !t.isSeed[g] {
				out[k+cellOverSeed] = mean(cd.pairs, overSeed)
			}
			k += cellStats
		}
	}
}

// point returns the point estimates from the pairwise matrices and the
// models' accuracies.
func (t *twoWay) point(pm *PairMatrices, acc []float64) []float64 {
	dis, gap, ec := make([]float64, len(t.union)), make([]float64, len(t.union)), make([]float64, len(t.union))
	for q, pr := range t.union {
		dis[q] = 1 - pm.Agreement[pr[0]][pr[1]]
		gap[q] = math.Abs(acc[pr[0]] - acc[pr[1]])
		ec[q] = pm.ErrorConsistency[pr[0]][pr[1]]
	}
	c := make([]int, t.nUnits)
	for u := range c {
		c[u] = 1
	}
	out := make([]float64, t.nStats())
	t.estimate(dis, gap, ec, c, out)
	return out
}

// replicates returns boot[k][r], statistic k in bootstrap replicate r,
// which resamples the instances as s.bs does and draws replicate unit u
// units[r][u] times. It returns nil when the pairs exceed the bootstrap
// budget.
func (t *twoWay) replicates(s *sampler, units [][]int) [][]float64 {
	b, n := len(s.bs.w), s.x.N()
	if pairCost(len(t.union), usedModels([][][2]int{t.union}, s.x.M()), b, n) > pairWorkBudget {
		return nil
	}
	pb := bootPairs(s.x, s.p, s.bs, t.union, s.right, s.workers)
	ns := t.nStats()
	boot := make([][]float64, ns)
	for k := range boot {
		boot[k] = make([]float64, b)
	}
	forRange(b, s.workers, func(r int) {
		nq := len(t.union)
		dis, gap, ec := make([]float64, nq), make([]float64, nq), make([]float64, nq)
		m := make([]float64, len(pairMeasureNames))
		for q, pr := range t.union {
			pb.measures(q, r, n, s.p.c, m)
			dis[q] = 1 - m[0]
			ec[q] = m[2]
			gap[q] = math.Abs(float64(s.right[r][pr[0]]-s.right[r][pr[1]])) / float64(n)
		}
		out := make([]float64, ns)
		t.estimate(dis, gap, ec, units[r], out)
		for k, v := range out {
			boot[k][r] = v
		}
	})
	return boot
}

// drawUnits draws, for each of b replicates, g replicate units with
// replacement from the stream "metrics/attribution/runs" keyed by seed
// and the replicate's index, and returns how often each unit was drawn.
func drawUnits(seed int64, b, g int) [][]int {
	units := make([][]int, b)
	for r := range b {
		rng := seeds.Stream("metrics/attribution/runs", seed, int64(r))
		c := make([]int, g)
		for range g {
			c[rng.IntN(g)]++
		}
		units[r] = c
	}
	return units
}

// clusterInterval returns est ± t_{0.975, G−1}·√(G/(G−1))·sd, where sd
// is the standard deviation of the finite replicates v: the two-way
// bootstrap's standard error with the small-sample correction of
// cluster-robust inference for G clusters (the replicate units) and
// Student-t critical values with G − 1 degrees of freedom (Cameron &
// Miller 2015). With few seeds a percentile interval of a cluster
// bootstrap is far too narrow: with G = 3 its variance is 2/3 of the
// sample's and its quantiles are normal ones. The interval is NaN when
// est is, or when fewer than half of the replicates are finite.
func clusterInterval(est float64, v []float64, g int) Interval {
	var fin []float64
	for _, x := range v {
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			fin = append(fin, x)
		}
	}
	if math.IsNaN(est) || len(fin) < 2 || 2*len(fin) < len(v) || g < 2 {
		return Interval{math.NaN(), math.NaN()}
	}
	mu, _ := nanMean(fin)
	ss := 0.0
	for _, x := range fin {
		ss += (x - mu) * (x - mu)
	}
	sd := math.Sqrt(ss / float64(len(fin)-1))
	gf := float64(g)
	h := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: gf - 1}.Quantile(0.975) * math.Sqrt(gf/(gf-1)) * sd
	return Interval{est - h, est + h}
}

// tiers groups the axes, given in decreasing order of their point
// estimates, so that every axis is separated from every axis of every
// later tier: axis j opens a new tier when it is separated from every
// axis before it; otherwise it joins the tier of the first axis that it
// is not separated from, and every tier in between merges into that one.
func tiers(n int, separated func(i, j int) bool) []int {
	tier := make([]int, n)
	cur := 0
	for j := 1; j < n; j++ {
		first := -1
		for i := range j {
			if !separated(i, j) {
				first = i
				break
			}
		}
		if first < 0 {
			cur++
			tier[j] = cur
			continue
		}
		cur = tier[first]
		for i := range j {
			tier[i] = min(tier[i], cur)
		}
		tier[j] = cur
	}
	return tier
}

// rankingText writes tiers of axis names as "a > b > {c, d tied}".
func rankingText(ts [][]string) string {
	parts := make([]string, len(ts))
	for k, t := range ts {
		parts[k] = t[0]
		if len(t) > 1 {
			parts[k] = "{" + strings.Join(t, ", ") + " tied}"
		}
	}
	return strings.Join(parts, " > ")
}

// addTwoWay fills the accuracy-adjusted, seed-adjusted and per-cell
// members of out (sorted by mean disagreement, largest first; groups
// are its pairs in the same order), their intervals, the ranks and the
// summary. units, when not nil, replaces the draw of replicate units
// (for tests).
//
// The intervals come from a two-way bootstrap. A replicate unit is one
// combination of the values of the replicate axes (SeedAxes that take
// two or more values): with axis seed: [1, 2, 3], the three seeds. Each
// bootstrap replicate r resamples the test instances (s.bs, the same
// draw for every model) and, independently, G units with replacement
// from G (the same draw for every recipe, since the pairs of a
// non-replicate axis are matched on their seeds), and recomputes every
// statistic with estimate: the instances weighted by their counts, a
// pair of one unit by its unit's count and a pair of two units by the
// product of their counts. This is a pigeonhole bootstrap of the crossed
// instance × run design (Owen 2007), which is conservative. The
// interval is estimate ± t(0.975, G−1)·√(G/(G−1))·sd of the replicates
// (clusterInterval). Differences between axes use the same replicates,
// so they are paired. Without a replicate axis, or with one unit only,
// the run draw is trivial, the intervals are 95% percentile intervals
// over instances only, and the summary says so.
func addTwoWay(configs []map[string]string, allAxes []string, out []AxisAttribution, groups [][][2]int, pm *PairMatrices, acc []float64, s *sampler, units [][]int, rep *replication, why Reasons) *AttributionSummary {
	axes := make([]string, len(out))
	for g, at := range out {
		axes[g] = at.Axis
	}
	t := newTwoWay(configs, allAxes, axes, groups, rep)
	f := &twoWayFit{t: t, est: t.point(pm, acc), twoWay: len(t.seedAxes) > 0 && t.nUnits >= 2}
	sum := f.bootstrap(s, units, rep)
	k := f.fillAxes(out, sum, why)
	f.fillCells(out, k, why)
	f.rank(out, sum, why)
	return sum
}

// twoWayFit is the estimates of a twoWay design and their bootstrap
// replicates.
type twoWayFit struct {
	t    *twoWay
	est  []float64   // the point estimates, by statistic index
	boot [][]float64 // boot[k][r]: statistic k in replicate r; nil without intervals
	// twoWay: the replicate units are resampled too (two or more units)
	twoWay bool
}

// twoWayIvWhy is the reason of an undefined interval of the attribution.
const twoWayIvWhy = "undefined: the estimate or more than half of its bootstrap replicates are undefined"

// bootstrap draws the replicates of f (none when s is nil) and returns
// the summary that says how the intervals were made.
func (f *twoWayFit) bootstrap(s *sampler, units [][]int, rep *replication) *AttributionSummary {
	t := f.t
	sum := &AttributionSummary{ReplicateAxes: t.seedAxes, ReplicateUnits: t.nUnits, Intervals: "none",
		Method: "no intervals: the bootstrap is off"}
	if sum.ReplicateAxes == nil {
		sum.ReplicateAxes = []string{}
	}
	if s != nil {
		sum.Bootstrap = len(s.bs.w)
		if units == nil {
			g := t.nUnits
			if !f.twoWay {
				g = 1
			}
			units = drawUnits(s.seed, len(s.bs.w), g)
		}
		f.boot = t.replicates(s, units)
		switch {
		case f.boot == nil:
			sum.Method = "no intervals: the pairs exceed the bootstrap budget"
		case f.twoWay:
			sum.Intervals = "instances and replicate runs"
			sum.Method = fmt.Sprintf("two-way bootstrap: each of %d replicates resamples the test instances (the same draw for every model) and, independently, the %d replicate units (combinations of %s) with replacement, shared by all recipes so that matched pairs stay matched; a pair of runs of one unit counts as often as its unit is drawn, a pair of two units as the product of their counts. Interval = estimate ± t(0.975, %d)·√(%d/%d)·bootstrap standard deviation.",
				len(s.bs.w), t.nUnits, strings.Join(t.seedAxes, ", "), t.nUnits-1, t.nUnits, t.nUnits-1)
		default:
			sum.Intervals = "instances only"
			sum.Method = fmt.Sprintf("bootstrap over test instances only (%d replicates, 95%% percentile intervals): run-to-run variability is not in the intervals", len(s.bs.w))
		}
	}
	if !f.twoWay {
		sum.IntervalsWhy = "no replicate axis (" + strings.Join(rep.names(), ", ") + ") takes two or more values"
		if len(t.seedAxes) > 0 {
			sum.IntervalsWhy = "one replicate unit only"
		}
	}
	return sum
}

// interval is the interval of statistic k, nil without replicates.
func (f *twoWayFit) interval(k int) *Interval {
	if f.boot == nil {
		return nil
	}
	var v Interval
	if f.twoWay {
		v = clusterInterval(f.est[k], f.boot[k], f.t.nUnits)
	} else {
		v = percentile95(slices.Clone(f.boot[k]))
	}
	return &v
}

// fillAxes sets the per-axis estimates and intervals of out, with their
// reasons, and returns the index of the first per-cell statistic.
func (f *twoWayFit) fillAxes(out []AxisAttribution, sum *AttributionSummary, why Reasons) int {
	t, est, iv := f.t, f.est, f.interval
	k := 0
	for g := range out {
		at := &out[g]
		path := fmt.Sprintf("attribution[%d]", g)
		at.MeanDisagreementCI = iv(k + statDis)
		at.AccuracyGap, at.AccuracyGapCI = Num(est[k+statGap]), iv(k+statGap)
		at.ExcessDisagreement, at.ExcessDisagreementCI = Num(est[k+statExcess]), iv(k+statExcess)
		at.ErrorConsistency, at.ErrorConsistencyCI = Num(est[k+statEC]), iv(k+statEC)
		at.ExcessOverSeed, at.ExcessOverSeedCI = Num(est[k+statOverSeed]), iv(k+statOverSeed)
		floorWhy := "undefined: " + sum.IntervalsWhy + ", so there are no seed pairs to compare with"
		switch {
		case t.isSeed[g]:
			floorWhy = "undefined: a replicate axis is itself the noise floor"
		case t.hasFloor:
			floorWhy = "undefined: no recipe of these pairs has two runs that differ only in replicate axes"
		}
		why.num(path+".excess_over_seed", est[k+statOverSeed], floorWhy)
		why.num(path+".error_consistency", est[k+statEC], "undefined for every pair that differs in this axis only")
		for name, p := range map[string]*Interval{"mean_disagreement_ci": at.MeanDisagreementCI, "accuracy_gap_ci": at.AccuracyGapCI,
			"excess_disagreement_ci": at.ExcessDisagreementCI, "error_consistency_ci": at.ErrorConsistencyCI, "excess_over_seed_ci": at.ExcessOverSeedCI} {
			if p != nil {
				why.interval(path+"."+name, *p, twoWayIvWhy)
			}
		}
		k += axisStats
	}
	return k
}

// fillCells appends the per-cell estimates of each axis to out, their
// statistics starting at index k.
func (f *twoWayFit) fillCells(out []AxisAttribution, k int, why Reasons) {
	t, est, iv := f.t, f.est, f.interval
	for g := range out {
		for c, cd := range t.cells[g] {
			path := fmt.Sprintf("attribution[%d].cells[%d]", g, c)
			cell := AxisCell{Cell: cd.label, Config: cd.config, NPairs: len(cd.pairs),
				Disagreement: Num(est[k+cellDis]), DisagreementCI: iv(k + cellDis),
				AccuracyGap: Num(est[k+cellGap]), ExcessOverSeed: Num(est[k+cellOverSeed]), ExcessOverSeedCI: iv(k + cellOverSeed)}
			cellWhy := "undefined: no recipe of this cell has two runs that differ only in replicate axes"
			if t.isSeed[g] || !t.hasFloor {
				cellWhy = why[fmt.Sprintf("attribution[%d].excess_over_seed", g)]
			}
			why.num(path+".excess_over_seed", est[k+cellOverSeed], cellWhy)
			why.num(path+".disagreement", est[k+cellDis], "agreement is undefined for every pair of the cell")
			if cell.DisagreementCI != nil {
				why.interval(path+".disagreement_ci", *cell.DisagreementCI, twoWayIvWhy)
			}
			if cell.ExcessOverSeedCI != nil {
				why.interval(path+".excess_over_seed_ci", *cell.ExcessOverSeedCI, twoWayIvWhy)
			}
			out[g].Cells = append(out[g].Cells, cell)
			k += cellStats
		}
	}
}

// rank sets the paired differences between axes, the tiers they
// support, the ranks of out and the ranking text.
func (f *twoWayFit) rank(out []AxisAttribution, sum *AttributionSummary, why Reasons) {
	est, boot := f.est, f.boot
	n := len(out)
	sep := make([][]bool, n)
	for i := range sep {
		sep[i] = make([]bool, n)
	}
	sum.Differences = []AxisDifference{}
	for i := range n {
		for j := i + 1; j < n; j++ {
			di, dj := est[i*axisStats+statDis], est[j*axisStats+statDis]
			d := AxisDifference{A: out[i].Axis, B: out[j].Axis, Difference: Num(di - dj)}
			if boot != nil {
				v := make([]float64, len(boot[0]))
				for r := range v {
					v[r] = boot[i*axisStats+statDis][r] - boot[j*axisStats+statDis][r]
				}
				var ci Interval
				if f.twoWay {
					ci = clusterInterval(di-dj, v, f.t.nUnits)
				} else {
					ci = percentile95(v)
				}
				d.CI = &ci
				d.Separated = ci[0] > 0
				why.interval(fmt.Sprintf("attribution_summary.differences[%d].ci", len(sum.Differences)), ci, twoWayIvWhy)
			}
			sep[i][j] = d.Separated
			sum.Differences = append(sum.Differences, d)
		}
	}
	tier := tiers(n, func(i, j int) bool { return sep[i][j] })
	sum.Tiers = [][]string{}
	for g := range out {
		if g == 0 || tier[g] != tier[g-1] {
			sum.Tiers = append(sum.Tiers, nil)
			out[g].Rank = g + 1
		} else {
			out[g].Rank = out[g-1].Rank
		}
		out[g].Tied = (g > 0 && tier[g] == tier[g-1]) || (g+1 < n && tier[g+1] == tier[g])
		sum.Tiers[len(sum.Tiers)-1] = append(sum.Tiers[len(sum.Tiers)-1], out[g].Axis)
	}
	sum.Ranking = rankingText(sum.Tiers)
	if boot == nil && n > 1 {
		sum.Ranking += " (no intervals: nothing is separated)"
	}
}
