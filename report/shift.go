package report

import (
	"fmt"

	"github.com/study-harness/study/study/metrics"
)

// ShiftSection is the "Distribution shift" section for Input.Sections:
// a table of the clean test set's result and each evaluation set's (names,
// in spec order, keys of shifted) with mean accuracy, mean pairwise
// agreement (MeanAgreement), systemic failure rate and homogenization,
// followed by the agreement-on-the-line figure, which is drawn from
// Input.Metrics' agreement_on_the_line member in the table's row order.
func ShiftSection(clean *metrics.Result, names []string, shifted map[string]*metrics.Result) Section {
	row := func(name string, r *metrics.Result) []string {
		agree, _ := MeanAgreement(r.Pairwise.Agreement)
		return []string{name,
			fmt.Sprintf("%.4f", float64(r.Ensemble.MeanAccuracy)),
			fmt.Sprintf("%.4f", agree),
			fmt.Sprintf("%.4f", float64(r.Ensemble.SystemicFailureRate)),
			fmt.Sprintf("%.3g", float64(r.Ensemble.Homogenization)),
		}
	}
	t := &Table{Header: []string{"evaluation set", "mean accuracy", "mean agreement", "systemic failure rate", "homogenization H"}}
	t.Rows = append(t.Rows, row("clean test set", clean))
	for _, n := range names {
		t.Rows = append(t.Rows, row(n, shifted[n]))
	}
	return Section{
		ID:    "shift",
		Title: "Distribution shift",
		Text: []string{"Every run evaluated on corrupted copies of the test set (eval_sets in the spec). " +
			"metrics.json holds every measure for each set under eval_sets, and the agreement-on-the-line data " +
			"(Baek et al. 2022: ID against OOD accuracy and agreement, with probit-space lines) under agreement_on_the_line."},
		Table:  t,
		Figure: "shift",
	}
}
