package metrics

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/study-harness/study/study/predmat"
)

// noHidden is the reason a logreg model has no features, as Collect
// writes it (models.ViewsOf).
const noHidden = "arch=logreg has no hidden layer; its 'features' would be its input"

// logitsMatrix reads testdata/logits_cka.json (gen_logits_cka.py) into a
// matrix: two logreg models with logits only, two nets with both.
func logitsMatrix(t *testing.T) (*predmat.Matrix, map[string][][]*float64) {
	t.Helper()
	var ref struct {
		N           int                     `json:"n"`
		Features    [][][]float64           `json:"features"`
		FeatureDims []int                   `json:"feature_dims"`
		Logits      [][][]float64           `json:"logits"`
		LogitDim    int                     `json:"logit_dim"`
		Expected    map[string][][]*float64 `json:"expected"`
	}
	if err := json.Unmarshal(mustRead(t, "testdata/logits_cka.json"), &ref); err != nil {
		t.Fatal(err)
	}
	flat := func(rows [][]float64) []float32 {
		if rows == nil {
			return nil
		}
		out := []float32{}
		for _, r := range rows {
			for _, v := range r {
				out = append(out, float32(v))
			}
		}
		return out
	}
	var feats, logits [][]float32
	for a := range ref.Logits {
		feats, logits = append(feats, flat(ref.Features[a])), append(logits, flat(ref.Logits[a]))
	}
	x := featureMatrix(feats, ref.FeatureDims, ref.N)
	x.Logits = logits
	for range logits {
		x.LogitDims = append(x.LogitDims, ref.LogitDim)
	}
	x.NoFeatures = []string{noHidden, noHidden, "", ""}
	return x, ref.Expected
}

func TestLogitsCKAMatchesNumpy(t *testing.T) {
	x, want := logitsMatrix(t)
	rep, why := Representations(x, 0, 0, 2)
	if rep == nil {
		t.Fatalf("no representation: %v", why)
	}
	got := map[string]Square{"cka_linear": rep.CKALinear, "logits_cka_linear": rep.LogitsCKALinear}
	for name, w := range want {
		t.Run(name+" matches numpy", func(t *testing.T) {
			for a := range w {
				for b := range w[a] {
					g := got[name][a][b]
					switch {
					case w[a][b] == nil && !math.IsNaN(g):
						t.Errorf("[%d][%d] = %v, want NaN", a, b, g)
					case w[a][b] != nil && !(math.Abs(g-*w[a][b]) <= 1e-9):
						t.Errorf("[%d][%d] = %.12g, want %.12g", a, b, g, *w[a][b])
					}
				}
			}
		})
	}
}

// TestRepresentationNullsSayWhichLayerIsMissing checks metrics.json: a
// model without a hidden layer has null hidden-layer measures with its
// reason, never a CKA of 1 from its inputs, while the logits view covers
// every model that has logits; a member no model has is null as a whole.
func TestRepresentationNullsSayWhichLayerIsMissing(t *testing.T) {
	const oldRecord = "the run's record holds no logits"
	tests := []struct {
		name    string
		edit    func(x *predmat.Matrix)
		reasons map[string]string // JSON path → reason; each path must be null
		values  []string          // paths that must not be null
	}{
		{"logreg models have no hidden-layer measures", func(*predmat.Matrix) {}, map[string]string{
			"representation.cka_linear[0][1]":   noHidden,
			"representation.cka_debiased[2][0]": noHidden,
			"representation.cka_rbf[1][1]":      noHidden,
			"representation.mutual_knn[3][1]":   noHidden,
		}, []string{"representation.logits_cka_linear[0][1]", "representation.cka_linear[2][3]"}},
		{"no model with features nulls the hidden members whole", func(x *predmat.Matrix) {
			x.Features, x.FeatureDims = nil, nil
			x.NoFeatures = []string{noHidden, noHidden, noHidden, noHidden}
		}, map[string]string{
			"representation.cka_linear":   "no model has penultimate-layer features: " + noHidden,
			"representation.mutual_knn":   "no model has penultimate-layer features: " + noHidden,
			"representation.cka_debiased": "no model has penultimate-layer features: " + noHidden,
		}, []string{"representation.logits_cka_linear[0][1]"}},
		{"a record without logits has null logits CKA", func(x *predmat.Matrix) {
			x.Logits[3] = nil
			x.NoLogits = []string{"", "", "", oldRecord}
		}, map[string]string{"representation.logits_cka_linear[3][0]": oldRecord, "representation.logits_cka_linear[1][3]": oldRecord},
			[]string{"representation.logits_cka_linear[0][1]"}},
		{"no model with logits nulls the logits member", func(x *predmat.Matrix) {
			x.Logits, x.LogitDims = nil, nil
		}, map[string]string{"representation.logits_cka_linear": "no model has logits"},
			[]string{"representation.cka_linear[2][3]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x, _ := logitsMatrix(t)
			tt.edit(x)
			r, err := Compute(x, Options{Bootstrap: -1, Permutations: -1})
			if err != nil {
				t.Fatal(err)
			}
			b, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			var doc map[string]any
			if err := json.Unmarshal(b, &doc); err != nil {
				t.Fatal(err)
			}
			nulls := map[string]bool{}
			walkNulls(doc, "", nulls)
			for path, want := range tt.reasons {
				if got := r.Reasons[path]; got != want {
					t.Errorf("reason at %s = %q, want %q", path, got, want)
				}
				if !nulls[path] {
					t.Errorf("%s is not null", path)
				}
			}
			for _, path := range tt.values {
				if nulls[path] {
					t.Errorf("%s is null (%s)", path, r.Reasons[path])
				}
			}
		})
	}
}
