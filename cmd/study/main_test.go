package main

// Integration tests: TestMain builds the study binary once, and every test
// execs it as a user would, checking exit codes, messages and the files it
// leaves behind.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/study-harness/study/study/predmat"
	"github.com/study-harness/study/study/store"
)

// studyBin is the binary under test.
var studyBin string

// repoRoot is the module root, two folders up from cmd/study.
var repoRoot string

func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	dir, err := os.MkdirTemp("", "study-cli-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	studyBin = filepath.Join(dir, "study")
	if out, err := exec.Command("go", "build", "-o", studyBin, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "go build ./cmd/study: %v\n%s", err, out)
		return 1
	}
	if repoRoot, err = filepath.Abs("../.."); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	code := m.Run()
	if quickDir != "" {
		os.RemoveAll(filepath.Dir(quickDir))
	}
	return code
}

// result is what one execution of study gave.
type result struct {
	stdout, stderr string
	code           int
}

// runStudy runs the binary in dir with args and waits for it.
func runStudy(t *testing.T, dir string, args ...string) result {
	t.Helper()
	cmd := exec.Command(studyBin, args...)
	cmd.Dir = dir
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String()}
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("study %s: %v", strings.Join(args, " "), err)
		}
		r.code = ee.ExitCode()
	}
	return r
}

// mustRun runs study and fails the test unless it exits 0.
func mustRun(t *testing.T, dir string, args ...string) result {
	t.Helper()
	r := runStudy(t, dir, args...)
	if r.code != 0 {
		t.Fatalf("study %s: exit %d\nstderr:\n%s", strings.Join(args, " "), r.code, r.stderr)
	}
	return r
}

// quickSpec is the path of sweeps/quick.yaml.
func quickSpec() string { return filepath.Join(repoRoot, "sweeps", "quick.yaml") }

var (
	quickOnce sync.Once
	quickDir  string
	quickErr  string
)

// quickReference runs sweeps/quick.yaml once, unsharded and uninterrupted,
// and returns its results folder: the reference of the shard and Slurm
// tests.
func quickReference(t *testing.T) string {
	t.Helper()
	quickOnce.Do(func() {
		dir, err := os.MkdirTemp("", "study-quick-ref-")
		if err != nil {
			quickErr = err.Error()
			return
		}
		r := runStudy(t, dir, "run", quickSpec(), "--results", dir)
		if r.code != 0 {
			quickErr = fmt.Sprintf("reference run: exit %d\n%s", r.code, r.stderr)
			return
		}
		quickDir = filepath.Join(dir, "quick")
	})
	if quickErr != "" {
		t.Fatal(quickErr)
	}
	return quickDir
}

// sameOutputs fails unless got and want hold byte-identical
// predictions.csv and metrics.json.
func sameOutputs(t *testing.T, got, want string) {
	t.Helper()
	for _, f := range []string{store.PredictionsFile, store.MetricsFile} {
		a, err := os.ReadFile(filepath.Join(got, f))
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		b, err := os.ReadFile(filepath.Join(want, f))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs from the reference run's (%d vs %d bytes)", filepath.Join(got, f), len(a), len(b))
		}
	}
}

// checkIntact checks that nothing under the results folder dir is
// truncated or half written: every finished run, read through
// store.OpenRuns, has a whole record whose metrics.json holds its config
// and, when it succeeded, predictions that parse; the top-level files
// present parse too; runs/ holds packs only. With complete, it also wants
// no temporary file or folder left anywhere and every pack to be its
// runs' records and nothing else: no torn record at its end (it presumes
// one record a run, as in a study never run with --force). It returns how
// many runs are finished.
func checkIntact(t *testing.T, dir string, complete bool) int {
	t.Helper()
	if complete {
		filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err == nil && strings.Contains(d.Name(), ".tmp-") {
				t.Errorf("temporary file left behind: %s", path)
			}
			return nil
		})
	}
	for _, f := range []string{store.EnvironmentFile, store.MetricsFile} {
		if b, err := os.ReadFile(filepath.Join(dir, f)); err == nil && !json.Valid(b) {
			t.Errorf("%s is not valid JSON (%d bytes)", filepath.Join(dir, f), len(b))
		}
	}
	if _, err := os.Stat(filepath.Join(dir, store.ManifestFile)); err == nil {
		if _, err := store.ReadManifest(dir); err != nil {
			t.Errorf("manifest: %v", err)
		}
	}
	if f, err := os.Open(filepath.Join(dir, store.PredictionsFile)); err == nil {
		if _, err := predmat.Read(f.Name(), f); err != nil {
			t.Errorf("predictions.csv: %v", err)
		}
		f.Close()
	}
	ents, err := os.ReadDir(filepath.Join(dir, store.RunsDir))
	if err != nil {
		return 0
	}
	for _, e := range ents {
		if !strings.HasPrefix(e.Name(), ".") && (!e.Type().IsRegular() || !strings.HasSuffix(e.Name(), store.PackSuffix)) {
			t.Errorf("runs/ holds %s, not a pack", e.Name())
		}
	}
	stored, err := store.OpenRuns(dir)
	if err != nil {
		t.Errorf("open the runs of %s: %v", dir, err)
		return 0
	}
	defer stored.Close()
	ids := stored.IDs()
	inPacks := map[string]int64{} // bytes of the runs' records by pack
	for _, id := range ids {
		if pack, _, n, err := stored.Location(id); err != nil {
			t.Errorf("run %s: %v", id, err)
		} else {
			inPacks[pack] += n
		}
		run, err := stored.Get(id)
		if err != nil {
			t.Errorf("run %s: %v", id, err)
			continue
		}
		rec := run.Record
		var cfg map[string]any
		if err := json.Unmarshal(rec.Config, &cfg); err != nil || len(cfg) == 0 {
			t.Errorf("run %s: config %q: %v", id, rec.Config, err)
		}
		if rec.ID != id {
			t.Errorf("the record of run %s holds the metrics of %s", id, rec.ID)
		}
		if rec.Status != store.StatusOK {
			continue
		}
		bin := store.BinaryName(store.PredictionsFile)
		b, err := run.File(bin)
		if err != nil {
			t.Errorf("run %s: %v", id, err)
			continue
		}
		x, err := predmat.ReadBinary(run.Path(bin), b)
		if err != nil {
			t.Errorf("run %s: %v", id, err)
		} else if x.M() != 1 || x.N() == 0 {
			t.Errorf("run %s: predictions of %d models × %d instances", id, x.M(), x.N())
		}
	}
	if complete {
		packs, _ := filepath.Glob(filepath.Join(dir, store.RunsDir, "*"+store.PackSuffix))
		for _, pack := range packs {
			if st, err := os.Stat(pack); err != nil {
				t.Error(err)
			} else if st.Size() != inPacks[pack] {
				t.Errorf("%s is %d bytes; the records of its runs account for %d (a torn record, or bytes the index skipped)", pack, st.Size(), inPacks[pack])
			}
		}
	}
	return len(ids)
}

// writeFile writes content to dir/name and returns the path.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// exists reports whether path exists.
func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}
