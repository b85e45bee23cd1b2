package metrics

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/study-harness/study/study/predmat"
	"github.com/study-harness/study/study/seeds"
)

// The component-sharing analysis (the monoculture hypothesis: models that
// share a pretrained backbone or training data fail together more often).
// See Sharing for the method.

// Condition labels of the data axis.
const (
	dataDisjoint = "disjoint halves"
	dataOverlap  = "50% overlap"
)

// Values of the sharing axes as the spec writes them: study/spec's
// InitScratch, InitShared, InitPerRun and Subset* constants, which a test
// checks these equal. Importing spec would link its dependencies, the
// embedded datasets among them, into every user of this package.
const (
	initScratch    = "scratch"
	initShared     = "shared"
	initPerRun     = "per-run"
	subsetHalfA    = "half-a"
	subsetHalfB    = "half-b"
	subsetOverlapA = "overlap-a"
	subsetOverlapB = "overlap-b"
)

// SharingStats is the component-sharing analysis of a matrix (metrics.json
// member "sharing"): per sharing axis, the measures of each condition and
// the difference of each condition from the axis' reference.
type SharingStats struct {
	Bootstrap    int           `json:"bootstrap"`    // bootstrap replicates, 0 when off
	Permutations int           `json:"permutations"` // permutations of each test, 0 when off
	Axes         []SharingAxis `json:"axes"`
}

// SharingAxis is the analysis of one sharing axis (init or data_subset).
type SharingAxis struct {
	Key string `json:"key"`
	// Reference is the condition the others are compared with: scratch;
	// for data, disjoint halves; else the first condition.
	Reference   string              `json:"reference"`
	Conditions  []SharingCondition  `json:"conditions"`
	Differences []SharingDifference `json:"differences"` // one per condition but the reference
	// Sentence states the verdict of every difference in words.
	Sentence string `json:"sentence"`
}

// SharingCondition is the measures of the models of one condition, with
// 95% paired-bootstrap intervals.
type SharingCondition struct {
	Condition string `json:"condition"`
	// Kind is, for init, "scratch", "shared" or "per-run" (study/spec's
	// InitScratch, InitShared, InitPerRun); for data, "disjoint",
	// "overlap" or "identical".
	Kind             string   `json:"kind"`
	Models           []string `json:"models"`
	MeanAccuracy     Num      `json:"mean_accuracy"`
	SFR              Num      `json:"systemic_failure_rate"`
	SFRCI            Interval `json:"systemic_failure_rate_ci"`
	PairwiseH        Num      `json:"pairwise_homogenization"`
	PairwiseHCI      Interval `json:"pairwise_homogenization_ci"`
	ErrorConsistency Num      `json:"mean_error_consistency"`
	ECCI             Interval `json:"mean_error_consistency_ci"`
	// PairwiseHP and ECP are permutation p-values against independent
	// failures at the models' own accuracies.
	PairwiseHP Num `json:"pairwise_homogenization_p"`
	ECP        Num `json:"mean_error_consistency_p"`
}

// SharingDifference is a condition minus the reference, with its
// interval.
type SharingDifference struct {
	Condition   string   `json:"condition"`
	PairwiseH   Num      `json:"pairwise_homogenization_difference"`
	PairwiseHCI Interval `json:"pairwise_homogenization_difference_ci"`
	EC          Num      `json:"error_consistency_difference"`
	ECCI        Interval `json:"error_consistency_difference_ci"`
	Verdict     string   `json:"verdict"` // raised, lowered, no detectable change, or not tested
}

// sharingKeys are the axes the analysis looks at.
var sharingKeys = []string{"init", "data_subset"}

// conditionOf maps a model's value of a sharing axis to its condition
// label and kind.
func conditionOf(key, value string) (label, kind string) {
	if key == "init" {
		kind = initShared
		switch {
		case value == initScratch || value == "":
			kind = initScratch
		case strings.Contains(value, "{"):
			kind = initPerRun
		}
		return value, kind
	}
	switch value {
	case subsetHalfA, subsetHalfB:
		return dataDisjoint, "disjoint"
	case subsetOverlapA, subsetOverlapB:
		return dataOverlap, "overlap"
	}
	return value, "identical"
}

