package report

import (
	"fmt"
	"math"

	"github.com/study-harness/study/study/metrics"
)

// GroupsSection is the "Groups" section for Input.Sections, drawn from the
// metrics' "groups" member (metrics.Groups: the instances carried a group,
// from a group column of the predictions or dataset.group). It reports
// false when there is none. One row per group: its size, the models' mean
// and range of accuracy, the fraction failed by every model beside the
// fraction expected if the models erred independently at their group
// error rates, the fraction failed by none beside its expectation, and
// the mean pairwise homogenization H_2; then the gap between the largest
// and smallest group on each measure, with its stratified bootstrap
// interval.
func GroupsSection(r *metrics.Result) (Section, bool) {
	if r == nil {
		return Section{}, false
	}
	g, ok := r.Extra["groups"].(*metrics.GroupResult)
	if !ok || g == nil {
		return Section{}, false
	}
	f := func(x metrics.Num) string { return num(float64(x), 4) }
	t := &Table{Header: []string{"group", "instances", "mean accuracy", "model accuracy (min–max)",
		"failed by every model", "(independent errors)", "failed by none", "(independent errors)", "mean pairwise H"}}
	for i, s := range g.Groups {
		if i == maxGroupRows {
			t.Rows = append(t.Rows, []string{fmt.Sprintf("… %d more groups in metrics.json", len(g.Groups)-maxGroupRows)})
			break
		}
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, a := range s.Accuracy {
			lo, hi = math.Min(lo, a), math.Max(hi, a)
		}
		none, noneIndep := math.NaN(), math.NaN()
		if len(s.FailureCountHistogram) > 0 {
			none, noneIndep = s.FailureCountHistogram[0], s.PoissonBinomial[0]
		}
		t.Rows = append(t.Rows, []string{s.Name, fmt.Sprint(s.N), f(s.MeanAccuracy), num(lo, 4) + "–" + num(hi, 4),
			f(s.SystemicFailureRate), f(s.IndependentFailureRate), num(none, 4), num(noneIndep, 4), f(s.HomogenizationPairwiseMean)})
	}
	text := []string{"Who is failed by every model (Bommasani et al. 2022, \"Picking on the same person\"): the measures on the test instances of each group. " +
		"\"Independent errors\" is what the fraction would be if each model erred independently at its error rate on the group (the Poisson-binomial baseline; the whole failure-count histogram against it is in metrics.json under groups). " +
		"Mean pairwise H is P(both wrong)/(e_a·e_b) averaged over the pairs of models that err on the group: 1 under independent errors. " +
		"The fraction failed by every model falls as models are added, so it compares between groups of one study, not across studies."}
	for _, d := range g.Disparity {
		s := fmt.Sprintf("Gap in %s, largest minus smallest group: ", d.Measure)
		switch {
		case math.IsNaN(float64(d.Gap)):
			s += "undefined"
			if why := r.Reasons[fmt.Sprintf("groups.disparity[%d].gap", indexOf(g.Disparity, d.Measure))]; why != "" {
				s += " (" + why + ")"
			}
		default:
			s += fmt.Sprintf("%s (%s over %s)", withCI(float64(d.Gap), interval{fnum(d.GapCI[0]), fnum(d.GapCI[1])}, 4), d.MaxGroup, d.MinGroup)
			if g.Bootstrap > 0 {
				s += fmt.Sprintf("; 95%% interval from %d bootstrap replicates resampling instances within each group", g.Bootstrap)
			}
		}
		text = append(text, s+".")
	}
	return Section{ID: "groups", Title: "Groups", Text: text, Table: t}, true
}

// maxGroupRows caps the rows of the groups table; metrics.json has all.
const maxGroupRows = 100

// indexOf returns the index of the disparity of measure in ds, or -1.
func indexOf(ds []metrics.GroupDisparity, measure string) int {
	for i, d := range ds {
		if d.Measure == measure {
			return i
		}
	}
	return -1
}
