package report

import (
	"fmt"

	"github.com/study-harness/study/study/metrics"
)

// ShiftSection is the "Distribution shift" section for Input.Sections:
// a table of the clean test set's result and each evaluation set's (names,
// in spec order, keys of shifted) with mean accuracy, mean pairwise
// agreement (MeanAgreement), systemic failure rate, mean pairwise
// homogenization and H_k (the whole-set H, which compares neither across
// numbers of models nor across sets with other error rates, is left to
// metrics.json), followed by the agreement-on-the-line figure, which is
// drawn from Input.Metrics' agreement_on_the_line member in the table's
// row order.
func ShiftSection(clean *metrics.Result, names []string, shifted map[string]*metrics.Result) Section {
	row := func(name string, r *metrics.Result) []string {
		agree, _ := MeanAgreement(r.Pairwise.Agreement)
		g := readGroupH(r)
		return []string{name,
			fmt.Sprintf("%.4f", float64(r.Ensemble.MeanAccuracy)),
			fmt.Sprintf("%.4f", agree),
			fmt.Sprintf("%.4f", float64(r.Ensemble.SystemicFailureRate)),
			withCI(g.pairMean, g.pairMeanCI, 3),
			withCI(g.hk, g.hkCI, 3),
		}
	}
	hk := "H_k"
	if k := readGroupH(clean).k; k > 0 {
		hk = fmt.Sprintf("H_%d (groups of %d)", k, k)
	}
	t := &Table{Header: []string{"evaluation set", "mean accuracy", "mean agreement", "systemic failure rate", "mean pairwise H [95% CI]", hk + " [95% CI]"}}
	t.Rows = append(t.Rows, row("clean test set", clean))
	for _, n := range names {
		t.Rows = append(t.Rows, row(n, shifted[n]))
	}
	return Section{
		ID:    "shift",
		Title: "Distribution shift",
		Text: []string{"Every run evaluated on corrupted copies of the test set (eval_sets in the spec). " +
			"metrics.json holds every measure for each set under eval_sets, and the agreement-on-the-line data " +
			"(Baek et al. 2022: ID against OOD accuracy and agreement, with probit-space lines) under agreement_on_the_line. " +
			"Homogenization is compared at fixed group sizes (pairs, and groups of k): the whole-set H in metrics.json grows with the number of models and with falling error rates, so it does not compare across sets."},
		Table:  t,
		Figure: "shift",
	}
}
