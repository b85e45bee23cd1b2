package study

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/study-harness/study/study/store"
)

// explainStudySpec explains an mlp and a tree on a small MNIST.
const explainStudySpec = `name: ex
seed: 2
dataset: {name: mnist, train: 300, test: 60}
fixed: {epochs: 1, batch: 32, widths: [8], optimizer: adam, lr: 0.01}
axes:
  arch: [mlp, tree]
explain: {methods: [saliency, occlusion], instances: 10, patch: 7}
`

// TestExplainEndToEnd runs a study with an explain block: metrics.json
// has explanations.<method> (the tree's saliency row null, with the
// reason), the report has the Interpretability section, and study
// extract writes each run's attributions-<method>.npy, 10 × 784.
func TestExplainEndToEnd(t *testing.T) {
	res := t.TempDir()
	if err := runStudy(t, writeSpec(t, explainStudySpec), res, RunOptions{Workers: 2}); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(res, "ex")
	var m struct {
		Models       []string `json:"models"`
		Explanations map[string]struct {
			NModels          int          `json:"n_models"`
			FeatureAgreement [][]*float64 `json:"feature_agreement"`
		} `json:"explanations"`
		Reasons map[string]string `json:"reasons"`
	}
	b, err := os.ReadFile(filepath.Join(dir, store.MetricsFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	sal, occ := m.Explanations["saliency"], m.Explanations["occlusion"]
	if sal.NModels != 1 || occ.NModels != 2 || sal.FeatureAgreement[1][1] != nil || occ.FeatureAgreement[1][1] == nil {
		t.Fatalf("explanations: saliency %d models, occlusion %d", sal.NModels, occ.NModels)
	}
	if m.Reasons["explanations.saliency.feature_agreement[1]"] == "" {
		t.Errorf("no reason for the tree's saliency: %v", m.Reasons)
	}
	html, err := os.ReadFile(filepath.Join(dir, store.ReportFile))
	if err != nil || !bytes.Contains(html, []byte(`id="x-interpretability"`)) {
		t.Fatalf("report without the Interpretability section (%v)", err)
	}
	out := filepath.Join(t.TempDir(), "runs")
	if err := Extract(dir, out, nil, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	entries, err := store.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		want := map[string]bool{"attributions-occlusion.npy": true, "attributions-saliency.npy": e.Name == "arch=mlp"}
		for name, has := range want {
			x, rows, cols, err := store.ReadNPY(filepath.Join(out, e.ID, name))
			if (err == nil) != has {
				t.Fatalf("run %s: %s: %v", e.Name, name, err)
			}
			if has && (rows != 10 || cols != 784 || len(x) != 10*784) {
				t.Errorf("run %s: %s is %d × %d", e.Name, name, rows, cols)
			}
		}
	}
}
