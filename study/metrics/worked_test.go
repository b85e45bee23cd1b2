package metrics

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"os"
	"testing"

	"github.com/study-harness/study/study/predmat"
)

// workedExampleFile holds the worked example of the reference sheet
// (docs/reference/metrics-sheet.md) with every measure computed by
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

// Tolerances of the worked example. Every measure in it is float64
// arithmetic on integer counts, as in the generator's numpy, so Go and
// numpy agree to a few ulps (at most 3e-16 relative here): numpyTol is
// relative, and absolute for a value of 0. The sheet prints six decimals,
// rounded (0.423077) or cut short with an ellipsis (0.545454…), so its
// values are within sheetTol (absolute) of numpy's.
const (
	numpyTol = 1e-12
	sheetTol = 1e-6
)

// workedValues computes the worked example's measures under the names of
// testdata/worked_example.json.
func workedValues(t *testing.T) map[string]float64 {
	t.Helper()
	r, err := Compute(workedExample(), Options{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	p, e := r.Pairwise, r.Ensemble
	return map[string]float64{
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
}

// workedMismatch describes how got departs from numpy's value of name, and
// numpy's from the sheet's, or returns "". NaN never matches.
func workedMismatch(name string, got float64, ref workedReference) string {
	want, sheet := ref.Expected[name], ref.Sheet[name]
	tol := numpyTol * math.Abs(want)
	if want == 0 {
		tol = numpyTol
	}
	switch {
	case !(math.Abs(got-want) <= tol):
		return fmt.Sprintf("got %.17g, numpy %.17g (relative tolerance %g)", got, want, numpyTol)
	case !(math.Abs(want-sheet) <= sheetTol):
		return fmt.Sprintf("numpy %.17g, the sheet %.9g: the generator departs from the sheet by more than %g", want, sheet, sheetTol)
	}
	return ""
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
	got := workedValues(t)
	if len(ref.Expected) != len(got) || len(ref.Sheet) != len(got) {
		t.Fatalf("%s holds %d computed and %d sheet values, want %d of each", workedExampleFile, len(ref.Expected), len(ref.Sheet), len(got))
	}
	for name := range ref.Expected {
		t.Run(name+" matches numpy and the sheet", func(t *testing.T) {
			g, ok := got[name]
			if !ok {
				t.Fatalf("%s is not computed here", name)
			}
			if _, ok := ref.Sheet[name]; !ok {
				t.Fatalf("%s has no sheet value", name)
			}
			if msg := workedMismatch(name, g, ref); msg != "" {
				t.Error(msg)
			}
		})
	}
}

// The comparison is tight enough to notice a value that is off by 1e-9,
// relative or absolute, and a sheet value off by more than its printing.
func TestWorkedExampleComparisonCatchesSmallErrors(t *testing.T) {
	ref := readWorkedExample(t)
	got := workedValues(t)
	for _, tc := range []struct {
		name  string
		spoil func(v float64) float64
		sheet bool // spoil the sheet value instead of the computed one
	}{
		{"a value 1e-9 too large (relative)", func(v float64) float64 { return v * (1 + 1e-9) }, false},
		{"a value 1e-9 too small (relative)", func(v float64) float64 { return v * (1 - 1e-9) }, false},
		{"a value 1e-9 too large (absolute)", func(v float64) float64 { return v + 1e-9 }, false},
		{"a NaN", func(float64) float64 { return math.NaN() }, false},
		{"a sheet value 2e-6 off", func(v float64) float64 { return v + 2e-6 }, true},
	} {
		t.Run(tc.name+" is caught", func(t *testing.T) {
			for name, g := range got {
				r := ref
				if tc.sheet {
					r.Sheet = maps.Clone(ref.Sheet)
					r.Sheet[name] = tc.spoil(r.Sheet[name])
				} else {
					g = tc.spoil(g)
				}
				if workedMismatch(name, g, r) == "" {
					t.Errorf("%s: not caught", name)
				}
			}
		})
	}
}
