package metrics

import (
	"math"
	"testing"

	"github.com/study-harness/study/study/predmat"
)

// workedExample is the worked example of the reference sheet
// (/work/shared/reference/metrics.md): models A, B, C on 10 instances,
// 3 classes, probabilities one-hot at the predicted label.
func workedExample() *predmat.Matrix {
	y := []int32{0, 1, 2, 0, 1, 2, 0, 1, 2, 0}
	preds := [][]int32{
		{0, 1, 2, 0, 1, 0, 1, 1, 2, 2},
		{0, 1, 1, 0, 1, 0, 1, 2, 2, 0},
		{0, 1, 2, 1, 1, 2, 1, 1, 2, 2},
	}
	x := &predmat.Matrix{Models: []string{"A", "B", "C"}, Classes: 3, Labels: y}
	for i := range y {
		x.Instances = append(x.Instances, string(rune('a'+i)))
	}
	for _, p := range preds {
		x.Pred = append(x.Pred, p...)
		for _, v := range p {
			oh := make([]float32, 3)
			oh[v] = 1
			x.Prob = append(x.Prob, oh...)
		}
	}
	return x
}

func TestWorkedExampleMatchesTheReferenceSheet(t *testing.T) {
	r, err := Compute(workedExample(), Options{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	p, e := r.Pairwise, r.Ensemble
	for _, tc := range []struct {
		name      string
		got, want float64
	}{
		{"agreement(A,B)", p.Agreement[0][1], 0.7},
		{"Cohen κ(A,B)", p.CohenKappa[0][1], 6.0 / 11},
		{"error consistency(A,B)", p.ErrorConsistency[0][1], 0.16 / 0.46},
		{"Q(A,B)", p.QStatistic[0][1], 2.0 / 3},
		{"ρ(A,B)", p.Correlation[0][1], 0.356348},
		{"correctness disagreement(A,B)", p.CorrectnessDisagreement[0][1], 0.3},
		{"double fault(A,B)", p.DoubleFault[0][1], 0.2},
		{"CAPA(A,B)", p.CAPA[0][1], 0.423077},
		{"SFR(A,B,C)", float64(e.SystemicFailureRate), 0.1},
		{"∏e(A,B,C)", float64(e.IndependentFailureRate), 0.036},
		{"H(A,B,C)", float64(e.Homogenization), 2.777778},
		{"all-correct rate(A,B,C)", float64(e.AllCorrectRate), 0.4},
		{"entropy E", float64(e.Entropy), 0.5},
		{"KW variance", float64(e.KWVariance), 0.111111},
		{"interrater κ", float64(e.InterraterKappa), 0.25},
		{"difficulty θ", float64(e.Difficulty), 0.111111},
		{"generalized diversity", float64(e.GeneralizedDiversity), 0.5},
		{"coincident failure diversity", float64(e.CoincidentFailureDiversity), 0.666667},
		{"Fleiss κ(A,B,C)", float64(e.FleissKappa), 0.488055},
		{"majority-vote accuracy(A,B,C)", float64(e.MajorityVoteAccuracy), 0.7},
	} {
		t.Run(tc.name+" matches the sheet", func(t *testing.T) {
			if math.Abs(tc.got-tc.want) > 1e-6 {
				t.Errorf("got %.9g, want %.9g", tc.got, tc.want)
			}
		})
	}
}
