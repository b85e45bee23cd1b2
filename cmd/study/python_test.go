package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// pythonWithNumpy returns a python3 that can import numpy, or skips t.
func pythonWithNumpy(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"python3", "/usr/bin/python3"} {
		p, err := exec.LookPath(name)
		if err != nil {
			continue
		}
		if exec.Command(p, "-c", "import numpy").Run() == nil {
			return p
		}
	}
	t.Skip("no python3 with numpy (apt-get install python3-numpy): python/write_predictions.py is not tested")
	return ""
}

// zooScript writes 6 models (2 architectures × 3 seeds) with
// python/write_predictions.py: predictions, a models table, features
// and a group per instance.
const zooScript = `
import sys
sys.path.insert(0, sys.argv[1])
import numpy as np
from write_predictions import save_predictions, save_features
rng = np.random.default_rng(0)
M, N, C = 6, 400, 4
labels = rng.integers(0, C, N)
models, meta = [], {}
probs = np.zeros((M, N, C), dtype=np.float32)
for a, arch in enumerate(["cnn", "mlp"]):
    for s in range(3):
        name = "%s seed %d" % (arch, s)
        models.append(name)
        meta[name] = {"arch": arch, "seed": s}
        z = rng.normal(size=(N, C))
        z[np.arange(N), labels] += 1.5 + a
        p = np.exp(z)
        probs[3 * a + s] = p / p.sum(axis=1, keepdims=True)
        f = rng.normal(size=(N, 6)) + np.eye(C, 6)[labels] * (2 + a)
        save_features("feats", name, f)
groups = np.where(np.arange(N) % 2 == 0, "even", "odd")
print(*save_predictions("preds", probs, labels, models, meta=meta, groups=groups))
`

// TestPythonHelperFeedsAnalyze runs python/write_predictions.py as a
// PyTorch user would and analyzes what it wrote: the attribution, the
// generalisation–disagreement relation, the representation view and
// the measures per group are filled in.
func TestPythonHelperFeedsAnalyze(t *testing.T) {
	py := pythonWithNumpy(t)
	helper, err := filepath.Abs("../../python")
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	cmd := exec.Command(py, "-c", zooScript, helper)
	cmd.Dir = tmp
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("python: %v\n%s", err, out)
	}
	if got := strings.TrimSpace(string(out)); got != "preds.npz preds.models.csv" {
		t.Fatalf("save_predictions returned %q, want the npz and the models table", got)
	}
	r := runStudy(t, tmp, "analyze", "preds.npz", "--meta", "preds.models.csv", "--features", "feats", "--out", "out")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	b, err := os.ReadFile(filepath.Join(tmp, "out", "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"attribution", "generalization_disagreement", "representation", "groups"} {
		if len(m[k]) == 0 || string(m[k]) == "null" {
			t.Errorf("%s is null; reasons: %s", k, m["reasons"])
		}
	}
}
