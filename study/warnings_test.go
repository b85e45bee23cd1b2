package study

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/study-harness/study/study/metrics"
	"github.com/study-harness/study/study/predmat"
	"github.com/study-harness/study/study/predmat/predmattest"
	"github.com/study-harness/study/study/store"
)

// TestSeedOnADeterministicFitterIsWarned trains knn and an mlp under
// three seeds: the knn runs are one model, so the summary and the report
// warn that they are not seed replicates, and the generalisation–
// disagreement view keeps the mlp's recipe only.
func TestSeedOnADeterministicFitterIsWarned(t *testing.T) {
	src := `name: t
seed: 3
dataset: {name: moons, train: 200, test: 100, noise: 0.2}
task: binary
fixed: {epochs: 2, batch: 32, optimizer: adam, lr: 0.01, widths: [8]}
axes:
  arch: [knn, mlp]
  seed: [1, 2, 3]
`
	res := t.TempDir()
	var stdout bytes.Buffer
	o := RunOptions{Results: res, MaxRuns: DefaultMaxRuns}
	if err := Run(context.Background(), writeSpec(t, src), o, &stdout, io.Discard); err != nil {
		t.Fatal(err)
	}
	var m struct {
		GD []struct {
			Recipe string `json:"recipe"`
		} `json:"generalization_disagreement"`
	}
	if err := store.ReadJSON(filepath.Join(res, "t", store.MetricsFile), &m); err != nil {
		t.Fatal(err)
	}
	if len(m.GD) != 1 || m.GD[0].Recipe != "arch=mlp" {
		t.Errorf("generalisation–disagreement recipes %+v, want arch=mlp only", m.GD)
	}
	html, err := os.ReadFile(filepath.Join(res, "t", "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	want := "seed varies, but the runs of arch=knn are identical across it"
	for _, out := range []struct{ name, text string }{{"summary", stdout.String()}, {"report", string(html)}} {
		if !strings.Contains(out.text, want) || !strings.Contains(out.text, "3 runs are not seed replicates") {
			t.Errorf("the %s does not say %q:\n%s", out.name, want, out.text)
		}
	}
}

// TestNearChanceModelsAreWarned analyzes models that guess (accuracy
// about 1/C) beside models that learned: the guessers, and only they,
// are named in the summary and the report.
func TestNearChanceModelsAreWarned(t *testing.T) {
	tests := []struct {
		name string
		acc  float64
		want bool
	}{
		{"models that guess are warned about", 0, true},
		{"models that learned are not", 0.9, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			x := predmattest.Random(11, 3, 2000, 4, tc.acc)
			path := filepath.Join(dir, "p.csv")
			f, _ := os.Create(path)
			if err := predmat.Write(f, x); err != nil {
				t.Fatal(err)
			}
			f.Close()
			var stdout bytes.Buffer
			if err := Analyze(path, filepath.Join(dir, "out"), metrics.Options{}, &stdout, io.Discard); err != nil {
				t.Fatal(err)
			}
			html, err := os.ReadFile(filepath.Join(dir, "out", "report.html"))
			if err != nil {
				t.Fatal(err)
			}
			want := fmt.Sprintf("3 of 3 models are at or near chance accuracy")
			for _, out := range []struct{ name, text string }{{"summary", stdout.String()}, {"report", string(html)}} {
				if got := strings.Contains(out.text, want); got != tc.want {
					t.Errorf("the %s says %q: %v, want %v\n%s", out.name, want, got, tc.want, out.text)
				}
			}
		})
	}
}
