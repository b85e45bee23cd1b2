package study

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/study-harness/study/study/store"
)

// trainedStudy trains testSpec into a fresh results folder and returns
// the study folder.
func trainedStudy(t *testing.T) string {
	t.Helper()
	res := t.TempDir()
	if err := runStudy(t, writeSpec(t, testSpec), res, RunOptions{Workers: 2, NoReport: true}); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(res, "t")
}

func TestRunsListsEveryRunInManifestOrder(t *testing.T) {
	dir := trainedStudy(t)
	entries, err := store.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := Runs(dir, true, &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 1+len(entries) {
		t.Fatalf("%d lines, want a header and %d runs:\n%s", len(lines), len(entries), out.String())
	}
	if lines[0] != "id\tname\tstatus\ttest_accuracy\twall_seconds\tstored" {
		t.Errorf("header %q", lines[0])
	}
	for i, e := range entries {
		f := strings.Split(lines[1+i], "\t")
		if len(f) != 6 || f[0] != e.ID || f[1] != e.Name || f[2] != store.StatusOK || f[3] == "" ||
			!strings.HasPrefix(f[5], filepath.Join(dir, store.RunsDir, store.PackName(""))+"@") {
			t.Errorf("line %d: %q, want run %s (%s), ok, stored in the pack", i+1, lines[1+i], e.ID, e.Name)
		}
	}
	// The table form holds the same runs.
	out.Reset()
	if err := Runs(dir, false, &out); err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !strings.Contains(out.String(), e.ID) {
			t.Errorf("table lacks run %s", e.ID)
		}
	}
}

func TestExtract(t *testing.T) {
	dir := trainedStudy(t)
	entries, err := store.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		which   []string
		want    []string // ids extracted
		wantErr bool
	}{
		{"every run", nil, []string{entries[0].ID, entries[1].ID, entries[2].ID, entries[3].ID, entries[4].ID, entries[5].ID, entries[6].ID, entries[7].ID}, false},
		{"one run by name", []string{entries[2].Name}, []string{entries[2].ID}, false},
		{"one run by id", []string{entries[5].ID}, []string{entries[5].ID}, false},
		{"an unknown run", []string{"seed=99"}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parent := t.TempDir()
			out := filepath.Join(parent, store.RunsDir)
			var stdout bytes.Buffer
			err := Extract(dir, out, tt.which, &stdout)
			if tt.wantErr {
				if ExitCode(err) != 2 {
					t.Fatalf("Extract: %v (exit code %d), want bad input", err, ExitCode(err))
				}
				if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("out folder written for bad input: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			ents, err := os.ReadDir(out)
			if err != nil {
				t.Fatal(err)
			}
			if len(ents) != len(tt.want) {
				t.Errorf("%d entries in out, want %d", len(ents), len(tt.want))
			}
			stored, err := store.OpenRuns(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer stored.Close()
			for _, id := range tt.want {
				// out is parent/runs, so parent reads as a results folder
				// of the older layout: every folder must verify.
				rec, err := store.Verify(parent, id)
				if err != nil {
					t.Errorf("extracted run %s: %v", id, err)
					continue
				}
				run, err := stored.Get(id)
				if err != nil {
					t.Fatal(err)
				}
				if rec.TestAccuracy != run.Record.TestAccuracy || len(rec.Files) != len(run.Files()) {
					t.Errorf("run %s: extracted record %+v, stored %+v", id, rec, run.Record)
				}
				for _, name := range run.Files() {
					want, _ := run.File(name)
					got, err := os.ReadFile(filepath.Join(out, id, name))
					if err != nil || !bytes.Equal(got, want) {
						t.Errorf("run %s: %s differs from the stored file (%v)", id, name, err)
					}
				}
				if !strings.Contains(stdout.String(), filepath.Join(out, id)+"\n") {
					t.Errorf("stdout does not name %s:\n%s", filepath.Join(out, id), stdout.String())
				}
			}
		})
	}
}

func TestExtractedFoldersAreReusedAsRunsOfTheOlderLayout(t *testing.T) {
	// A results folder whose runs are plain folders (as study wrote them
	// before packs) is reused as it is: nothing is trained again.
	spec := writeSpec(t, testSpec)
	res := t.TempDir()
	if err := runStudy(t, spec, res, RunOptions{Workers: 2, NoReport: true}); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(res, "t")
	if err := Extract(dir, filepath.Join(dir, store.RunsDir), nil, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	pack := filepath.Join(dir, store.RunsDir, store.PackName(""))
	if err := os.Remove(pack); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	o := RunOptions{Results: res, Workers: 2, MaxRuns: DefaultMaxRuns}
	if err := Run(t.Context(), spec, o, &bytes.Buffer{}, &stderr); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stderr.String(), "8 runs, 8 already finished") || !strings.Contains(stderr.String(), "8/8 runs done, 0 failed") {
		t.Errorf("rerun on extracted folders: %s", stderr.String())
	}
	stored, err := store.OpenRuns(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer stored.Close()
	for _, id := range stored.IDs() {
		if p, _, _, err := stored.Location(id); err != nil || p != store.RunPath(dir, id) {
			t.Errorf("run %s stored at %s (%v), want its folder", id, p, err)
		}
	}
}
