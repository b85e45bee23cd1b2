package metrics

import (
	"fmt"
	"math"
	"math/bits"
	"slices"
)

// TransferQuestion compares two or more groups of pairs of models on the
// clean error consistency and the shared vulnerability of each pair.
type TransferQuestion struct {
	Question string          `json:"question"`
	Groups   []TransferGroup `json:"groups"`
	// Differences are each group but the first minus the first, per
	// measure, with the interval of the difference (the same bootstrap
	// replicates for both groups).
	Differences []TransferGroup `json:"differences"`
}

// TransferGroup is a group of pairs and the mean of each measure over its
// pairs, or the difference between two groups (NPairs 0).
type TransferGroup struct {
	Name     string                  `json:"name"`
	NPairs   int                     `json:"n_pairs"`
	Measures map[string]TransferMean `json:"measures"`
}

// questionMeasures are the measures of a TransferQuestion: the clean error
// consistency (Geirhos et al.'s κ on correctness, on the attacked
// instances) and the symmetrised transfer_cc and same_mistake.
var questionMeasures = []string{"error_consistency", "transfer_cc", "same_mistake"}

// transferQuestions answers the two questions where the configs
// allow: do models of one family (arch) share more vulnerabilities than
// models of different families; and, with an adversarial axis, do
// adversarially trained models agree more, on clean errors and on
// vulnerabilities, than clean-trained ones (over the archs trained both
// ways, so that the groups hold the same families).
func transferQuestions(configs []map[string]string, clean [][]uint64, n int, point map[string]Square, reps map[string][]Square, bs *bootstrap, b int, why Reasons, path string) []TransferQuestion {
	if configs == nil {
		return nil
	}
	qa := &questionAnswers{clean: clean, n: n, point: point, reps: reps, bs: bs, b: b}
	var out []TransferQuestion
	if same, diff := archPairs(configs); len(same) > 0 && len(diff) > 0 {
		out = append(out, qa.answer("Do models of the same family (arch) share more vulnerabilities than models of different families?",
			[]string{"different arch", "same arch"}, [][][2]int{diff, same}))
	}
	if q, ok := adversarialQuestion(configs); ok {
		out = append(out, qa.answer("Does adversarial training make models agree more, on clean errors and on vulnerabilities? (pairs within each training condition, over the archs trained both ways)",
			q.names, q.groups))
	}
	noteQuestions(out, why, path)
	return out
}

// archPairs splits the pairs of models (a < c) into those of the same
// arch and those of different archs.
func archPairs(configs []map[string]string) (same, diff [][2]int) {
	m := len(configs)
	for a := range m {
		for c := a + 1; c < m; c++ {
			if configs[a]["arch"] == configs[c]["arch"] {
				same = append(same, [2]int{a, c})
			} else {
				diff = append(diff, [2]int{a, c})
			}
		}
	}
	return same, diff
}

// noteQuestions records the reasons of the undefined means and
// intervals of out under path.
func noteQuestions(out []TransferQuestion, why Reasons, path string) {
	note := func(p string, g TransferGroup) {
		for _, k := range questionMeasures {
			why.num(p+".measures."+k+".mean", float64(g.Measures[k].Mean), "undefined for every pair of the group")
			if ci := g.Measures[k].CI; ci != nil {
				why.interval(p+".measures."+k+".ci", *ci, whyCI)
			}
		}
	}
	for i, q := range out {
		for j, g := range q.Groups {
			note(fmt.Sprintf("%s.questions[%d].groups[%d]", path, i, j), g)
		}
		for j, g := range q.Differences {
			note(fmt.Sprintf("%s.questions[%d].differences[%d]", path, i, j), g)
		}
	}
}

// questionAnswers holds what the answers of transferQuestions are
// computed from: clean[a], the attacked instances model a gets right
// when clean, of n; the per-cell measures point and their b bootstrap
// replicates reps, drawn by bs (nil: no intervals).
type questionAnswers struct {
	clean [][]uint64
	n     int
	point map[string]Square
	reps  map[string][]Square
	bs    *bootstrap
	b     int
}

// ec is the error consistency of models a and c on the clean attacked
// instances, the instances weighted through count.
func (qa *questionAnswers) ec(count func([]uint64) int, a, c int) float64 {
	na, nc := float64(count(qa.clean[a])), float64(count(qa.clean[c]))
	both := float64(andCountFunc(qa.clean[a], qa.clean[c], count))
	N := float64(qa.n)
	obs := (both + (N - na - nc + both)) / N
	pa, pc := na/N, nc/N
	exp := pa*pc + (1-pa)*(1-pc)
	if exp == 1 {
		return math.NaN()
	}
	return (obs - exp) / (1 - exp)
}

// onesCount counts the set bits of v.
func onesCount(v []uint64) int {
	k := 0
	for _, w := range v {
		k += bits.OnesCount64(w)
	}
	return k
}

