package metrics

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/study-harness/study/study/predmat"
)

// referenceFile is produced by testdata/gen_reference.py (scikit-learn's
// cohen_kappa_score, numpy for the rest); the command is in its header.
type referenceFile struct {
	Cases []referenceCase `json:"cases"`
}

type referenceCase struct {
	Name    string        `json:"name"`
	Classes int           `json:"classes"`
	Labels  []int32       `json:"labels"`
	Preds   [][]int32     `json:"preds"`
	Probs   [][][]float64 `json:"probs"`
	// Expected holds the pairwise matrices by JSON name.
	Expected map[string]json.RawMessage `json:"expected"`
	// PerModel holds "accuracy" and "error", one value per model.
	PerModel map[string][]*float64 `json:"per_model"`
	// Ensemble holds every member of EnsembleStats by JSON name: a
	// number, null (undefined) or, for the histogram and the
	// Poisson-binomial pmf, an array of M+1 numbers.
	Ensemble map[string]json.RawMessage `json:"ensemble"`
}

func readReference(t *testing.T) []referenceCase {
	t.Helper()
	raw, err := os.ReadFile("testdata/reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref referenceFile
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref.Cases) == 0 {
		t.Fatal("no reference cases")
	}
	return ref.Cases
}

// matrix builds the prediction matrix of a reference case.
func (rc *referenceCase) matrix() *predmat.Matrix {
	x := &predmat.Matrix{Classes: rc.Classes, Labels: rc.Labels}
	for i := range rc.Labels {
		x.Instances = append(x.Instances, fmt.Sprint(i))
	}
	for a, row := range rc.Preds {
		x.Models = append(x.Models, fmt.Sprint("m", a))
		x.Pred = append(x.Pred, row...)
		for _, inst := range rc.Probs[a] {
			for _, p := range inst {
				x.Prob = append(x.Prob, float32(p))
			}
		}
	}
	return x
}

func TestMeasuresMatchScikitLearnAndNumpy(t *testing.T) {
	for _, rc := range readReference(t) {
		r, err := Compute(rc.matrix(), Options{Workers: 2})
		if err != nil {
			t.Fatalf("%s: %v", rc.Name, err)
		}
		mats := squares(&r.Pairwise)
		mats["jsd"], mats["capa"] = r.Pairwise.JSD, r.Pairwise.CAPA
		// JSD: the AVX2 kernel is float32, within about 1e-7 relative.
		tol := map[string]float64{"jsd": 1e-7, "capa": 1e-6}
		for name, want := range rc.Expected {
			t.Run(fmt.Sprintf("%s of %s matches", name, rc.Name), func(t *testing.T) {
				var w [][]*float64
				if err := json.Unmarshal(want, &w); err != nil {
					t.Fatal(err)
				}
				got, ok := mats[name]
				if !ok {
					t.Fatalf("no matrix %s", name)
				}
				eps := 1e-12
				if v, ok := tol[name]; ok {
					eps = v
				}
				for a := range w {
					for b := range w[a] {
						if !close(got[a][b], deref(w[a][b]), eps) {
							t.Errorf("[%d][%d] = %v, want %v", a, b, got[a][b], deref(w[a][b]))
						}
						if math.IsNaN(got[a][b]) && r.Reasons[fmt.Sprintf("pairwise.%s[%d][%d]", name, a, b)] == "" {
							t.Errorf("[%d][%d] is NaN without a reason", a, b)
						}
					}
				}
			})
		}
	}
}

// ensembleTol is the relative tolerance (absolute for a reference value of
// 0) of the per-model and ensemble measures. Every one of them is float64
// arithmetic on integer counts, in Go and in numpy, so the two agree to a
// few ulps; the different routes stay far inside 1e-12: H in logarithms
// (exp(log SFR − Σ log e_m), relative error about (|log SFR| + Σ|log e_m|)
// ulps, under 1e-14 here), the Poisson-binomial pmf by recurrence against
// numpy's sum over all 2^M patterns (sums of positive terms, relative error
// under 2^M ulps), the label entropy with log2 against numpy's log2. The
// largest difference seen is 3e-13 relative, interrater κ = −0.0014 of the
// 8-model case: 1 − X with X ≈ 1.0014 loses three digits to cancellation
// (2 ulps of X); every other value agrees within 2e-14.
const ensembleTol = 1e-12

