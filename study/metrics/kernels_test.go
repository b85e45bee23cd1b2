package metrics

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"testing"

	"github.com/study-harness/study/study/predmat"
)

func TestFastKernelsMatchTheNaiveDefinitions(t *testing.T) {
	for _, tc := range []struct {
		m, n, c int
		acc     float64
	}{
		{3, 1, 2, 0.5},
		{5, 63, 2, 0.7},
		{7, 64, 3, 0.9},
		{9, 65, 10, 0.9},
		{4, 130, 16, 0.6},  // largest 4-bit lane count
		{6, 200, 17, 0.6},  // 8-bit lanes
		{5, 77, 300, 0.5},  // 16-bit lanes
		{70, 129, 10, 0.8}, // more models than one tile
		{3, 50, 4, 1.0},    // no errors at all
		{3, 50, 4, 0.0},    // chance level only
	} {
		t.Run(fmt.Sprintf("%d models × %d instances × %d classes at accuracy %v agree", tc.m, tc.n, tc.c, tc.acc), func(t *testing.T) {
			x := randomMatrix(uint64(tc.m*1000+tc.n), tc.m, tc.n, tc.c, tc.acc)
			fast, _, err := Pairwise(x, 3)
			if err != nil {
				t.Fatal(err)
			}
			want := naivePairs(x)
			gotSq, wantSq := squares(fast), squares(want)
			for name, ws := range wantSq {
				for a := range ws {
					for b := range ws {
						if g := gotSq[name][a][b]; !close(g, ws[a][b], 1e-12) {
							t.Fatalf("%s[%d][%d] = %v, naive %v", name, a, b, g, ws[a][b])
						}
					}
				}
			}
			jsd, err := JSD(x, 3)
			if err != nil {
				t.Fatal(err)
			}
			capa, _, err := CAPA(x, 3)
			if err != nil {
				t.Fatal(err)
			}
			for a := range tc.m {
				for b := range tc.m {
					if w := naiveJSD(x, a, b); !close(jsd[a][b], w, 1e-6*w+1e-12) {
						t.Fatalf("jsd[%d][%d] = %v, naive %v", a, b, jsd[a][b], w)
					}
					if w := naiveCAPA(x, a, b); !close(capa[a][b], w, 1e-6) {
						t.Fatalf("capa[%d][%d] = %v, naive %v", a, b, capa[a][b], w)
					}
				}
			}
		})
	}
}

func TestResultsDoNotDependOnTheNumberOfWorkers(t *testing.T) {
	x := randomMatrix(3, 150, 300, 10, 0.8)
	var first []byte
	for _, w := range []int{1, 2, 5, 16} {
		// Every random stream (bootstrap, both permutation nulls) runs;
		// fewer draws than the defaults keep the test short.
		r, err := Compute(x, Options{Workers: w, Bootstrap: 100, Permutations: 99})
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = b
		} else if string(b) != string(first) {
			t.Errorf("%d workers give other bytes than 1 worker", w)
		}
	}
}

func TestXlog2xIsAccurate(t *testing.T) {
	for _, x := range []float64{1e-45, 1e-30, 1e-7, 0.001, 0.1, 0.25, 1.0 / 3, 0.5, 0.7071, 0.70711, 0.9, 0.999999, 1, 1.5, 2, 1e10} {
		t.Run(fmt.Sprintf("x log2 x at %g is within 1e-13 relative", x), func(t *testing.T) {
			want := x * math.Log2(x)
			if got := xlog2x(x); math.Abs(got-want) > 1e-13*math.Abs(want)+1e-300 {
				t.Errorf("got %.17g, want %.17g", got, want)
			}
		})
	}
	if xlog2x(0) != 0 {
		t.Error("0 log 0 is not 0")
	}
}

func constant(m, n, c int, label, pred int32) *predmat.Matrix {
	x := &predmat.Matrix{Classes: c, Labels: make([]int32, n), Pred: make([]int32, m*n)}
	for a := range m {
		x.Models = append(x.Models, fmt.Sprintf("m%d", a))
	}
	for i := range n {
		x.Instances = append(x.Instances, fmt.Sprintf("i%d", i))
		x.Labels[i] = label
	}
	for k := range x.Pred {
		x.Pred[k] = pred
	}
	return x
}

