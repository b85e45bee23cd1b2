package metrics

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/study-harness/study/study/predmat"
	"gonum.org/v1/gonum/stat/distuv"
)

// SeedAxes are the axes that name a random seed. A recipe is a
// configuration with these removed: the runs of one recipe differ only
// in their randomness.
var SeedAxes = []string{"seed", "init_seed", "order_seed", "aug_seed", "data_seed"}

// RecipeDisagreement is one point of the generalisation–disagreement
// relation (Jiang et al. 2022): for the runs of one recipe, the mean test
// error against the mean disagreement between pairs of its runs, which
// for well-calibrated ensembles are about equal.
type RecipeDisagreement struct {
	// Recipe is the recipe's axis values as "k=v, k=v", axes sorted.
	Recipe  string            `json:"recipe"`
	Config  map[string]string `json:"config"`
	Models  []string          `json:"models"`
	NModels int               `json:"n_models"`
	// TestError is the mean of the runs' test errors; TestErrorCI its 95%
	// paired-bootstrap interval over test instances and TestErrorSeedCI
	// its 95% Student-t interval across the runs (seeds).
	// The bootstrap intervals are absent when the bootstrap is off.
	TestError       Num       `json:"test_error"`
	TestErrorCI     *Interval `json:"test_error_ci,omitempty"`
	TestErrorSeedCI Interval  `json:"test_error_seed_ci"`
	// Accuracy is 1 − TestError, with the same seed interval.
	Accuracy       Num      `json:"accuracy"`
	AccuracySeedCI Interval `json:"accuracy_seed_ci"`
	// Disagreement is the mean of 1 − agreement over the pairs of runs;
	// DisagreementCI its 95% paired-bootstrap interval.
	Disagreement   Num       `json:"disagreement"`
	DisagreementCI *Interval `json:"disagreement_ci,omitempty"`
	// DisagreementSeedRange is the smallest and the largest disagreement
	// among the seed pairs: their spread across seeds (pairs share runs,
	// so no t interval).
	DisagreementSeedRange Interval `json:"disagreement_seed_range"`
	NPairs                int      `json:"n_pairs"`
	// CACE is the class-aggregated calibration error of the hard-vote
	// ensemble of the recipe's NModels runs (see CACE): the relation
	// holds to within it, |TestError − (n−1)/n·Disagreement| ≤ CACE. With
	// fewer than MinCACESeeds runs it is a coarse check.
	CACE Num `json:"cace"`
}

func isSeedAxis(k string) bool { return slices.Contains(SeedAxes, k) }

// GeneralizationDisagreement groups the models of x by recipe (x.Configs
// without SeedAxes) and returns, for every recipe with at least two
// models in order of first appearance, its test error, seed-pair
// disagreement and CACE. errs are the models' test errors; s, when not
// nil, gives the bootstrap intervals (NaN without it, and why says so).
func GeneralizationDisagreement(x *predmat.Matrix, errs []float64, pm *PairMatrices, s *sampler) ([]RecipeDisagreement, Reasons) {
	return generalizationDisagreement(x, errs, pm, s, nil)
}