// ensembleMismatch describes how got departs from want, or returns "".
// want NaN (null) matches only NaN.
func ensembleMismatch(got, want float64) string {
	tol := ensembleTol * math.Abs(want)
	if want == 0 {
		tol = ensembleTol
	}
	switch {
	case math.IsNaN(want) || math.IsNaN(got):
		if math.IsNaN(want) && math.IsNaN(got) {
			return ""
		}
	case math.Abs(got-want) <= tol:
		return ""
	}
	return fmt.Sprintf("got %.17g, numpy %.17g (relative tolerance %g)", got, want, ensembleTol)
}

// ensembleFields returns every fixed member of e under its JSON name, a
// number as a vector of one, so that a member added to EnsembleStats
// without a reference value fails the test.
func ensembleFields(t *testing.T, e *EnsembleStats) map[string][]float64 {
	t.Helper()
	out := map[string][]float64{}
	v := reflect.ValueOf(e).Elem()
	for i := range v.NumField() {
		name, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		switch f := v.Field(i).Interface().(type) {
		case Num:
			out[name] = []float64{float64(f)}
		case Vec:
			out[name] = f
		default:
			t.Fatalf("EnsembleStats.%s has type %T", v.Type().Field(i).Name, f)
		}
	}
	return out
}

// decodeNums reads a number, null or an array of them as a vector.
func decodeNums(raw json.RawMessage) ([]float64, error) {
	var w []*float64
	if s := strings.TrimSpace(string(raw)); strings.HasPrefix(s, "[") {
		if err := json.Unmarshal(raw, &w); err != nil {
			return nil, err
		}
	} else {
		var v *float64
		if err := json.Unmarshal(raw, &v); err != nil {
			return nil, err
		}
		w = []*float64{v}
	}
	out := make([]float64, len(w))
	for k, p := range w {
		out[k] = deref(p)
	}
	return out, nil
}

// Every per-model and ensemble measure (all of Result.PerModel and
// Result.EnsembleStats but the bootstrap intervals and permutation
// p-values in their Extra maps) against numpy, on the random matrices, the
// degenerate ones and the vote-tie cases (even M, 2-2, 3-3, 2-2-2 splits)
// of testdata/gen_reference.py.
func TestEnsembleMatchesNumpy(t *testing.T) {
	for _, rc := range readReference(t) {
		r, err := Compute(rc.matrix(), Options{Workers: 2})
		if err != nil {
			t.Fatalf("%s: %v", rc.Name, err)
		}
		m := len(rc.Preds)
		got := ensembleFields(t, &r.Ensemble)
		got["per_model.accuracy"], got["per_model.error"] = r.PerModel.Accuracy, r.PerModel.Error
		want := map[string][]float64{}
		for name, raw := range rc.Ensemble {
			v, err := decodeNums(raw)
			if err != nil {
				t.Fatalf("%s: ensemble.%s: %v", rc.Name, name, err)
			}
			want[name] = v
		}
		for name, w := range rc.PerModel {
			v := make([]float64, len(w))
			for a, p := range w {
				v[a] = deref(p)
			}
			want["per_model."+name] = v
		}
		if len(want) != len(got) {
			t.Errorf("%s: %d reference values for %d measures", rc.Name, len(want), len(got))
		}
		for name, g := range got {
			t.Run(fmt.Sprintf("%s of %s matches", name, rc.Name), func(t *testing.T) {
				w, ok := want[name]
				if !ok {
					t.Fatalf("no reference value")
				}
				if len(g) != len(w) {
					t.Fatalf("%d values, numpy has %d", len(g), len(w))
				}
				if n := len(w); n != 1 && n != m && n != m+1 {
					t.Fatalf("%d values for %d models", n, m)
				}
				for k := range w {
					if msg := ensembleMismatch(g[k], w[k]); msg != "" {
						t.Errorf("[%d]: %s", k, msg)
					}
				}
				if len(g) == 1 && math.IsNaN(g[0]) && r.Reasons["ensemble."+name] == "" {
					t.Errorf("NaN without a reason")
				}
			})
		}
	}
}