func TestUndefinedMeasuresAreNaNWithAReason(t *testing.T) {
	allRight := constant(3, 10, 3, 1, 1)
	allWrong := constant(3, 10, 3, 1, 2)
	one := randomMatrix(5, 1, 20, 3, 0.5)
	for _, tc := range []struct {
		name string
		x    *predmat.Matrix
		path string // JSON path that must be NaN with a reason
		get  func(r *Result) float64
	}{
		{"κ of two constant identical predictors", allRight, "pairwise.cohen_kappa[0][1]", func(r *Result) float64 { return r.Pairwise.CohenKappa[0][1] }},
		{"error consistency of two perfect models", allRight, "pairwise.error_consistency[0][1]", func(r *Result) float64 { return r.Pairwise.ErrorConsistency[0][1] }},
		{"error consistency of two always-wrong models", allWrong, "pairwise.error_consistency[1][2]", func(r *Result) float64 { return r.Pairwise.ErrorConsistency[1][2] }},
		{"Q of perfect models", allRight, "pairwise.q_statistic[0][2]", func(r *Result) float64 { return r.Pairwise.QStatistic[0][2] }},
		{"ρ of perfect models", allRight, "pairwise.correlation[2][0]", func(r *Result) float64 { return r.Pairwise.Correlation[2][0] }},
		{"agreement given both wrong without shared errors", allRight, "pairwise.agreement_both_wrong[0][1]", func(r *Result) float64 { return r.Pairwise.AgreementBothWrong[0][1] }},
		{"error-normalised disagreement of a perfect row model", allRight, "pairwise.error_normalized_disagreement[1][0]", func(r *Result) float64 { return r.Pairwise.ErrorNormalizedDisagreement[1][0] }},
		{"homogenization with a perfect model", allRight, "ensemble.homogenization", func(r *Result) float64 { return float64(r.Ensemble.Homogenization) }},
		{"Fleiss κ of constant identical predictors", allRight, "ensemble.fleiss_kappa", func(r *Result) float64 { return float64(r.Ensemble.FleissKappa) }},
		{"interrater κ of perfect models", allRight, "ensemble.interrater_kappa", func(r *Result) float64 { return float64(r.Ensemble.InterraterKappa) }},
		{"interrater κ of always-wrong models", allWrong, "ensemble.interrater_kappa", func(r *Result) float64 { return float64(r.Ensemble.InterraterKappa) }},
		{"generalized diversity without errors", allRight, "ensemble.generalized_diversity", func(r *Result) float64 { return float64(r.Ensemble.GeneralizedDiversity) }},
		{"Fleiss κ of one model", one, "ensemble.fleiss_kappa", func(r *Result) float64 { return float64(r.Ensemble.FleissKappa) }},
		{"entropy E of one model", one, "ensemble.entropy", func(r *Result) float64 { return float64(r.Ensemble.Entropy) }},
		{"interrater κ of one model", one, "ensemble.interrater_kappa", func(r *Result) float64 { return float64(r.Ensemble.InterraterKappa) }},
	} {
		t.Run(tc.name+" is NaN with a reason", func(t *testing.T) {
			r, err := Compute(tc.x, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if v := tc.get(r); !math.IsNaN(v) {
				t.Errorf("value %v, want NaN", v)
			}
			if r.Reasons[tc.path] == "" {
				t.Errorf("no reason under %q; reasons: %v", tc.path, r.Reasons)
			}
		})
	}
}

func TestDefinedMeasuresHaveNoReason(t *testing.T) {
	for _, tc := range []struct {
		name string
		x    *predmat.Matrix
	}{
		{"a random matrix", randomMatrix(9, 6, 100, 5, 0.7)},
		{"the worked example", workedExample()},
		{"perfect models", constant(3, 10, 3, 1, 1)},
		{"always-wrong models", constant(4, 10, 3, 1, 2)},
		{"a grid with features", gridWithFeatures()},
	} {
		t.Run("every reason of "+tc.name+" belongs to a NaN", func(t *testing.T) {
			r, err := Compute(tc.x, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var doc map[string]any
			b, _ := json.Marshal(r)
			if err := json.Unmarshal(b, &doc); err != nil {
				t.Fatal(err)
			}
			nulls := map[string]bool{}
			walkNulls(doc, "", nulls)
			delete(nulls, "reasons")
			for p := range nulls {
				if r.Reasons[p] == "" {
					t.Errorf("null at %s without a reason", p)
				}
			}
			for p := range r.Reasons {
				if !nulls[p] {
					t.Errorf("reason for %s, which is not null", p)
				}
			}
		})
	}
}

// walkNulls records the JSON path of every null in v.
func walkNulls(v any, path string, out map[string]bool) {
	switch v := v.(type) {
	case nil:
		out[path] = true
	case map[string]any:
		if path == "reasons" {
			return
		}
		for k, e := range v {
			p := k
			if path != "" {
				p = path + "." + k
			}
			walkNulls(e, p, out)
		}
	case []any:
		for k, e := range v {
			walkNulls(e, fmt.Sprintf("%s[%d]", path, k), out)
		}
	}
}

func TestJSONHasTheContractShapeWithNulls(t *testing.T) {
	x := constant(2, 4, 3, 0, 0)
	x.Prob = make([]float32, 2*4*3)
	for k := 0; k < len(x.Prob); k += 3 {
		x.Prob[k] = 1
	}
	r, err := Compute(x, Options{})
	if err != nil {
		t.Fatal(err)
	}
	r.Ensemble.Extra = map[string]any{"homogenization_ci": Interval{0.5, math.NaN()}, "homogenization_p": Num(0.01)}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Models     []string `json:"models"`
		NInstances int      `json:"n_instances"`
		NClasses   int      `json:"n_classes"`
		PerModel   struct {
			Accuracy []float64 `json:"accuracy"`
		} `json:"per_model"`
		Pairwise map[string][][]*float64 `json:"pairwise"`
		Ensemble map[string]any          `json:"ensemble"`
		Reasons  map[string]string       `json:"reasons"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	if !reflect.DeepEqual(doc.Models, []string{"m0", "m1"}) || doc.NInstances != 4 || doc.NClasses != 3 || len(doc.PerModel.Accuracy) != 2 {
		t.Errorf("header fields wrong: %s", b)
	}
	for _, name := range []string{"agreement", "cohen_kappa", "error_consistency", "q_statistic", "correlation", "double_fault", "jsd", "capa",
		"correctness_disagreement", "agreement_both_wrong", "error_normalized_disagreement"} {
		if len(doc.Pairwise[name]) != 2 || len(doc.Pairwise[name][0]) != 2 {
			t.Errorf("pairwise.%s is not 2×2: %v", name, doc.Pairwise[name])
		}
	}
	if doc.Pairwise["cohen_kappa"][0][1] != nil || doc.Pairwise["capa"][0][1] != nil {
		t.Errorf("undefined κ or CAPA is not null: %s", b)
	}
	for _, name := range []string{"systemic_failure_rate", "independent_failure_rate", "homogenization", "all_correct_rate", "fleiss_kappa",
		"entropy", "kw_variance", "interrater_kappa", "difficulty", "generalized_diversity", "coincident_failure_diversity",
		"majority_vote_accuracy", "independent_all_correct_rate", "failure_count_histogram", "poisson_binomial", "mean_accuracy",
		"best_accuracy", "label_entropy", "homogenization_ci", "homogenization_p"} {
		if _, ok := doc.Ensemble[name]; !ok {
			t.Errorf("ensemble.%s missing", name)
		}
	}
	if doc.Ensemble["homogenization"] != nil || doc.Reasons["ensemble.homogenization"] == "" {
		t.Errorf("homogenization of perfect models: %v, reason %q", doc.Ensemble["homogenization"], doc.Reasons["ensemble.homogenization"])
	}
	if ci := doc.Ensemble["homogenization_ci"].([]any); ci[0] != 0.5 || ci[1] != nil {
		t.Errorf("homogenization_ci = %v, want [0.5, null]", ci)
	}
}

func TestWriteJSONWritesDeterministicBytes(t *testing.T) {
	dir := t.TempDir()
	x := randomMatrix(4, 5, 40, 3, 0.6)
	var files [2][]byte
	for k := range files {
		r, err := Compute(x, Options{Workers: k + 1})
		if err != nil {
			t.Fatal(err)
		}
		path := fmt.Sprintf("%s/r%d.json", dir, k)
		if err := WriteJSON(path, r); err != nil {
			t.Fatal(err)
		}
		files[k] = mustRead(t, path)
	}
	if string(files[0]) != string(files[1]) {
		t.Error("two writes of the same result differ")
	}
}

func TestComputeRejectsAnInvalidMatrix(t *testing.T) {
	x := randomMatrix(1, 2, 5, 3, 0.5)
	x.Pred[3] = 9
	if _, err := Compute(x, Options{}); err == nil {
		t.Error("no error for pred 9 with 3 classes")
	}
	if _, _, err := Pairwise(&predmat.Matrix{}, 1); err == nil {
		t.Error("Pairwise: no error for an empty matrix")
	}
}
