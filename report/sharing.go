package report

import (
	"fmt"

	"github.com/study-harness/study/study/metrics"
)

// SharingSection is the "Component sharing" section for Input.Sections:
// a paragraph on the method, a table of every condition of every sharing
// axis of s (models, mean accuracy, systemic failure rate, mean pairwise
// H and mean error consistency with their 95% intervals and permutation
// p-values), and each axis' verdict sentence.
func SharingSection(s *metrics.SharingStats) Section {
	t := &Table{Header: []string{"axis", "condition", "models", "mean accuracy", "systemic failure rate [95% CI]", "mean pairwise H [95% CI]", "H p", "mean error consistency [95% CI]", "EC p"}}
	ci := func(v metrics.Num, c metrics.Interval, f string) string {
		return fmt.Sprintf(f+" ["+f+", "+f+"]", float64(v), c[0], c[1])
	}
	text := []string{"Do models that share components fail together? Conditions are the values of the sharing axes " +
		"(init: scratch, a shared backbone, or a backbone per run; data_subset: disjoint halves or halves with 50% overlap). " +
		"Pairwise H is the rate at which both models of a pair fail divided by the product of their error rates (1 = independent), " +
		fmt.Sprintf("averaged over the pairs of a condition. Intervals: paired bootstrap over test instances (%d replicates). ", s.Bootstrap) +
		fmt.Sprintf("p: permutation test (%d permutations, each model's correctness shuffled on its own, keeping its accuracy) of whether a condition's models fail together more than independent models would; a p-value at its floor 1/(P+1) is given as a bound.", s.Permutations)}
	for _, ax := range s.Axes {
		for _, c := range ax.Conditions {
			label := c.Condition
			if ax.Key == "init" && c.Kind != "" && c.Kind != c.Condition {
				label += " (" + c.Kind + ")"
			}
			t.Rows = append(t.Rows, []string{ax.Key, label, fmt.Sprint(len(c.Models)), fmt.Sprintf("%.4f", float64(c.MeanAccuracy)),
				ci(c.SFR, c.SFRCI, "%.4f"), ci(c.PairwiseH, c.PairwiseHCI, "%.3f"), pValue(float64(c.PairwiseHP), s.Permutations),
				ci(c.ErrorConsistency, c.ECCI, "%.3f"), pValue(float64(c.ECP), s.Permutations)})
		}
		text = append(text, ax.Sentence)
	}
	return Section{ID: "sharing", Title: "Component sharing", Text: text, Table: t}
}
