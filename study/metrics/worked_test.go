package metrics

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/study-harness/study/study/predmat"
)

// workedExampleFile holds the worked example of the reference sheet
// (/work/shared/reference/metrics.md) with every measure computed by
// numpy and scikit-learn (testdata/gen_worked.py) and the values the sheet
// prints.
const workedExampleFile = "testdata/worked_example.json"

type workedReference struct {
	Labels   []int32            `json:"labels"`
	Preds    [][]int32          `json:"preds"`
	Classes  int                `json:"classes"`
	Expected map[string]float64 `json:"expected"`
	Sheet    map[string]float64 `json:"sheet"`
}

func readWorkedExample(t testing.TB) workedReference {
	t.Helper()
	raw, err := os.ReadFile(workedExampleFile)
	if err != nil {
		t.Fatal(err)
	}
	var ref workedReference
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref.Preds) != 3 || len(ref.Labels) != 10 || ref.Classes != 3 {
		t.Fatalf("%s: %d models, %d instances, %d classes; want the sheet's 3, 10 and 3", workedExampleFile, len(ref.Preds), len(ref.Labels), ref.Classes)
	}
	return ref
}

// workedExample is the worked example of the reference sheet: models A, B,
// C on 10 instances, 3 classes, probabilities one-hot at the predicted
// label.
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
	ref := readWorkedExample(t)
	x := workedExample()
	for m, p := range ref.Preds {
		for i, v := range p {
			if x.Pred[m*len(x.Labels)+i] != v || x.Labels[i] != ref.Labels[i] {
				t.Fatalf("workedExample() differs from %s at model %d, instance %d", workedExampleFile, m, i)
			}
		}
	}
	r, err := Compute(x, Options{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	p, e := r.Pairwise, r.Ensemble
	got := map[string]float64{
		"agreement(A,B)":                p.Agreement[0][1],
		"Cohen κ(A,B)":                  p.CohenKappa[0][1],
		"error consistency(A,B)":        p.ErrorConsistency[0][1],
		"Q(A,B)":                        p.QStatistic[0][1],
		"ρ(A,B)":                        p.Correlation[0][1],
		"correctness disagreement(A,B)": p.CorrectnessDisagreement[0][1],
		"double fault(A,B)":             p.DoubleFault[0][1],
		"CAPA(A,B)":                     p.CAPA[0][1],
		"SFR(A,B,C)":                    float64(e.SystemicFailureRate),
		"∏e(A,B,C)":                     float64(e.IndependentFailureRate),
		"H(A,B,C)":                      float64(e.Homogenization),
		"all-correct rate(A,B,C)":       float64(e.AllCorrectRate),
		"entropy E":                     float64(e.Entropy),
		"KW variance":                   float64(e.KWVariance),
		"interrater κ":                  float64(e.InterraterKappa),
		"difficulty θ":                  float64(e.Difficulty),
		"generalized diversity":         float64(e.GeneralizedDiversity),
		"coincident failure diversity":  float64(e.CoincidentFailureDiversity),
		"Fleiss κ(A,B,C)":               float64(e.FleissKappa),
		"majority-vote accuracy(A,B,C)": float64(e.MajorityVoteAccuracy),
	}
	if len(ref.Expected) != len(got) || len(ref.Sheet) != len(got) {
		t.Fatalf("%s holds %d computed and %d sheet values, want %d of each", workedExampleFile, len(ref.Expected), len(ref.Sheet), len(got))
	}
	for name, want := range ref.Expected {
		t.Run(name+" matches numpy and the sheet", func(t *testing.T) {
			g, ok := got[name]
			if !ok {
				t.Fatalf("%s is not computed here", name)
			}
			// float32 ensemble values carry about 1e-7 relative error.
			if math.Abs(g-want) > 1e-6*math.Max(1, math.Abs(want)) {
				t.Errorf("got %.9g, numpy %.9g", g, want)
			}
			// The generator's numpy follows the sheet, which prints six
			// significant digits.
			if sheet := ref.Sheet[name]; math.Abs(want-sheet) > 1e-6*math.Max(1, math.Abs(sheet)) {
				t.Errorf("numpy %.9g, the sheet %.9g: the generator departs from the sheet", want, sheet)
			}
		})
	}
}
