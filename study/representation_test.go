package study

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/study-harness/study/study/store"
)

// augmentSpec trains two logreg runs that differ only in augmentation.
const augmentSpec = `name: aug
seed: 1
dataset: {name: mnist, train: 1000, test: 200}
fixed: {arch: logreg, epochs: 2, batch: 64, optimizer: adam, lr: 0.001}
axes:
  augment: [none, flip]
`

// TestLogregRunsHaveNoCKAOfOne is issue 16's check: two logreg runs that
// differ only in augmentation used to have linear, debiased and RBF CKA
// and mutual k-NN of exactly 1, computed on their inputs. Now the
// hidden-layer measures are null with the reason, and the logits view
// tells the two apart.
func TestLogregRunsHaveNoCKAOfOne(t *testing.T) {
	res := t.TempDir()
	if err := runStudy(t, writeSpec(t, augmentSpec), res, RunOptions{}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(res, "aug", store.MetricsFile))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Models         []string                   `json:"models"`
		Representation map[string]json.RawMessage `json:"representation"`
		Reasons        map[string]string          `json:"reasons"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Models) != 2 {
		t.Fatalf("%d models, want 2", len(m.Models))
	}
	for _, name := range []string{"cka_linear", "cka_debiased", "cka_rbf", "mutual_knn", "logits_cka_linear"} {
		t.Run(name+" reports no 1 between the two runs", func(t *testing.T) {
			var s [][]*float64
			if err := json.Unmarshal(m.Representation[name], &s); err != nil {
				t.Fatal(err)
			}
			if name == "logits_cka_linear" {
				if len(s) != 2 || s[0][1] == nil || !(*s[0][1] < 1 && *s[0][1] > 0) {
					t.Fatalf("logits CKA %s, want a value in (0, 1)", m.Representation[name])
				}
				return
			}
			why := m.Reasons["representation."+name]
			if s != nil || !strings.Contains(why, "arch=logreg has no hidden layer") {
				t.Errorf("%s = %s with reason %q, want null because logreg has no hidden layer", name, m.Representation[name], why)
			}
		})
	}
}
