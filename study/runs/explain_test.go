package runs

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/study-harness/study/study/spec"
	"github.com/study-harness/study/study/store"
)

// explainSpec explains a logreg, an mlp, a naive Bayes and a tree on a
// small MNIST, with smoothgrad (random) among the methods.
const explainSpec = `name: ex
seed: 5
dataset: {name: mnist, train: 600, test: 120}
fixed: {epochs: 1, batch: 32, widths: [16], optimizer: adam, lr: 0.01}
axes:
  arch: [logreg, mlp, naive_bayes, tree]
  seed: [1, 2]
explain:
  methods: [saliency, smoothgrad, integrated_gradients, occlusion]
  instances: 12
  steps: 4
  samples: 3
  patch: 7
`

// attrFiles returns every attribution file of a results folder's runs by
// run id and file name.
func attrFiles(t *testing.T, p *Plan) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, r := range p.Runs {
		run, err := storedRun(p.Dir, r.ID)
		if err != nil {
			t.Fatalf("run %s: %v", r.Name, err)
		}
		for _, name := range run.Files() {
			if strings.HasPrefix(name, "attributions-") || name == store.IGDeltaFile {
				b, err := run.File(name)
				if err != nil {
					t.Fatal(err)
				}
				out[r.ID+"/"+name] = b
			}
		}
	}
	return out
}

// TestExecuteStoresAttributionsForAnyWorkerCount checks a study's
// attribution files: per net every method and the IG delta, per fitted
// model occlusion only, the same bits with one worker and with three,
// and the prediction matrix carrying them with the reasons.
func TestExecuteStoresAttributionsForAnyWorkerCount(t *testing.T) {
	ctx := context.Background()
	one := plan(t, explainSpec, t.TempDir())
	if _, err := Execute(ctx, one, Options{Workers: 1}); err != nil {
		t.Fatal(err)
	}
	three := plan(t, explainSpec, t.TempDir())
	if _, err := Execute(ctx, three, Options{Workers: 3}); err != nil {
		t.Fatal(err)
	}
	ref := attrFiles(t, one)
	if want := 4*(4+1) + 4*1; len(ref) != want { // nets: 4 methods + delta; fitted: occlusion
		t.Fatalf("%d attribution files, want %d", len(ref), want)
	}
	got := attrFiles(t, three)
	if len(got) != len(ref) {
		t.Fatalf("%d attribution files with three workers, %d with one", len(got), len(ref))
	}
	for k, v := range ref {
		if !bytes.Equal(v, got[k]) {
			t.Errorf("%s differs between one and three workers", k)
		}
	}
	x, err := Collect(one.Dir)
	if err != nil {
		t.Fatal(err)
	}
	a := x.Attributions
	if a == nil || a.Rows != 12 || a.Dim != 784 || !slices.Equal(a.Methods, []string{"saliency", "smoothgrad", "integrated_gradients", "occlusion"}) {
		t.Fatalf("Attributions = %+v", a)
	}
	for m, name := range x.Models {
		fitted := strings.Contains(name, "naive_bayes") || strings.Contains(name, "tree")
		for k, method := range a.Methods {
			has := a.Values[k][m] != nil
			if has != (!fitted || method == "occlusion") || (a.Why[k][m] == "") != has {
				t.Errorf("model %s, %s: values %v, reason %q", name, method, has, a.Why[k][m])
			}
		}
		if (a.IGDelta[m] != nil) == fitted {
			t.Errorf("model %s: IG delta %v", name, a.IGDelta[m])
		}
	}
	// The attributions are on the first rows of feature_index.json.
	h, err := Explain(one.Dir)
	if err != nil || h == nil || h.Instances != 12 || h.Features != 784 || !slices.Equal(one.ExplainIdx, one.FeatureIdx[:12]) {
		t.Fatalf("Explain = %+v, %v", h, err)
	}
}

// TestExplainChangesRunIDs checks that an explain block, or another
// setting of it, gives other run ids: a run stores its attributions.
func TestExplainChangesRunIDs(t *testing.T) {
	ids := func(src string) []string {
		var out []string
		for _, r := range plan(t, src, t.TempDir()).Runs {
			out = append(out, r.ID)
		}
		return out
	}
	plain := ids(strings.Split(explainSpec, "explain:")[0])
	with := ids(explainSpec)
	other := ids(strings.Replace(explainSpec, "steps: 4", "steps: 5", 1))
	if slices.Equal(plain, with) || slices.Equal(with, other) {
		t.Fatal("explain or its settings left the run ids unchanged")
	}
	// k is the metrics stage's alone.
	if k := ids(strings.Replace(explainSpec, "steps: 4", "steps: 4\n  k: 0.1", 1)); !slices.Equal(with, k) {
		t.Fatal("explain.k changed the run ids")
	}
}

func TestExplainRefusesWhatTheDataCannotHave(t *testing.T) {
	tests := []struct{ name, from, to, msg string }{
		{"a top-k beyond the features", "patch: 7", "patch: 7\n  k: 800", "explain.k: top-800"},
		{"a patch beyond the image", "patch: 7", "patch: 29", "explain.patch: a patch of 29 pixels"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := spec.Parse(filepath.Join(t.TempDir(), "e.yaml"), []byte(strings.Replace(explainSpec, tt.from, tt.to, 1)))
			if err != nil {
				t.Fatal(err)
			}
			_, err = NewPlan(s, t.TempDir(), 0)
			var ie *InputError
			if !errors.As(err, &ie) || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("NewPlan = %v, want an input error with %q", err, tt.msg)
			}
		})
	}
}