// Sharing runs the component-sharing analysis on x, or returns nil when x
// has no Configs, fewer than two models, or no sharing axis with two or
// more conditions. opts gives the bootstrap replicates, the permutations
// and the seed, as for Compute: 0 is the default (DefaultBootstrap,
// DefaultPermutations), < 0 turns the intervals (and so the verdicts) or
// the p-values off.
//
// The sharing axes are the spec's axes named init and data_subset. For
// each, the models of the matrix (pretrain runs are already left out) are
// grouped into conditions:
//
//   - init: by value; each condition is labelled with its kind, scratch,
//     shared (a selector without placeholders: one backbone for all) or
//     per-run (a selector with a placeholder: a backbone per run);
//   - data_subset: by overlap family: half-a and half-b form "disjoint
//     halves", overlap-a and overlap-b "50% overlap", and any other value
//     (full, a fraction, bootstrap) its own condition. With data_seed
//     fixed, models of one family on the same half see identical data.
//
// For each condition it measures, on the test instances, the mean
// accuracy, the systemic failure rate (the fraction every model of the
// condition gets wrong), and over all pairs of its models the mean
// pairwise homogenization H = SFR_ab / (e_a·e_b) (Bommasani et al. 2022,
// for a pair; 1 under independent errors) and the mean error consistency
// (Geirhos et al. 2020). Pairwise H, unlike the ensemble H, does not grow
// with the number of models, so conditions of different sizes compare.
//
// Intervals are 95% percentile intervals of a paired bootstrap over test
// instances (opts.Bootstrap replicates): every replicate resamples the instances
// once and recomputes every condition, so the difference between two
// conditions has an interval too. Models are not exchangeable across
// conditions (their accuracies differ), so conditions are not compared by
// permuting labels. Within each condition a permutation test asks whether
// its models fail together more than independent models with the same
// accuracies would: each model's correctness vector is shuffled on its
// own (its accuracy stays fixed), and p = (1 + #{null ≥ observed})/(1 + P)
// over P = opts.Permutations permutations, for the mean pairwise H and the mean error
// consistency. The bootstrap and the permutations draw from seeds.Stream,
// so the result depends on x and opts alone.
//
// A difference's verdict is "raised" ("lowered") only when its interval
// lies above (below) 0, "no detectable change" otherwise, and "not tested"
// without bootstrap replicates; the axis' Sentence says so in words.
func Sharing(x *predmat.Matrix, opts Options) *SharingStats {
	nBoot := count(opts.Bootstrap, DefaultBootstrap)
	nPerm := count(opts.Permutations, DefaultPermutations)
	if len(x.Configs) != x.M() || x.M() < 2 {
		return nil
	}
	type group struct {
		label, kind string
		models      []int
	}
	var axes [][]group
	var keys []string
	for _, key := range sharingKeys {
		var gs []group
		pos := map[string]int{}
		for m, cfg := range x.Configs {
			v, ok := cfg[key]
			if !ok {
				continue
			}
			label, kind := conditionOf(key, v)
			i, ok := pos[label]
			if !ok {
				i = len(gs)
				pos[label] = i
				gs = append(gs, group{label: label, kind: kind})
			}
			gs[i].models = append(gs[i].models, m)
		}
		if len(gs) >= 2 {
			axes = append(axes, gs)
			keys = append(keys, key)
		}
	}
	if len(axes) == 0 {
		return nil
	}
	n, M := x.N(), x.M()
	correct := make([][]bool, M)
	for m := range M {
		correct[m] = make([]bool, n)
		for i, p := range x.Row(m) {
			correct[m][i] = p == x.Labels[i]
		}
	}
	all := make([]int32, n)
	for i := range all {
		all[i] = int32(i)
	}
	reps := make([][]int32, nBoot)
	for r := range reps {
		rng := seeds.Stream("sharing/bootstrap", opts.Seed, int64(r))
		reps[r] = make([]int32, n)
		for i := range reps[r] {
			reps[r][i] = int32(rng.IntN(n))
		}
	}
	out := &SharingStats{Bootstrap: nBoot, Permutations: nPerm}
	for a, gs := range axes {
		ax := SharingAxis{Key: keys[a]}
		ref := 0
		for i, g := range gs {
			if g.kind == initScratch || g.label == dataDisjoint {
				ref = i
				break
			}
		}
		ax.Reference = gs[ref].label
		point := make([]groupStats, len(gs))
		boot := make([][]groupStats, len(gs))
		for i, g := range gs {
			point[i] = measureGroup(correct, g.models, all)
			for _, rows := range reps {
				boot[i] = append(boot[i], measureGroup(correct, g.models, rows))
			}
			c := SharingCondition{
				Condition: g.label, Kind: g.kind, MeanAccuracy: Num(point[i].acc),
				SFR: Num(point[i].sfr), PairwiseH: Num(point[i].h), ErrorConsistency: Num(point[i].ec),
				SFRCI:       groupInterval(boot[i], func(s groupStats) float64 { return s.sfr }),
				PairwiseHCI: groupInterval(boot[i], func(s groupStats) float64 { return s.h }),
				ECCI:        groupInterval(boot[i], func(s groupStats) float64 { return s.ec }),
			}
			pH, pEC := sharingPermutationP(correct, g.models, point[i], keys[a]+"/"+g.label, nPerm, opts.Seed)
			c.PairwiseHP, c.ECP = Num(pH), Num(pEC)
			for _, m := range g.models {
				c.Models = append(c.Models, x.Models[m])
			}
			ax.Conditions = append(ax.Conditions, c)
		}
		var sentences []string
		for i, g := range gs {
			if i == ref {
				continue
			}
			d := SharingDifference{Condition: g.label, PairwiseH: Num(point[i].h - point[ref].h), EC: Num(point[i].ec - point[ref].ec)}
			dh := make([]groupStats, len(reps))
			for r := range reps {
				dh[r] = groupStats{h: boot[i][r].h - boot[ref][r].h, ec: boot[i][r].ec - boot[ref][r].ec}
			}
			d.PairwiseHCI = groupInterval(dh, func(s groupStats) float64 { return s.h })
			d.ECCI = groupInterval(dh, func(s groupStats) float64 { return s.ec })
			switch {
			case nBoot == 0:
				d.Verdict = "not tested"
			case d.PairwiseHCI[0] > 0:
				d.Verdict = "raised"
			case d.PairwiseHCI[1] < 0:
				d.Verdict = "lowered"
			default:
				d.Verdict = "no detectable change"
			}
			ax.Differences = append(ax.Differences, d)
			sentences = append(sentences, verdictSentence(keys[a], g.label, g.kind, gs[ref].label, point[i].h, point[ref].h, d))
		}
		ax.Sentence = strings.Join(sentences, " ")
		out.Axes = append(out.Axes, ax)
	}
	return out
}