// The ensemble comparison notices a value off by 1e-9 (relative, or
// absolute for 0) and a NaN, and a reference null is matched only by NaN.
func TestEnsembleComparisonCatchesSmallErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		spoil func(v float64) float64
	}{
		{"a value 1e-9 too large (relative)", func(v float64) float64 { return v * (1 + 1e-9) }},
		{"a value 1e-9 too small (relative)", func(v float64) float64 { return v * (1 - 1e-9) }},
		{"a value 1e-9 too large (absolute)", func(v float64) float64 { return v + 1e-9 }},
		{"a NaN", func(float64) float64 { return math.NaN() }},
	} {
		t.Run(tc.name+" is caught", func(t *testing.T) {
			for _, rc := range readReference(t) {
				for name, raw := range rc.Ensemble {
					w, err := decodeNums(raw)
					if err != nil {
						t.Fatal(err)
					}
					for k, v := range w {
						if math.IsNaN(v) {
							if ensembleMismatch(0, v) == "" || ensembleMismatch(1, v) == "" {
								t.Errorf("%s: ensemble.%s[%d]: a number matches null", rc.Name, name, k)
							}
							continue
						}
						if s := tc.spoil(v); (v != 0 || !strings.Contains(tc.name, "relative")) && ensembleMismatch(s, v) == "" {
							t.Errorf("%s: ensemble.%s[%d] = %v: not caught", rc.Name, name, k, v)
						}
					}
				}
			}
		})
	}
}

// voteCounts returns, for instance i of a reference case, how many models
// predict each class.
func voteCounts(rc *referenceCase, i int) []int {
	cnt := make([]int, rc.Classes)
	for _, row := range rc.Preds {
		cnt[row[i]]++
	}
	return cnt
}

// The reference cases exercise the plurality vote's "ties go to the lowest
// class" rule with an even number of models: each kind of tie below occurs
// in some case with M = 4 and in some case with M = 6.
func TestReferenceCasesExerciseVoteTies(t *testing.T) {
	// tie reports the classes sharing the top count and the label's count.
	type tie struct {
		top        []int // classes with the top count, ascending
		first      int   // the first model's prediction
		label, cnt int   // the label and how many models predict it
		topCount   int
	}
	cases := readReference(t)
	for _, tc := range []struct {
		name string
		ok   func(v tie) bool
	}{
		{"a two-way tie won by the label as the lowest class, a higher class voted first", func(v tie) bool {
			return len(v.top) == 2 && v.top[0] == v.label && v.first != v.label
		}},
		{"a two-way tie the label loses to a lower class", func(v tie) bool {
			return len(v.top) == 2 && v.top[1] == v.label
		}},
		{"a three-way or wider tie won by the label", func(v tie) bool { return len(v.top) >= 3 && v.top[0] == v.label }},
		{"a three-way or wider tie the label loses", func(v tie) bool {
			return len(v.top) >= 3 && v.top[0] != v.label && v.cnt == v.topCount
		}},
	} {
		for _, m := range []int{4, 6} {
			t.Run(fmt.Sprintf("%s, M = %d", tc.name, m), func(t *testing.T) {
				for _, rc := range cases {
					if len(rc.Preds) != m {
						continue
					}
					for i, y := range rc.Labels {
						cnt := voteCounts(&rc, i)
						v := tie{first: int(rc.Preds[0][i]), label: int(y), cnt: cnt[y]}
						for k, c := range cnt {
							switch {
							case c > v.topCount:
								v.top, v.topCount = []int{k}, c
							case c == v.topCount:
								v.top = append(v.top, k)
							}
						}
						if tc.ok(v) {
							return
						}
					}
				}
				t.Error("no instance in testdata/reference.json")
			})
		}
	}
}

func deref(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}