// generalizationDisagreement is GeneralizationDisagreement with the
// replication rep (nil: SeedAxes, no copies). A run that is a copy of an
// earlier run of its recipe (rep.copies: a deterministic fitter under
// another seed) is not a seed replicate and is left out of the recipe.
func generalizationDisagreement(x *predmat.Matrix, errs []float64, pm *PairMatrices, s *sampler, rep *replication) ([]RecipeDisagreement, Reasons) {
	configs, models := x.Configs, x.Models
	isSeedAxis := rep.isAxis
	why := Reasons{}
	var keys []string
	for _, c := range configs {
		for k := range c {
			if !isSeedAxis(k) && !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	slices.Sort(keys)
	groups := map[string][]int{}
	var order []string
	for a, c := range configs {
		k := configKey(c, keys, isSeedAxis)
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], a)
	}
	var out []RecipeDisagreement
	var pairGroups [][][2]int
	var members [][]int
	copied := 0 // recipes left with one run once copies are removed
	for _, k := range order {
		g := groups[k]
		var kept []int // g without copies of an earlier run
		for _, a := range g {
			if !slices.ContainsFunc(kept, func(b int) bool { return rep.copies(a, b) }) {
				kept = append(kept, a)
			}
		}
		if len(g) >= 2 && len(kept) < 2 {
			copied++
		}
		g = kept
		if len(g) < 2 {
			continue
		}
		rd := RecipeDisagreement{Config: map[string]string{}, NModels: len(g)}
		var parts []string
		for _, key := range keys {
			v := configs[g[0]][key]
			rd.Config[key] = v
			parts = append(parts, key+"="+v)
		}
		rd.Recipe = strings.Join(parts, ", ")
		e := make([]float64, len(g))
		for j, a := range g {
			rd.Models = append(rd.Models, models[a])
			e[j] = errs[a]
		}
		mean, lo, hi := tInterval(e)
		rd.TestError, rd.TestErrorSeedCI = Num(mean), Interval{lo, hi}
		rd.Accuracy, rd.AccuracySeedCI = Num(1-mean), Interval{1 - hi, 1 - lo}
		var pairs [][2]int
		var d []float64
		for j, a := range g {
			for _, b := range g[j+1:] {
				pairs = append(pairs, [2]int{min(a, b), max(a, b)})
				d = append(d, 1-pm.Agreement[a][b])
			}
		}
		md, _ := nanMean(d)
		rd.Disagreement, rd.NPairs = Num(md), len(pairs)
		rd.DisagreementSeedRange = Interval{slices.Min(d), slices.Max(d)}
		rd.CACE = Num(CACE(x, g))
		out = append(out, rd)
		pairGroups = append(pairGroups, pairs)
		members = append(members, g)
	}
	if len(out) == 0 {
		why["generalization_disagreement"] = "no recipe has two or more runs that differ only in seeds"
		if copied > 0 {
			why["generalization_disagreement"] = fmt.Sprintf("no recipe has two or more distinct runs that differ only in seeds: the runs of %d recipe(s) are identical across seeds (a deterministic fitter), and copies are not seed replicates", copied)
		}
		return nil, why
	}
	for g, rd := range out {
		path := fmt.Sprintf("generalization_disagreement[%d]", g)
		why.interval(path+".test_error_seed_ci", rd.TestErrorSeedCI, "undefined with fewer than two runs")
		why.interval(path+".accuracy_seed_ci", rd.AccuracySeedCI, "undefined with fewer than two runs")
	}
	if s == nil {
		return out, why
	}
	b, n := len(s.bs.w), float64(s.x.N())
	col := make([]float64, b)
	for g, mem := range members {
		for r := range b {
			t := 0.0
			for _, a := range mem {
				t += 1 - float64(s.right[r][a])/n
			}
			col[r] = t / float64(len(mem))
		}
		iv := percentile95(col)
		out[g].TestErrorCI = &iv
	}
	iv, _, ok, _ := s.groupIntervals(pairGroups, false)
	for g := range out {
		path := fmt.Sprintf("generalization_disagreement[%d].disagreement_ci", g)
		d := Interval{math.NaN(), math.NaN()}
		if ok {
			a := iv[g][0] // agreement
			d = Interval{1 - a[1], 1 - a[0]}
			why.interval(path, d, whyCI)
		} else {
			why[path] = "not computed: the seed pairs exceed the bootstrap budget"
		}
		out[g].DisagreementCI = &d
	}
	return out, why
}

// tInterval returns the mean of v and its 95% Student-t interval,
// mean ± t_{0.975, n−1}·sd/√n (the bounds are NaN for fewer than two
// values).
func tInterval(v []float64) (mean, lo, hi float64) {
	n := float64(len(v))
	for _, x := range v {
		mean += x
	}
	mean /= n
	if len(v) < 2 {
		return mean, math.NaN(), math.NaN()
	}
	ss := 0.0
	for _, x := range v {
		ss += (x - mean) * (x - mean)
	}
	se := math.Sqrt(ss/(n-1)) / math.Sqrt(n)
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: n - 1}.Quantile(0.975)
	return mean, mean - t*se, mean + t*se
}