// verdictSentence states d, the difference of condition cond (of kind
// kind, mean pairwise H h) from the reference ref (H href), in words.
func verdictSentence(key, cond, kind, ref string, h, href float64, d SharingDifference) string {
	what := fmt.Sprintf("%s = %s", key, cond)
	if key == "init" {
		what = fmt.Sprintf("a %s backbone (init = %s)", kind, cond)
	} else {
		what = fmt.Sprintf("training data with %s (data_subset)", cond)
	}
	iv := fmt.Sprintf("difference in mean pairwise H %+.3f, 95%% interval [%+.3f, %+.3f]", d.PairwiseH, d.PairwiseHCI[0], d.PairwiseHCI[1])
	switch d.Verdict {
	case "not tested":
		return fmt.Sprintf("In this study, %s had mean pairwise H %.3f against %.3f for %s; without bootstrap replicates the difference (%+.3f) was not tested.", what, h, href, ref, d.PairwiseH)
	case "raised":
		return fmt.Sprintf("In this study, %s raised homogenization compared with %s: mean pairwise H %.3f against %.3f (%s).", what, ref, h, href, iv)
	case "lowered":
		return fmt.Sprintf("In this study, %s lowered homogenization compared with %s: mean pairwise H %.3f against %.3f (%s).", what, ref, h, href, iv)
	}
	return fmt.Sprintf("In this study, %s did not measurably change homogenization compared with %s: mean pairwise H %.3f against %.3f (%s, which includes 0).", what, ref, h, href, iv)
}

