package train

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/study-harness/study/study/explain"
	"github.com/study-harness/study/study/spec"
)

// TestRunAttributesEveryFamily checks the attributions of a trained run:
// occlusion for every family, the gradient methods for nets only (the
// others say why), the same bits when the run is trained again, and, on
// a logistic regression, saliency equal to |W_c| of the target class
// (multiclass) or |w| (binary: F_1 = z, F_0 = −z), which checks that the
// gradient is the target logit's.
func TestRunAttributesEveryFamily(t *testing.T) {
	idx := []int{0, 3, 7, 11, 20, 33, 50, 59}
	ex := &spec.Explain{Methods: []explain.Method{"saliency", "integrated_gradients", "occlusion"}, Target: "pred", K: 0.25,
		Steps: 8, Rule: explain.GaussLegendre, Sigma: 0.1, Samples: 2, Patch: 1, Stride: 1}
	tests := []struct {
		arch    string
		classes int
		binary  bool
		grad    bool
	}{{"logreg", 3, false, true}, {"logreg", 2, true, true}, {"mlp", 3, false, true}, {"naive_bayes", 3, false, false}, {"tree", 3, false, false}, {"knn", 3, false, false}}
	for _, tt := range tests {
		t.Run(tt.arch, func(t *testing.T) {
			d := blobSet(tt.classes, 4, 30, 2)
			job := Job{Config: config(tt.arch, "adam", 0.05), SpecSeed: 3, Data: d, Binary: tt.binary, Explain: ex, ExplainIdx: idx, SaveWeights: true}
			res, err := Run(context.Background(), job)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Attributions) != 3 {
				t.Fatalf("%d methods attributed, want 3", len(res.Attributions))
			}
			for _, a := range res.Attributions {
				has := a.Values != nil
				if want := tt.grad || a.Method == "occlusion"; has != want || (a.Why == "") != want {
					t.Fatalf("%s: values %v, reason %q", a.Method, has, a.Why)
				}
				if has && len(a.Values) != len(idx)*d.In {
					t.Fatalf("%s: %d values, want %d", a.Method, len(a.Values), len(idx)*d.In)
				}
				if (a.Delta != nil) != (has && a.Method == "integrated_gradients") {
					t.Fatalf("%s: delta %v", a.Method, a.Delta)
				}
			}
			again, err := Run(context.Background(), job)
			if err != nil {
				t.Fatal(err)
			}
			for k, a := range res.Attributions {
				b := again.Attributions[k]
				if !slices.Equal(math32bits(a.Values), math32bits(b.Values)) || !slices.Equal(a.Delta, b.Delta) {
					t.Fatalf("%s differs when the run is trained again", a.Method)
				}
			}
			if tt.arch != "logreg" {
				return
			}
			w := res.Weights[0].W // Dense weight [out, in]
			sal := res.Attributions[0].Values
			for i, r := range idx {
				c := int(res.TestPred[r])
				for j := range d.In {
					want := w[j]
					if !tt.binary {
						want = w[c*d.In+j]
					}
					if got := sal[i*d.In+j]; got != float32(math.Abs(float64(want))) {
						t.Fatalf("instance %d feature %d: saliency %v, want |w| %v", i, j, got, math.Abs(float64(want)))
					}
				}
			}
		})
	}
}

func math32bits(v []float32) []uint32 {
	out := make([]uint32, len(v))
	for i, x := range v {
		out[i] = math.Float32bits(x)
	}
	return out
}
