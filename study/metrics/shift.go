package metrics

import (
	"math"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// OnTheLine is the agreement-on-the-line data of one evaluation set
// (metrics.json "agreement_on_the_line", by set): per model the
// in-distribution (ID) and shifted (OOD) accuracy, per pair the ID and OOD
// agreement, and least-squares lines through both in probit space. Baek
// et al. (2022) observe that when the two lines have the same slope and
// intercept, ID and OOD agreement (which needs no labels) predicts OOD
// accuracy.
type OnTheLine struct {
	IDAccuracy    []float64  `json:"id_accuracy"`
	OODAccuracy   []float64  `json:"ood_accuracy"`
	IDAgreement   []float64  `json:"id_agreement"` // pairs (a < b) in row order
	OODAgreement  []float64  `json:"ood_agreement"`
	AccuracyLine  ProbitLine `json:"accuracy_line"`  // probit(OOD acc) = slope·probit(ID acc) + intercept
	AgreementLine ProbitLine `json:"agreement_line"` // the same for agreement
}

// ProbitLine is probit(y) = Slope·probit(x) + Intercept; NaN when it
// could not be fitted.
type ProbitLine struct {
	Slope     Num `json:"slope"`
	Intercept Num `json:"intercept"`
}

// AgreementOnTheLine pairs the results of the same models on the clean
// test set (id) and on one evaluation set (ood): their accuracies, the
// agreement of every pair (a < b, in row order) and the probit-space
// least-squares line through each. Points at accuracy or agreement 0 or 1
// (infinite probits) are left out of the fits; a line through fewer than
// two points, or through points that all have the same x, is NaN.
func AgreementOnTheLine(id, ood *Result) OnTheLine {
	l := OnTheLine{IDAccuracy: id.PerModel.Accuracy, OODAccuracy: ood.PerModel.Accuracy}
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
// points at 0 or 1 (infinite probits). Fewer than two points, or no
// spread in x, give NaN.
func probitFit(xs, ys []float64) ProbitLine {
	var px, py []float64
	for i := range xs {
		if xs[i] > 0 && xs[i] < 1 && ys[i] > 0 && ys[i] < 1 {
			px = append(px, distuv.UnitNormal.Quantile(xs[i]))
			py = append(py, distuv.UnitNormal.Quantile(ys[i]))
		}
	}
	if len(px) < 2 || stat.Variance(px, nil) == 0 {
		return ProbitLine{Num(math.NaN()), Num(math.NaN())}
	}
	alpha, beta := stat.LinearRegression(px, py, nil, false)
	return ProbitLine{Num(beta), Num(alpha)}
}
