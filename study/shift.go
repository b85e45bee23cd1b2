package study

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/study-harness/study/report"
	"github.com/study-harness/study/study/metrics"
	"github.com/study-harness/study/study/runs"
)

// shiftResults measures every evaluation set of a results folder: the full
// metrics of each, and the data for agreement-on-the-line (Baek et al.
// 2022) against the clean test set. names are the sets in spec order.
func shiftResults(dir string, clean *metrics.Result, opts metrics.Options) (names []string, all map[string]*metrics.Result, lines map[string]onTheLine, err error) {
	names, err = runs.EvalSets(dir)
	if err != nil || len(names) == 0 {
		return nil, nil, nil, err
	}
	all = map[string]*metrics.Result{}
	lines = map[string]onTheLine{}
	for _, name := range names {
		x, err := runs.CollectEval(dir, name)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("eval set %s: %w", name, err)
		}
		r, err := metrics.Compute(x, opts)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("eval set %s: %w", name, err)
		}
		all[name] = r
		lines[name] = agreementOnTheLine(clean, r)
	}
	return names, all, lines, nil
}

// onTheLine is the agreement-on-the-line data of one evaluation set: per
// model the in-distribution (ID) and shifted (OOD) accuracy, per pair the
// ID and OOD agreement, and least-squares lines through both in probit
// space. Baek et al. observe that when the two lines have the same slope
// and intercept, ID and OOD agreement (which needs no labels) predicts OOD
// accuracy.
type onTheLine struct {
	IDAccuracy    []float64 `json:"id_accuracy"`
	OODAccuracy   []float64 `json:"ood_accuracy"`
	IDAgreement   []float64 `json:"id_agreement"` // pairs (a < b) in row order
	OODAgreement  []float64 `json:"ood_agreement"`
	AccuracyLine  line      `json:"accuracy_line"`  // probit(OOD acc) = slope·probit(ID acc) + intercept
	AgreementLine line      `json:"agreement_line"` // the same for agreement
}

type line struct {
	Slope     metrics.Num `json:"slope"`
	Intercept metrics.Num `json:"intercept"`
}

func agreementOnTheLine(id, ood *metrics.Result) onTheLine {
	l := onTheLine{IDAccuracy: id.PerModel.Accuracy, OODAccuracy: ood.PerModel.Accuracy}
	m := len(id.Models)
	for a := 0; a < m; a++ {
		for b := a + 1; b < m; b++ {
			l.IDAgreement = append(l.IDAgreement, id.Pairwise.Agreement[a][b])
			l.OODAgreement = append(l.OODAgreement, ood.Pairwise.Agreement[a][b])
		}
	}
	l.AccuracyLine = probitFit(l.IDAccuracy, l.OODAccuracy)
	l.AgreementLine = probitFit(l.IDAgreement, l.OODAgreement)
	return l
}

// probitFit fits y = slope·x + intercept in probit space, leaving out
// points at 0 or 1 (infinite probits). Fewer than two distinct points give
// NaN.
func probitFit(xs, ys []float64) line {
	var px, py []float64
	for i := range xs {
		if xs[i] > 0 && xs[i] < 1 && ys[i] > 0 && ys[i] < 1 {
			px = append(px, distuv.UnitNormal.Quantile(xs[i]))
			py = append(py, distuv.UnitNormal.Quantile(ys[i]))
		}
	}
	if len(px) < 2 || stat.Variance(px, nil) == 0 {
		return line{metrics.Num(math.NaN()), metrics.Num(math.NaN())}
	}
	alpha, beta := stat.LinearRegression(px, py, nil, false)
	return line{metrics.Num(beta), metrics.Num(alpha)}
}

// shiftSection is the report's distribution-shift table.
func shiftSection(clean *metrics.Result, names []string, shifted map[string]*metrics.Result) report.Section {
	row := func(name string, r *metrics.Result) []string {
		return []string{name,
			fmt.Sprintf("%.4f", float64(r.Ensemble.MeanAccuracy)),
			fmt.Sprintf("%.4f", meanOffDiagonal(r.Pairwise.Agreement)),
			fmt.Sprintf("%.4f", float64(r.Ensemble.SystemicFailureRate)),
			fmt.Sprintf("%.3g", float64(r.Ensemble.Homogenization)),
		}
	}
	t := &report.Table{Header: []string{"evaluation set", "mean accuracy", "mean agreement", "systemic failure rate", "homogenization H"}}
	t.Rows = append(t.Rows, row("clean test set", clean))
	for _, n := range names {
		t.Rows = append(t.Rows, row(n, shifted[n]))
	}
	return report.Section{
		ID:    "shift",
		Title: "Distribution shift",
		Text: []string{"Every run evaluated on corrupted copies of the test set (eval_sets in the spec). " +
			"metrics.json holds every measure for each set under eval_sets, and the agreement-on-the-line data " +
			"(Baek et al. 2022: ID against OOD accuracy and agreement, with probit-space lines) under agreement_on_the_line."},
		Table: t,
	}
}

func meanOffDiagonal(a metrics.Square) float64 {
	var sum float64
	n := 0
	for i := range a {
		for j := range a[i] {
			if i != j && !math.IsNaN(a[i][j]) {
				sum += a[i][j]
				n++
			}
		}
	}
	if n == 0 {
		return math.NaN()
	}
	return sum / float64(n)
}