// symMean is the mean of q[a][c] and q[c][a], or the one defined.
func symMean(q Square, a, c int) float64 {
	v, w := q[a][c], q[c][a]
	switch {
	case math.IsNaN(v):
		return w
	case math.IsNaN(w):
		return v
	}
	return (v + w) / 2
}

// value returns measure k of pair (a, c) in replicate r (-1: the sample).
func (qa *questionAnswers) value(k string, a, c, r int) float64 {
	if k == "error_consistency" {
		if r < 0 {
			return qa.ec(onesCount, a, c)
		}
		return qa.ec(func(v []uint64) int { return qa.bs.count(r, v) }, a, c)
	}
	if r < 0 {
		return symMean(qa.point[k], a, c)
	}
	return symMean(qa.reps[k][r], a, c)
}

// groupMean is the mean of measure k over pairs in replicate r (-1: the
// sample).
func (qa *questionAnswers) groupMean(k string, pairs [][2]int, r int) float64 {
	v := make([]float64, len(pairs))
	for q, p := range pairs {
		v[q] = qa.value(k, p[0], p[1], r)
	}
	mean, _ := nanMean(v)
	return mean
}

// ci is the 95% percentile interval of f over the replicates (NaN
// without them), nil when the bootstrap is off.
func (qa *questionAnswers) ci(f func(r int) float64) *Interval {
	if qa.b == 0 {
		return nil
	}
	iv := Interval{math.NaN(), math.NaN()}
	if qa.bs != nil {
		v := make([]float64, qa.b)
		for r := range qa.b {
			v[r] = f(r)
		}
		iv = percentile95(v)
	}
	return &iv
}

// answer gives each group of pairs its mean measures, and each group
// after the first its difference from the first.
func (qa *questionAnswers) answer(question string, names []string, groups [][][2]int) TransferQuestion {
	tq := TransferQuestion{Question: question}
	for g, pairs := range groups {
		tg := TransferGroup{Name: names[g], NPairs: len(pairs), Measures: map[string]TransferMean{}}
		for _, k := range questionMeasures {
			tg.Measures[k] = TransferMean{Mean: Num(qa.groupMean(k, pairs, -1)), NCells: len(pairs),
				CI: qa.ci(func(r int) float64 { return qa.groupMean(k, pairs, r) })}
		}
		tq.Groups = append(tq.Groups, tg)
		if g == 0 {
			continue
		}
		d := TransferGroup{Name: names[g] + " − " + names[0], Measures: map[string]TransferMean{}}
		for _, k := range questionMeasures {
			d.Measures[k] = TransferMean{Mean: tg.Measures[k].Mean - tq.Groups[0].Measures[k].Mean,
				CI: qa.ci(func(r int) float64 { return qa.groupMean(k, pairs, r) - qa.groupMean(k, groups[0], r) })}
		}
		tq.Differences = append(tq.Differences, d)
	}
	return tq
}

// advGroups are the pairs within each value of the adversarial axis.
type advGroups struct {
	names  []string
	groups [][][2]int
}

// adversarialQuestion groups the pairs of models with the same value of
// the adversarial axis, none first, over the archs that take every value.
func adversarialQuestion(configs []map[string]string) (advGroups, bool) {
	var values []string
	for _, c := range configs {
		if v, ok := c["adversarial"]; ok && !slices.Contains(values, v) {
			values = append(values, v)
		}
	}
	if len(values) < 2 || !slices.Contains(values, "none") {
		return advGroups{}, false
	}
	slices.SortStableFunc(values, func(a, b string) int {
		switch {
		case a == "none":
			return -1
		case b == "none":
			return 1
		}
		return 0
	})
	byArch := map[string]map[string]bool{}
	for _, c := range configs {
		if byArch[c["arch"]] == nil {
			byArch[c["arch"]] = map[string]bool{}
		}
		byArch[c["arch"]][c["adversarial"]] = true
	}
	both := func(c map[string]string) bool { return len(byArch[c["arch"]]) == len(values) }
	g := advGroups{names: values, groups: make([][][2]int, len(values))}
	for a := range configs {
		for c := a + 1; c < len(configs); c++ {
			if !both(configs[a]) || !both(configs[c]) || configs[a]["adversarial"] != configs[c]["adversarial"] {
				continue
			}
			k := slices.Index(values, configs[a]["adversarial"])
			g.groups[k] = append(g.groups[k], [2]int{a, c})
		}
	}
	for _, p := range g.groups {
		if len(p) == 0 {
			return advGroups{}, false
		}
	}
	return g, true
}

// andCountFunc counts the instances in both a and b through count.
func andCountFunc(a, b []uint64, count func([]uint64) int) int {
	v := make([]uint64, len(a))
	for w := range a {
		v[w] = a[w] & b[w]
	}
	return count(v)
}
