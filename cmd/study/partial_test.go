package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/study-harness/study/study/store"
)

// TestPartialMergeIsNeverSilent merges a study of which only shard 0/2
// ran. study merge and study report exit 1, naming the shard that wrote
// nothing and the runs not trained, and write nothing (before, merge
// exited 0 with nothing on stderr and metrics over half the grid); with
// --allow-partial they write the report on purpose, with a banner
// "partial: 2 of 4 runs" on the page and in the terminal summary. Once
// the other shard has run, the merge is whole and carries no banner.
func TestPartialMergeIsNeverSilent(t *testing.T) {
	for _, cmd := range []string{"merge", "report"} {
		t.Run("study "+cmd, func(t *testing.T) {
			tmp := t.TempDir()
			spec := writeFile(t, tmp, "a.yaml", tinySpec("[1, 2]"))
			dir := filepath.Join(tmp, "tiny")
			mustRun(t, tmp, "run", spec, "--results", tmp, "--shard", "0/2")
			r := runStudy(t, tmp, cmd, dir)
			if r.code != 1 {
				t.Fatalf("%s of half a grid: exit %d, want 1\nstderr: %s", cmd, r.code, r.stderr)
			}
			for _, w := range []string{dir, "partial: 2 of 4 runs", "1/2", "2 run(s) not trained", "arch=logreg seed=2", "--allow-partial"} {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr does not say %q:\n%s", w, r.stderr)
				}
			}
			for _, f := range []string{store.PredictionsFile, store.MetricsFile, store.ReportFile} {
				if exists(filepath.Join(dir, f)) {
					t.Errorf("the refused %s wrote %s", cmd, f)
				}
			}

			const banner = "partial: 2 of 4 runs"
			r = mustRun(t, tmp, cmd, dir, "--allow-partial")
			if !strings.Contains(r.stdout, banner) {
				t.Errorf("the terminal summary does not say %q:\n%s", banner, r.stdout)
			}
			page, err := os.ReadFile(filepath.Join(dir, store.ReportFile))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(page), banner) {
				t.Errorf("report.html carries no banner %q", banner)
			}

			mustRun(t, tmp, "run", spec, "--results", tmp, "--shard", "1/2")
			r = mustRun(t, tmp, cmd, dir)
			page, err = os.ReadFile(filepath.Join(dir, store.ReportFile))
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(r.stdout, "partial:") || strings.Contains(string(page), "partial:") {
				t.Errorf("the whole merge still says partial")
			}
		})
	}
}
