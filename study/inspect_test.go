package study

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/study-harness/study/study/runs"
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
	if err := Runs(dir, true, &out, io.Discard); err != nil {
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
	if err := Runs(dir, false, &out, io.Discard); err != nil {
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
			err := Extract(dir, out, tt.which, &stdout, io.Discard)
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
					name, want, _ := runs.ExportFile(run, name) // predictions as CSV
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
	if err := Extract(dir, filepath.Join(dir, store.RunsDir), nil, &bytes.Buffer{}, io.Discard); err != nil {
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

// toPreChecksumFolders rewrites every run of results folder dir as a run
// folder the way study wrote them before checksums: runs/<id>/ with the
// run's files and a metrics.json without "files" or "checksum"; the
// packs go. It returns the files of each run by id and name.
func toPreChecksumFolders(t *testing.T, dir string) map[string]map[string][]byte {
	t.Helper()
	stored, err := store.OpenRuns(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]map[string][]byte{}
	for _, id := range stored.IDs() {
		run, err := stored.Get(id)
		if err != nil {
			t.Fatal(err)
		}
		folder := store.RunPath(dir, id)
		if err := os.MkdirAll(folder, 0o755); err != nil {
			t.Fatal(err)
		}
		files[id] = map[string][]byte{}
		for _, name := range run.Files() { // the older layout held the CSV
			name, b, err := runs.ExportFile(run, name)
			if err != nil {
				t.Fatal(err)
			}
			files[id][name] = b
			if err := os.WriteFile(filepath.Join(folder, name), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		rec := *run.Record
		rec.Files = nil
		j, err := json.MarshalIndent(&rec, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(j, []byte(`"files"`)) || bytes.Contains(j, []byte(`"checksum"`)) {
			t.Fatalf("metrics.json of %s has checksums:\n%s", id, j)
		}
		if err := os.WriteFile(filepath.Join(folder, store.MetricsFile), append(j, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := stored.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, store.RunsDir, store.PackName(""))); err != nil {
		t.Fatal(err)
	}
	return files
}

// TestExtractPreChecksumFolders extracts runs stored as folders written
// before checksums: every file of the folder is copied (their metrics.json
// lists none), and the extracted folder verifies.
func TestExtractPreChecksumFolders(t *testing.T) {
	dir := trainedStudy(t)
	files := toPreChecksumFolders(t, dir)
	entries, err := store.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name  string
		which []string
		want  []string
	}{
		{"every run", nil, []string{entries[0].ID, entries[1].ID, entries[2].ID, entries[3].ID, entries[4].ID, entries[5].ID, entries[6].ID, entries[7].ID}},
		{"one run by name", []string{entries[3].Name}, []string{entries[3].ID}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			parent := t.TempDir()
			out := filepath.Join(parent, store.RunsDir)
			if err := Extract(dir, out, tt.which, &bytes.Buffer{}, io.Discard); err != nil {
				t.Fatal(err)
			}
			ents, err := os.ReadDir(out)
			if err != nil || len(ents) != len(tt.want) {
				t.Fatalf("out: %d entries (%v), want %d", len(ents), err, len(tt.want))
			}
			for _, id := range tt.want {
				if len(files[id]) < 2 {
					t.Fatalf("run %s has files %v, want predictions and logits", id, files[id])
				}
				for _, f := range []string{store.PredictionsFile, store.LogitsFile} {
					if files[id][f] == nil {
						t.Errorf("run %s has no %s", id, f)
					}
				}
				rec, err := store.Verify(parent, id)
				if err != nil {
					t.Errorf("extracted run %s: %v", id, err)
					continue
				}
				if len(rec.Files) != len(files[id]) {
					t.Errorf("extracted run %s lists %d files, its folder holds %d", id, len(rec.Files), len(files[id]))
				}
				for name, want := range files[id] {
					got, err := os.ReadFile(filepath.Join(out, id, name))
					if err != nil || !bytes.Equal(got, want) {
						t.Errorf("run %s: %s not copied whole (%v)", id, name, err)
					}
				}
			}
		})
	}
}

// TestExtractRefusesCorruptRuns flips a payload byte of one run's record:
// extracting it, alone or among others, writes nothing and names the run;
// the other runs are still extracted.
func TestExtractRefusesCorruptRuns(t *testing.T) {
	dir := trainedStudy(t)
	entries, err := store.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	bad := entries[5] // not the first: the runs before it are fine
	stored, err := store.OpenRuns(dir)
	if err != nil {
		t.Fatal(err)
	}
	path, off, n, err := stored.Location(bad.ID)
	if err == nil {
		err = stored.Close()
	}
	if err != nil || n == 0 {
		t.Fatalf("Location(%s) = %s, %d, %d, %v", bad.ID, path, off, n, err)
	}
	pack, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	pack[off+n/2] ^= 1 // in the payload
	if err := os.WriteFile(path, pack, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name    string
		which   []string
		wantErr bool
	}{
		{"every run", nil, true},
		{"the corrupt run by name", []string{bad.Name}, true},
		{"a good run and the corrupt one by id", []string{entries[0].ID, bad.ID}, true},
		{"the good runs only", []string{entries[0].Name, entries[7].Name}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			var stdout bytes.Buffer
			err := Extract(dir, out, tt.which, &stdout, io.Discard)
			if !tt.wantErr {
				ents, rerr := os.ReadDir(out)
				if err != nil || len(ents) != len(tt.which) {
					t.Errorf("Extract: %v; %d folders (%v), want %d", err, len(ents), rerr, len(tt.which))
				}
				return
			}
			if err == nil || !errors.Is(err, store.ErrCorrupt) || !strings.Contains(err.Error(), bad.ID) {
				t.Errorf("Extract: %v, want an error wrapping store.ErrCorrupt naming run %s", err, bad.ID)
			}
			if _, serr := os.Stat(out); !errors.Is(serr, fs.ErrNotExist) {
				t.Errorf("out written (%v) although run %s is corrupt", serr, bad.ID)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout names extracted folders:\n%s", stdout.String())
			}
		})
	}
}

// TestRunsAndExtractRefuseFoldersThatAreNotAStudy: a folder without
// manifest.jsonl or runs/, or a regular file, is bad input (exit code 2)
// for both, and Extract writes nothing.
func TestRunsAndExtractRefuseFoldersThatAreNotAStudy(t *testing.T) {
	tmp := t.TempDir()
	empty := filepath.Join(tmp, "empty")
	file := filepath.Join(tmp, "file")
	other := filepath.Join(tmp, "other") // a folder with files, none a study's
	for _, d := range []string{empty, other} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(file, []byte("not a study\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(other, "notes.txt"), []byte("x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ops := []struct {
		name string
		do   func(dir, out string) error
	}{
		{"Runs", func(dir, _ string) error { return Runs(dir, true, &bytes.Buffer{}, io.Discard) }},
		{"Runs as a table", func(dir, _ string) error { return Runs(dir, false, &bytes.Buffer{}, io.Discard) }},
		{"Extract", func(dir, out string) error { return Extract(dir, out, nil, &bytes.Buffer{}, io.Discard) }},
	}
	for _, tt := range []struct{ name, dir string }{
		{"an empty folder", empty},
		{"a folder of other files", other},
		{"a regular file", file},
	} {
		for _, op := range ops {
			t.Run(op.name+" of "+tt.name, func(t *testing.T) {
				out := filepath.Join(t.TempDir(), "out")
				err := op.do(tt.dir, out)
				if ExitCode(err) != 2 {
					t.Errorf("%v (exit code %d), want bad input", err, ExitCode(err))
				}
				if _, serr := os.Stat(out); !errors.Is(serr, fs.ErrNotExist) {
					t.Errorf("out written: %v", serr)
				}
			})
		}
	}
}
