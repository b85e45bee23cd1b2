package study

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/study-harness/study/study/store"
)

// slow skips a test unless STUDY_SLOW=1: these train on all of MNIST and
// take minutes, too long for every `go test ./...`.
func slow(t *testing.T) {
	t.Helper()
	if os.Getenv("STUDY_SLOW") != "1" {
		t.Skip("trains on all of MNIST; set STUDY_SLOW=1 to run")
	}
}

func TestSeedMLPReachesPublishedAccuracy(t *testing.T) {
	slow(t)
	res := t.TempDir()
	if err := runStudy(t, filepath.Join("..", "sweeps", "mlp.yaml"), res, RunOptions{}); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(res, "mlp")
	entries, err := store.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := store.OpenRuns(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer stored.Close()
	if len(entries) == 0 {
		t.Fatal("the manifest lists no runs")
	}
	for _, e := range entries {
		run, err := stored.Get(e.ID)
		if err != nil {
			t.Fatal(err)
		}
		rec := run.Record
		t.Logf("%s: test accuracy %.4f (PyTorch peer: 0.969)", e.Name, rec.TestAccuracy)
		if rec.TestAccuracy < 0.965 {
			t.Errorf("%s: test accuracy %.4f, want ≥ 0.965", e.Name, rec.TestAccuracy)
		}
	}
}
