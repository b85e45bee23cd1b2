package study

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDatasetGroupsReachMetricsAndReport trains on a CSV whose group B
// has its labels flipped against the pattern that fits group A, nine
// times its size: every model learns A's rule and fails B.
func TestDatasetGroupsReachMetricsAndReport(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(3, 4))
	var b bytes.Buffer
	b.WriteString("x1,x2,who,label\n")
	for i := range 1000 {
		x1, x2 := rng.NormFloat64(), rng.NormFloat64()
		for x1 > -0.3 && x1 < 0.3 { // a margin, so that no model errs on A by chance
			x1 = rng.NormFloat64()
		}
		label, group := 0, "A"
		if x1 > 0 {
			label = 1
		}
		if i%10 == 0 {
			label, group = 1-label, "B"
		}
		fmt.Fprintf(&b, "%.4f,%.4f,%s,%d\n", x1, x2, group, label)
	}
	os.WriteFile(filepath.Join(dir, "people.csv"), b.Bytes(), 0o644)
	spec := filepath.Join(dir, "spec.yaml")
	os.WriteFile(spec, []byte(`name: people
seed: 1
dataset: {name: csv, path: people.csv, group: who, test: 300}
task: binary
fixed: {epochs: 10, batch: 32, optimizer: adam, lr: 0.01, widths: [8]}
axes:
  arch: [logreg, mlp, tree]
`), 0o644)
	res := t.TempDir()
	if err := runStudy(t, spec, res, RunOptions{}); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(res, "people")
	var m struct {
		Groups struct {
			Groups []struct {
				Name                string
				N                   int
				SystemicFailureRate float64 `json:"systemic_failure_rate"`
			}
			Disparity []struct {
				Measure  string
				MaxGroup string `json:"max_group"`
				Gap      float64
			}
		}
	}
	raw, err := os.ReadFile(filepath.Join(out, "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	g := m.Groups.Groups
	if len(g) != 2 || g[0].Name != "A" || g[1].Name != "B" || g[0].N+g[1].N != 300 {
		t.Fatalf("groups %+v; want A and B over 300 test instances", g)
	}
	if g[0].SystemicFailureRate > 0.05 || g[1].SystemicFailureRate < 0.8 {
		t.Errorf("systemic failure rates A %v, B %v; want ≈ 0 and ≈ 1", g[0].SystemicFailureRate, g[1].SystemicFailureRate)
	}
	if d := m.Groups.Disparity[1]; d.Measure != "systemic_failure_rate" || d.MaxGroup != "B" || d.Gap < 0.75 {
		t.Errorf("disparity %+v; want B failed more, by ≥ 0.75", d)
	}
	pred, _ := os.ReadFile(filepath.Join(out, "predictions.csv"))
	if first, _, _ := strings.Cut(string(pred), "\n"); !strings.HasSuffix(first, ",group") {
		t.Errorf("predictions.csv header %q lacks the group column", first)
	}
	html, _ := os.ReadFile(filepath.Join(out, "report.html"))
	if !bytes.Contains(html, []byte("Who is failed by every model")) {
		t.Error("the report lacks the groups section")
	}
}