// sharingPermutationP gives the permutation p-values of a condition's
// mean pairwise H and mean error consistency over perms permutations (NaN
// when perms is 0): each model's correctness is shuffled independently,
// from a stream keyed by seed, the condition, the permutation and the
// model.
func sharingPermutationP(correct [][]bool, models []int, observed groupStats, label string, perms int, seed int64) (pH, pEC float64) {
	if perms == 0 {
		return math.NaN(), math.NaN()
	}
	n := len(correct[models[0]])
	shuffled := make([][]bool, len(models))
	local := make([]int, len(models))
	for k, m := range models {
		shuffled[k] = make([]bool, n)
		copy(shuffled[k], correct[m])
		local[k] = k
	}
	all := make([]int32, n)
	for i := range all {
		all[i] = int32(i)
	}
	geH, geEC := 0, 0
	for p := range perms {
		for k := range shuffled {
			rng := seeds.Stream("sharing/permutation/"+label, seed, int64(p), int64(k))
			v := shuffled[k]
			rng.Shuffle(n, func(i, j int) { v[i], v[j] = v[j], v[i] })
		}
		null := measureGroup(shuffled, local, all)
		if null.h >= observed.h {
			geH++
		}
		if null.ec >= observed.ec {
			geEC++
		}
	}
	P := float64(perms)
	pH, pEC = (1+float64(geH))/(1+P), (1+float64(geEC))/(1+P)
	if math.IsNaN(observed.h) {
		pH = math.NaN()
	}
	if math.IsNaN(observed.ec) {
		pEC = math.NaN()
	}
	return pH, pEC
}

// groupStats are a condition's measures on one set of instances.
type groupStats struct{ acc, sfr, h, ec float64 }

// measureGroup measures the models on the instances rows (with repeats).
func measureGroup(correct [][]bool, models []int, rows []int32) groupStats {
	n := float64(len(rows))
	acc := make([]float64, len(models))
	var st groupStats
	allWrong := 0
	for _, i := range rows {
		wrong := true
		for k, m := range models {
			if correct[m][i] {
				acc[k]++
				wrong = false
			}
		}
		if wrong {
			allWrong++
		}
	}
	for k := range acc {
		acc[k] /= n
		st.acc += acc[k] / float64(len(acc))
	}
	st.sfr = float64(allWrong) / n
	var hs, ecs []float64
	for x := 0; x < len(models); x++ {
		for y := x + 1; y < len(models); y++ {
			a, b := correct[models[x]], correct[models[y]]
			both, same := 0, 0
			for _, i := range rows {
				if a[i] == b[i] {
					same++
					if !a[i] {
						both++
					}
				}
			}
			ea, eb := 1-acc[x], 1-acc[y]
			if ea > 0 && eb > 0 {
				hs = append(hs, float64(both)/n/(ea*eb))
			}
			cexp := acc[x]*acc[y] + ea*eb
			if cexp < 1 {
				ecs = append(ecs, (float64(same)/n-cexp)/(1-cexp))
			}
		}
	}
	st.h, st.ec = meanOrNaN(hs), meanOrNaN(ecs)
	return st
}

// meanOrNaN is the mean of v, NaN when v is empty.
func meanOrNaN(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

// groupInterval is the 95% percentile interval of f over the replicates,
// ignoring NaN: the values at ranks round(0.025·(k−1)) and
// round(0.975·(k−1)) of the k finite ones; NaN when there are none.
func groupInterval(reps []groupStats, f func(groupStats) float64) [2]float64 {
	var v []float64
	for _, r := range reps {
		if x := f(r); !math.IsNaN(x) {
			v = append(v, x)
		}
	}
	if len(v) == 0 {
		return [2]float64{math.NaN(), math.NaN()}
	}
	sort.Float64s(v)
	q := func(p float64) float64 { return v[min(len(v)-1, int(math.Floor(p*float64(len(v)-1)+0.5)))] }
	return [2]float64{q(0.025), q(0.975)}
}
