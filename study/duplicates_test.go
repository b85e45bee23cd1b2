package study

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/study-harness/study/study/store"
)

// TestIdenticalModelsAreNamedInSummaryAndReport trains a grid in which
// the seed has no effect on knn, a deterministic fitter, so the two knn
// runs are one model under two names: metrics.json lists them as
// duplicates differing in seed, and the terminal summary and the report
// say that seed had no effect where arch=knn. (Fields that a run does not
// read at all, such as widths for logreg, are refused by the grid as
// twins before training; a seed is read, but by nothing in a knn.)
func TestIdenticalModelsAreNamedInSummaryAndReport(t *testing.T) {
	src := `name: t
seed: 3
dataset: {name: moons, train: 200, test: 100, noise: 0.2}
task: binary
fixed: {epochs: 2, batch: 32, optimizer: adam, lr: 0.01}
axes:
  arch: [knn, mlp]
  seed: [1, 2]
`
	res := t.TempDir()
	var stdout bytes.Buffer
	o := RunOptions{Results: res, MaxRuns: DefaultMaxRuns}
	if err := Run(context.Background(), writeSpec(t, src), o, &stdout, io.Discard); err != nil {
		t.Fatal(err)
	}
	var m struct {
		Duplicates []struct {
			Models []string `json:"models"`
			Fields []string `json:"fields"`
		} `json:"duplicates"`
	}
	if err := store.ReadJSON(filepath.Join(res, "t", store.MetricsFile), &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Duplicates) != 1 || !reflect.DeepEqual(m.Duplicates[0].Fields, []string{"seed"}) || len(m.Duplicates[0].Models) != 2 ||
		!strings.Contains(m.Duplicates[0].Models[0], "arch=knn") || !strings.Contains(m.Duplicates[0].Models[1], "arch=knn") {
		t.Fatalf("duplicates = %+v, want the two knn runs, differing in seed", m.Duplicates)
	}
	html, err := os.ReadFile(filepath.Join(res, "t", "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range []struct{ name, text string }{{"summary", stdout.String()}, {"report", string(html)}} {
		for _, want := range []string{"seed had no effect where arch=knn", "these 2 runs are the same model"} {
			if !strings.Contains(out.text, want) {
				t.Errorf("the %s does not say %q:\n%s", out.name, want, out.text)
			}
		}
	}
}
