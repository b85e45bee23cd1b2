package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/study-harness/study/study/store"
)

// tinySpec is a study of 4 runs that trains in well under a second;
// seeds is its seed axis, so that two tinySpecs with other seeds are two
// studies of the same name.
func tinySpec(seeds string) string {
	return `name: tiny
seed: 3
dataset: {name: moons, train: 200, test: 80}
task: binary
fixed: {epochs: 2, batch: 32, widths: [8], lr: 0.01}
axes:
  arch: [logreg, mlp]
  seed: ` + seeds + "\n"
}

// readAll returns the contents of the named files of dir, for checking
// that a refused command left them as they were.
func readAll(t *testing.T, dir string, names ...string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		out[n] = b
	}
	return out
}

// TestOneResultsFolderOneSpec runs a study into a folder, then a second
// command that would mix another study into it: a run or shard of another
// spec with the same name, or a shard of another count. Each is refused
// with exit 2, naming the folder and both fingerprints or counts, and
// leaves spec.yaml, manifest.jsonl and fingerprint.json as they were.
// Before fingerprints, the second shard rewrote the manifest and the
// spec, and study merge exited 0 over a mixture.
func TestOneResultsFolderOneSpec(t *testing.T) {
	tests := []struct {
		name        string
		first, then []string // the spec's seeds, then the flags
		again       string   // the second command's seeds
		againFlags  []string
		want        []string // in stderr
	}{
		{"a shard of another spec with the same name is refused",
			nil, []string{"--shard", "0/2"}, "[4, 5]", []string{"--shard", "1/2"},
			[]string{"holds another study", "spec.yaml"}},
		{"an unsharded run of another spec with the same name is refused",
			nil, nil, "[4, 5]", nil,
			[]string{"holds another study", "spec.yaml"}},
		{"a shard of another count is refused",
			nil, []string{"--shard", "0/2"}, "[1, 2]", []string{"--shard", "0/3"},
			[]string{"was run in 2 shards", "--shard I/3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmp := t.TempDir()
			specA := writeFile(t, tmp, "a.yaml", tinySpec("[1, 2]"))
			specB := writeFile(t, tmp, "b.yaml", tinySpec(tt.again))
			dir := filepath.Join(tmp, "tiny")
			mustRun(t, tmp, append([]string{"run", specA, "--results", tmp}, tt.then...)...)
			files := []string{store.SpecFile, store.ManifestFile, store.FingerprintFile}
			before := readAll(t, dir, files...)
			fp, err := store.ReadFingerprint(dir)
			if err != nil {
				t.Fatal(err)
			}
			r := runStudy(t, tmp, append([]string{"run", specB, "--results", tmp}, tt.againFlags...)...)
			if r.code != 2 {
				t.Fatalf("exit %d, want 2\nstderr: %s", r.code, r.stderr)
			}
			noTrace(t, r.stderr)
			want := append([]string{dir}, tt.want...)
			if strings.Contains(tt.want[0], "another study") { // both studies named
				want = append(want, fp.Study, specB)
			}
			for _, w := range want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr does not name %q:\n%s", w, r.stderr)
				}
			}
			for n, b := range readAll(t, dir, files...) {
				if !bytes.Equal(b, before[n]) {
					t.Errorf("the refused run rewrote %s", n)
				}
			}
		})
	}
}

// TestReportRefusesAnEditedFolder edits spec.yaml or manifest.jsonl of a
// finished study: study report exits 2 naming the edited file, instead
// of showing the edited spec as "Spec as given" beside runs trained with
// another. Put back, the report is made again.
func TestReportRefusesAnEditedFolder(t *testing.T) {
	tmp := t.TempDir()
	spec := writeFile(t, tmp, "a.yaml", tinySpec("[1, 2]"))
	dir := filepath.Join(tmp, "tiny")
	mustRun(t, tmp, "run", spec, "--results", tmp, "--no-report")
	for _, tt := range []struct {
		name, file, old, new string
	}{
		{"an edited spec.yaml is refused", store.SpecFile, "lr: 0.01", "lr: 0.5"},
		{"a comment added to spec.yaml is refused", store.SpecFile, "name: tiny", "# mine\nname: tiny"},
		{"an edited manifest is refused", store.ManifestFile, `"arch=logreg`, `"arch=LOGREG`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, tt.file)
			orig, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			edited := strings.Replace(string(orig), tt.old, tt.new, 1)
			if edited == string(orig) {
				t.Fatalf("%s holds no %q", path, tt.old)
			}
			writeFile(t, dir, tt.file, edited)
			r := runStudy(t, tmp, "report", dir)
			if r.code != 2 || !strings.Contains(r.stderr, path) || !strings.Contains(r.stderr, "edited") {
				t.Errorf("exit %d, stderr %q: want exit 2 naming %s as edited", r.code, r.stderr, path)
			}
			noTrace(t, r.stderr)
			if exists(filepath.Join(dir, store.ReportFile)) {
				t.Errorf("the refused report wrote %s", store.ReportFile)
			}
			writeFile(t, dir, tt.file, string(orig))
			mustRun(t, tmp, "report", dir)
			os.Remove(filepath.Join(dir, store.ReportFile))
		})
	}
}

// TestFolderWithoutFingerprintIsAdopted runs a study into a folder
// written before fingerprints (fingerprint.json removed): the run adopts
// it with a note on stderr, and from then on the folder refuses another
// spec.
func TestFolderWithoutFingerprintIsAdopted(t *testing.T) {
	tmp := t.TempDir()
	spec := writeFile(t, tmp, "a.yaml", tinySpec("[1, 2]"))
	dir := filepath.Join(tmp, "tiny")
	mustRun(t, tmp, "run", spec, "--results", tmp, "--no-report")
	if err := os.Remove(filepath.Join(dir, store.FingerprintFile)); err != nil {
		t.Fatal(err)
	}
	mustRun(t, tmp, "report", dir) // an older folder is reported as it is
	r := mustRun(t, tmp, "run", spec, "--results", tmp, "--no-report")
	if !strings.Contains(r.stderr, "had no "+store.FingerprintFile) || !strings.Contains(r.stdout, "4 reused") {
		t.Errorf("stdout %q, stderr %q: want the 4 runs reused and a note that the folder is adopted", r.stdout, r.stderr)
	}
	if _, err := store.ReadFingerprint(dir); err != nil {
		t.Errorf("no fingerprint after adoption: %v", err)
	}
	r = mustRun(t, tmp, "run", spec, "--results", tmp, "--no-report")
	if strings.Contains(r.stderr, "had no") {
		t.Errorf("adopted twice: %s", r.stderr)
	}
	other := writeFile(t, tmp, "b.yaml", tinySpec("[7]"))
	if r := runStudy(t, tmp, "run", other, "--results", tmp); r.code != 2 {
		t.Errorf("another spec after adoption: exit %d, want 2\n%s", r.code, r.stderr)
	}
}
