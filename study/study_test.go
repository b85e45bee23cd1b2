package study

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/study-harness/study/study/metrics"
	"github.com/study-harness/study/study/runs"
	"github.com/study-harness/study/study/store"
)

const testSpec = `name: t
seed: 3
dataset: {name: moons, train: 300, test: 200, noise: 0.2}
task: binary
fixed: {epochs: 4, batch: 32, widths: [8]}
axes:
  arch: [logreg, mlp]
  seed: [1, 2]
zip:
  - optimizer: [sgd, adam]
    lr: [0.1, 0.01]
`

// writeSpec writes a spec into a fresh folder and returns its path.
func writeSpec(t *testing.T, src string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "spec.yaml")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func runStudy(t *testing.T, specPath, results string, o RunOptions) error {
	t.Helper()
	o.Results = results
	if o.MaxRuns == 0 {
		o.MaxRuns = DefaultMaxRuns
	}
	return Run(context.Background(), specPath, o, io.Discard, io.Discard)
}

func TestRunIsBitIdenticalForAnyWorkerCount(t *testing.T) {
	spec := writeSpec(t, testSpec)
	want := map[string][]byte{}
	for _, workers := range []int{1, 2, 3} {
		t.Run("", func(t *testing.T) {
			res := t.TempDir()
			if err := runStudy(t, spec, res, RunOptions{Workers: workers}); err != nil {
				t.Fatal(err)
			}
			for _, f := range []string{store.PredictionsFile, store.MetricsFile} {
				got, err := os.ReadFile(filepath.Join(res, "t", f))
				if err != nil {
					t.Fatal(err)
				}
				if want[f] == nil {
					want[f] = got
				} else if !bytes.Equal(got, want[f]) {
					t.Errorf("workers=%d: %s differs from workers=1", workers, f)
				}
			}
		})
	}
	if n := bytes.Count(want[store.PredictionsFile], []byte("\n")); n != 1+8*200 {
		t.Errorf("predictions.csv has %d lines, want header + 8 runs × 200 instances", n)
	}
}

func TestRerunReusesEveryFinishedRun(t *testing.T) {
	spec := writeSpec(t, testSpec)
	res := t.TempDir()
	if err := runStudy(t, spec, res, RunOptions{}); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(res, "t")
	runsDir := filepath.Join(dir, store.RunsDir)
	pack := filepath.Join(runsDir, store.PackName(""))
	entries, err := store.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	first := readRuns(t, dir)
	if len(first) != 8 {
		t.Fatalf("%d runs stored, want 8", len(first))
	}
	for _, e := range entries {
		r, ok := first[e.ID]
		if !ok {
			t.Errorf("run %s (%s) is not stored", e.ID, e.Name)
			continue
		}
		// One record a run: metrics.json (with the config), predictions,
		// logits and, for a net with a hidden layer, features.
		want := []string{store.FeaturesFile, store.LogitsFile, store.MetricsFile, store.BinaryName(store.PredictionsFile)}
		if strings.Contains(e.Name, "arch=logreg") {
			want = want[1:]
		}
		if got := slices.Sorted(maps.Keys(r.files)); !slices.Equal(got, want) {
			t.Errorf("run %s holds %v, want %v", e.ID, got, want)
		}
		if len(r.config) == 0 || string(r.config) == "null" {
			t.Errorf("run %s: metrics.json holds no config", e.ID)
		}
		if r.pack != pack {
			t.Errorf("run %s is stored in %s, want %s", e.ID, r.pack, pack)
		}
	}
	wholePacks(t, dir, first)
	before := snapshot(t, runsDir)
	if _, ok := before[pack]; !ok || len(before) != 1 {
		t.Fatalf("runs/ holds %v, want the one pack %s", slices.Sorted(maps.Keys(before)), pack)
	}

	time.Sleep(10 * time.Millisecond) // so that a rewrite would change the mtime
	var out bytes.Buffer
	if err := Run(context.Background(), spec, RunOptions{Results: res, MaxRuns: DefaultMaxRuns}, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "8 reused, 0 trained") {
		t.Errorf("second run said %q, want it to report 8 reused runs", out.String())
	}
	sameFiles(t, "the second run", before, snapshot(t, runsDir))

	// --force retrains: every run gets a new record, appended after the
	// old ones, which stay as they were; the predictions and features are
	// the same.
	if err := runStudy(t, spec, res, RunOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	forced := snapshot(t, runsDir)
	old, now := before[pack], forced[pack]
	if len(forced) != 1 || len(now.data) <= len(old.data) || !bytes.Equal(now.data[:len(old.data)], old.data) {
		t.Errorf("--force: runs/ holds %d files, the pack grew from %d to %d bytes; want the pack alone, its old records untouched and new ones after them",
			len(forced), len(old.data), len(now.data))
	}
	retrained := 0
	for id, r := range readRuns(t, dir) {
		if r.pack == pack && r.off >= int64(len(old.data)) {
			retrained++
		}
		for _, f := range []string{store.BinaryName(store.PredictionsFile), store.FeaturesFile} {
			if !bytes.Equal(r.files[f], first[id].files[f]) {
				t.Errorf("--force: run %s: %s differs from the first training's", id, f)
			}
		}
	}
	if retrained != len(first) {
		t.Errorf("--force gave %d of %d runs a new record", retrained, len(first))
	}
}

// readRun is a run read back from its results folder.
type readRun struct {
	config []byte
	files  map[string][]byte // metrics.json included
	// pack, off and n locate the run's newest record.
	pack   string
	off, n int64
}

// readRuns reads every finished run of results folder dir through
// store.OpenRuns, failing the test on a record that does not read back
// whole.
func readRuns(t *testing.T, dir string) map[string]readRun {
	t.Helper()
	stored, err := store.OpenRuns(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer stored.Close()
	out := map[string]readRun{}
	for _, id := range stored.IDs() {
		run, err := stored.Get(id)
		if err != nil {
			t.Errorf("run %s: %v", id, err)
			continue
		}
		if run.Record.ID != id {
			t.Errorf("run %s holds the record of %s", id, run.Record.ID)
		}
		r := readRun{config: run.Record.Config, files: map[string][]byte{}}
		for _, name := range append(run.Files(), store.MetricsFile) {
			if r.files[name], err = run.File(name); err != nil {
				t.Errorf("run %s: %v", id, err)
			}
		}
		if r.pack, r.off, r.n, err = stored.Location(id); err != nil {
			t.Errorf("run %s: %v", id, err)
		}
		out[id] = r
	}
	return out
}

// wholePacks fails unless each pack under dir's runs/ consists of the
// records of its runs and nothing else: no torn record at its end, no
// bytes the index skipped. It presumes one record a run (no --force, no
// retraining), runs being readRuns(t, dir).
func wholePacks(t *testing.T, dir string, runs map[string]readRun) {
	t.Helper()
	sum := map[string]int64{}
	for _, r := range runs {
		sum[r.pack] += r.n
	}
	packs, err := filepath.Glob(filepath.Join(dir, store.RunsDir, "*"+store.PackSuffix))
	if err != nil {
		t.Fatal(err)
	}
	for _, pack := range packs {
		st, err := os.Stat(pack)
		if err != nil {
			t.Error(err)
		} else if st.Size() != sum[pack] {
			t.Errorf("%s is %d bytes; the records of its runs account for %d (a torn record, or bytes the index skipped)", pack, st.Size(), sum[pack])
		}
		delete(sum, pack)
	}
	for pack := range sum {
		t.Errorf("runs are stored in %s, which is not a pack under %s", pack, filepath.Join(dir, store.RunsDir))
	}
}

// fileState is what snapshot records of a file.
type fileState struct {
	data  []byte
	size  int64
	mtime time.Time
}

// snapshot records every file under dir.
func snapshot(t *testing.T, dir string) map[string]fileState {
	t.Helper()
	out := map[string]fileState{}
	err := filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if !info.IsDir() {
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			out[path] = fileState{b, info.Size(), info.ModTime()}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// sameFiles fails unless snapshots before and after hold the same files,
// unchanged: same bytes, size and mtime.
func sameFiles(t *testing.T, who string, before, after map[string]fileState) {
	t.Helper()
	for path, b := range before {
		a, ok := after[path]
		switch {
		case !ok:
			t.Errorf("%s removed %s", who, path)
		case !bytes.Equal(a.data, b.data) || a.size != b.size || !a.mtime.Equal(b.mtime):
			t.Errorf("%s rewrote %s (%d bytes, mtime %v; was %d bytes, mtime %v)", who, path, a.size, a.mtime, b.size, b.mtime)
		}
	}
	for path := range after {
		if _, ok := before[path]; !ok {
			t.Errorf("%s added %s", who, path)
		}
	}
}

func TestFailedRunsAreRecordedAndTheOthersGoOn(t *testing.T) {
	// lr 1e30 makes SGD diverge; Adam at 0.01 does not.
	spec := writeSpec(t, strings.Replace(testSpec, "lr: [0.1, 0.01]", "lr: [1e30, 0.01]", 1))
	res := t.TempDir()
	err := runStudy(t, spec, res, RunOptions{})
	var fe *FailedRunsError
	if !errors.As(err, &fe) {
		t.Fatalf("err = %v, want a FailedRunsError", err)
	}
	// The mlp runs diverge for sure; logreg on two features may saturate instead.
	if len(fe.Failures) < 2 || len(fe.Failures) > 4 {
		t.Errorf("%d failures, want 2 to 4 sgd runs", len(fe.Failures))
	}
	for _, f := range fe.Failures {
		if !strings.Contains(f.Name, "optimizer=sgd") || !strings.Contains(f.Reason, "diverged") {
			t.Errorf("failure %s: %s; want an sgd run that diverged", f.Name, f.Reason)
		}
	}
	if ExitCode(err) != 1 {
		t.Errorf("exit code %d, want 1", ExitCode(err))
	}
	pred, err := os.ReadFile(filepath.Join(res, "t", store.PredictionsFile))
	if err != nil {
		t.Fatal(err)
	}
	if n, want := bytes.Count(pred, []byte("\n")), 1+(8-len(fe.Failures))*200; n != want {
		t.Errorf("predictions.csv has %d lines, want %d: every run that did not fail", n, want)
	}
	failures := len(fe.Failures)
	// A rerun reuses the failures rather than training them again.
	err = runStudy(t, spec, res, RunOptions{})
	if !errors.As(err, &fe) || len(fe.Failures) != failures {
		t.Errorf("rerun: err = %v, want the same %d failures", err, failures)
	}
}

func TestCancelledRunLeavesNoPartialRun(t *testing.T) {
	spec := writeSpec(t, strings.Replace(testSpec, "epochs: 4", "epochs: 400", 1))
	res := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, spec, RunOptions{Results: res, Workers: 2, MaxRuns: DefaultMaxRuns}, io.Discard, io.Discard)
	}()
	// Cancel once the first run has been published (or straight away if
	// the machine is slow: the guarantee holds either way).
	for i := 0; i < 200 && !anyRunStored(filepath.Join(res, "t")); i++ {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	err := <-done
	if !errors.Is(err, context.Canceled) || ExitCode(err) != 130 {
		t.Fatalf("err = %v (exit %d), want context.Canceled and exit 130", err, ExitCode(err))
	}
	dir := filepath.Join(res, "t")
	ents, err := os.ReadDir(filepath.Join(dir, store.RunsDir))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if !e.Type().IsRegular() || !strings.HasSuffix(e.Name(), store.PackSuffix) {
			t.Errorf("interrupted run left %s behind in runs/, which holds packs only", e.Name())
		}
	}
	stored := readRuns(t, dir)
	for id, r := range stored {
		for _, f := range []string{store.MetricsFile, store.BinaryName(store.PredictionsFile)} {
			if len(r.files[f]) == 0 {
				t.Errorf("finished run %s lacks %s", id, f)
			}
		}
	}
	wholePacks(t, dir, stored)
	t.Logf("%d runs finished before the cancel", len(stored))
}

// anyRunStored reports whether results folder dir holds a finished run.
func anyRunStored(dir string) bool {
	stored, err := store.OpenRuns(dir)
	if err != nil {
		return false
	}
	defer stored.Close()
	return len(stored.IDs()) > 0
}

func TestBadSpecWritesNothing(t *testing.T) {
	tests := []struct {
		name, src, field string
	}{
		{"an unknown key", strings.Replace(testSpec, "task: binary", "task: binary\ncolour: red", 1), "colour"},
		{"a negative epoch count", strings.Replace(testSpec, "epochs: 4", "epochs: -1", 1), "epochs"},
		{"an unknown arch", strings.Replace(testSpec, "[logreg, mlp]", "[logreg, mlq]", 1), "arch"},
		{"a name leaving the results folder", strings.Replace(testSpec, "name: t", "name: ../../etc", 1), "name"},
		{"flips on tabular data", strings.Replace(testSpec, "widths: [8]}", "widths: [8], augment: flip}", 1), "not images"},
		{"a cnn on tabular data", strings.Replace(testSpec, "[logreg, mlp]", "[logreg, cnn]", 1), "arch"},
		{"a binary task on three classes", strings.Replace(testSpec, "{name: moons, train: 300, test: 200, noise: 0.2}", "{name: blobs, train: 300, test: 200}", 1), "binary task needs 2 classes"},
		{"a missing dataset file", strings.Replace(testSpec, "{name: moons, train: 300, test: 200, noise: 0.2}", "{name: csv, path: nowhere.csv}", 1), "nowhere.csv"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := filepath.Join(t.TempDir(), "results")
			err := runStudy(t, writeSpec(t, tt.src), res, RunOptions{})
			if err == nil || ExitCode(err) != 2 || !strings.Contains(err.Error(), tt.field) {
				t.Fatalf("err = %v (exit %d), want exit 2 naming %s", err, ExitCode(err), tt.field)
			}
			if _, err := os.Stat(res); !os.IsNotExist(err) {
				t.Errorf("results folder exists after a bad spec")
			}
		})
	}
}

func TestMissingSpecIsBadInput(t *testing.T) {
	err := runStudy(t, filepath.Join(t.TempDir(), "none.yaml"), t.TempDir(), RunOptions{})
	if ExitCode(err) != 2 || !strings.Contains(fmt.Sprint(err), "none.yaml") {
		t.Errorf("err = %v (exit %d), want exit 2 naming the file", err, ExitCode(err))
	}
}

func TestReportRegeneratesWithoutRetraining(t *testing.T) {
	spec := writeSpec(t, testSpec)
	res := t.TempDir()
	if err := runStudy(t, spec, res, RunOptions{}); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(res, "t")
	want, _ := os.ReadFile(filepath.Join(dir, store.MetricsFile))
	runs := snapshot(t, filepath.Join(dir, store.RunsDir))
	for _, f := range []string{store.MetricsFile, store.ReportFile, store.PredictionsFile} {
		os.Remove(filepath.Join(dir, f))
	}
	if err := Report(dir, ReportOptions{}, io.Discard); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, store.MetricsFile))
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("regenerated metrics.json differs (err %v)", err)
	}
	if _, err := os.Stat(filepath.Join(dir, store.ReportFile)); err != nil {
		t.Errorf("no report: %v", err)
	}
	sameFiles(t, "the report", runs, snapshot(t, filepath.Join(dir, store.RunsDir)))
}

func TestAnalyzeReadsPredictionsFromElsewhere(t *testing.T) {
	csv := "model,instance,label,pred,p0,p1\n" +
		"a,0,0,0,0.9,0.1\na,1,1,1,0.2,0.8\na,2,1,0,0.6,0.4\n" +
		"b,0,0,0,0.7,0.3\nb,1,1,0,0.5,0.5\nb,2,1,1,0.1,0.9\n"
	dir := t.TempDir()
	in := filepath.Join(dir, "pred.csv")
	os.WriteFile(in, []byte(csv), 0o644)
	out := filepath.Join(dir, "out")
	if err := Analyze(in, out, metrics.Options{}, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(out, store.MetricsFile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(`"agreement":[[1,0.3333333333333333],[0.3333333333333333,1]]`)) {
		t.Errorf("metrics.json lacks the expected agreement matrix:\n%.400s", b)
	}
	// The models were trained elsewhere: the methods say what was done.
	for _, name := range []string{"methods.md", "methods.tex"} {
		m, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(m, []byte("We analysed the predictions of 2 models trained elsewhere")) || bytes.Contains(m, []byte("trained a grid")) {
			t.Errorf("%s does not say that predictions were analysed:\n%.600s", name, m)
		}
	}
}

func TestCollectGathersFeaturesOnTheFixedSubset(t *testing.T) {
	spec := writeSpec(t, testSpec)
	res := t.TempDir()
	if err := runStudy(t, spec, res, RunOptions{}); err != nil {
		t.Fatal(err)
	}
	x, err := runs.Collect(filepath.Join(res, "t"))
	if err != nil {
		t.Fatal(err)
	}
	if len(x.FeatureIdx) != 200 {
		t.Fatalf("feature subset of %d instances, want all 200 test instances", len(x.FeatureIdx))
	}
	for m, name := range x.Models {
		want := 0 // logreg has no hidden layer
		if strings.Contains(name, "arch=mlp") {
			want = 8 // the mlp's last hidden width
		}
		if x.FeatureDims[m] != want || len(x.Features[m]) != 200*want {
			t.Errorf("%s: features %d×%d, want 200×%d", name, len(x.Features[m])/max(1, x.FeatureDims[m]), x.FeatureDims[m], want)
		}
		if x.LogitDims[m] != 1 || len(x.Logits[m]) != 200 { // a binary task: one logit
			t.Errorf("%s: logits %d×%d, want 200×1", name, len(x.Logits[m])/max(1, x.LogitDims[m]), x.LogitDims[m])
		}
	}
}

func TestParseShard(t *testing.T) {
	tests := []struct {
		in      string
		i, n    int
		wantErr bool
	}{
		{"", 0, 0, false}, {"0/1", 0, 1, false}, {"2/3", 2, 3, false},
		{"3/3", 0, 0, true}, {"-1/3", 0, 0, true}, {"1/0", 0, 0, true}, {"a/b", 0, 0, true}, {"1", 0, 0, true},
	}
	for _, tt := range tests {
		s, err := ParseShard(tt.in)
		if (err != nil) != tt.wantErr || (err == nil && (s.Index != tt.i || s.Count != tt.n)) {
			t.Errorf("ParseShard(%q) = %+v, %v", tt.in, s, err)
		}
	}
}

func TestEvalSetsAreMeasuredAndReported(t *testing.T) {
	src := testSpec + "eval_sets:\n  - {name: noisy, corruption: gaussian_noise, severity: 5}\n  - {name: flat, corruption: contrast, severity: 5}\n"
	res := t.TempDir()
	if err := runStudy(t, writeSpec(t, src), res, RunOptions{}); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(res, "t")
	for _, f := range []string{"predictions-noisy.csv", "predictions-flat.csv"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if n := bytes.Count(b, []byte("\n")); n != 1+8*200 {
			t.Errorf("%s has %d lines, want header + 8 runs × 200", f, n)
		}
	}
	var m struct {
		EvalSets map[string]struct {
			PerModel struct{ Accuracy []float64 } `json:"per_model"`
		} `json:"eval_sets"`
		OnTheLine map[string]struct {
			IDAgreement  []float64                `json:"id_agreement"`
			OODAccuracy  []float64                `json:"ood_accuracy"`
			AccuracyLine struct{ Slope *float64 } `json:"accuracy_line"`
		} `json:"agreement_on_the_line"`
	}
	if err := store.ReadJSON(filepath.Join(dir, store.MetricsFile), &m); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"noisy", "flat"} {
		if got := len(m.EvalSets[name].PerModel.Accuracy); got != 8 {
			t.Errorf("eval set %s: %d accuracies, want 8", name, got)
		}
		l := m.OnTheLine[name]
		if len(l.IDAgreement) != 8*7/2 || len(l.OODAccuracy) != 8 {
			t.Errorf("eval set %s: on-the-line data has %d pairs and %d models", name, len(l.IDAgreement), len(l.OODAccuracy))
		}
	}
	html, err := os.ReadFile(filepath.Join(dir, store.ReportFile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(html, []byte("Distribution shift")) || !bytes.Contains(html, []byte("noisy")) {
		t.Error("the report lacks the distribution-shift section")
	}
}

func TestImageCorruptionOnTabularDataIsBadInput(t *testing.T) {
	src := testSpec + "eval_sets:\n  - {name: turned, corruption: rotation, severity: 1}\n"
	res := filepath.Join(t.TempDir(), "results")
	err := runStudy(t, writeSpec(t, src), res, RunOptions{})
	if ExitCode(err) != 2 || !strings.Contains(fmt.Sprint(err), "rotation needs image data") {
		t.Errorf("err = %v (exit %d), want exit 2 saying rotation needs images", err, ExitCode(err))
	}
	if _, err := os.Stat(res); !os.IsNotExist(err) {
		t.Error("results folder written for a bad eval set")
	}
}

func TestAttributionTreatsAZipGroupAsOneFactor(t *testing.T) {
	res := t.TempDir()
	if err := runStudy(t, writeSpec(t, testSpec), res, RunOptions{}); err != nil {
		t.Fatal(err)
	}
	var m struct {
		Attribution []struct {
			Axis   string `json:"axis"`
			NPairs int    `json:"n_pairs"`
		} `json:"attribution"`
	}
	if err := store.ReadJSON(filepath.Join(res, "t", store.MetricsFile), &m); err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, a := range m.Attribution {
		got[a.Axis] = a.NPairs
	}
	// 2 archs × 2 seeds × 2 optimizer/lr points: each factor has 4 pairs
	// that differ in it alone.
	want := map[string]int{"arch": 4, "seed": 4, "optimizer/lr": 4}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("attribution factors and pair counts = %v, want %v", got, want)
	}
}

func TestFailedRunsErrorCountsFailedAndSkippedApart(t *testing.T) {
	failed := runs.Failure{ID: "a1", Name: "lr=1e+30", Reason: "train: loss is NaN\nstack"}
	skipped := runs.Failure{ID: "b2", Name: "role=finetune", Reason: "skipped: parent lr=1e+30 failed: train: loss is NaN", Skipped: true}
	for _, tt := range []struct {
		name     string
		failures []runs.Failure
		want     string
	}{
		{"failures alone", []runs.Failure{failed}, "1 run(s) failed:\n  lr=1e+30 (a1): train: loss is NaN"},
		{"failures and skipped runs", []runs.Failure{failed, skipped}, "1 run(s) failed, 1 skipped:\n  lr=1e+30 (a1): train: loss is NaN\n  role=finetune (b2): skipped: parent lr=1e+30 failed: train: loss is NaN"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := (&FailedRunsError{tt.failures}).Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestRunKeepsTheFolderLockedThroughItsReport checks the lock around the
// study-level files: an unsharded run holds the folder through its
// report, so neither another run nor a report can write it then, and a
// report refuses a folder a run is writing while it runs beside shards.
func TestRunKeepsTheFolderLockedThroughItsReport(t *testing.T) {
	spec := writeSpec(t, testSpec)
	res := t.TempDir()
	dir := filepath.Join(res, "t")
	var during []error
	testHookReport = func(d string) {
		for _, lock := range []func() (func(), error){
			func() (func(), error) { return store.LockShared(d) },
			func() (func(), error) { return store.Lock(d, "") },
		} {
			unlock, err := lock()
			if err == nil {
				unlock()
			}
			during = append(during, err)
		}
	}
	defer func() { testHookReport = nil }()
	if err := runStudy(t, spec, res, RunOptions{}); err != nil {
		t.Fatal(err)
	}
	if len(during) != 2 {
		t.Fatalf("the report stage ran %d times, want once", len(during)/2)
	}
	for i, what := range []string{"a report", "another run"} {
		if !errors.Is(during[i], store.ErrLocked) {
			t.Errorf("%s during the run's report: %v, want ErrLocked", what, during[i])
		}
	}
	for _, tc := range []struct {
		name   string
		holder string // the lock held meanwhile: "" an unsharded run, else a shard
		want   error
	}{
		{"beside an unsharded run", "", store.ErrLocked},
		{"beside a shard", "0-of-2", nil},
	} {
		t.Run("a report "+tc.name, func(t *testing.T) {
			unlock, err := store.Lock(dir, tc.holder)
			if err != nil {
				t.Fatal(err)
			}
			defer unlock()
			if err := Report(dir, ReportOptions{}, io.Discard); !errors.Is(err, tc.want) && (tc.want != nil || err != nil) {
				t.Errorf("Report: %v, want %v", err, tc.want)
			}
		})
	}
}

// TestAnalyzeWarnsWhenPredIsNotArgmax checks that rows whose pred is not a
// most probable class of their p are counted, with the first line, on
// stderr and in the report, and that consistent files get no warning.
func TestAnalyzeWarnsWhenPredIsNotArgmax(t *testing.T) {
	for _, tc := range []struct {
		name, rows string
		warn       string // "" for none
	}{
		{"consistent rows get no warning", "a,0,0,0,0.9,0.1\na,1,1,1,0.2,0.8\nb,0,0,0,0.7,0.3\nb,1,1,1,0.4,0.6\n", ""},
		{"two rows against their p are counted", "a,0,0,0,0.9,0.1\na,1,1,0,0.2,0.8\nb,0,0,1,0.7,0.3\nb,1,1,1,0.4,0.6\n", "pred.csv:3: in 2 of 4 rows, pred is not a most probable class of p0…p1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			in := filepath.Join(dir, "pred.csv")
			os.WriteFile(in, []byte("model,instance,label,pred,p0,p1\n"+tc.rows), 0o644)
			out := filepath.Join(dir, "out")
			var stderr strings.Builder
			if err := Analyze(in, out, metrics.Options{}, io.Discard, &stderr); err != nil {
				t.Fatal(err)
			}
			page, err := os.ReadFile(filepath.Join(out, store.ReportFile))
			if err != nil {
				t.Fatal(err)
			}
			inReport := strings.Contains(string(page), "pred is not argmax(p)")
			if tc.warn == "" {
				if stderr.Len() > 0 || inReport {
					t.Errorf("warned: stderr %q, in the report %v", stderr.String(), inReport)
				}
				return
			}
			if !strings.Contains(stderr.String(), tc.warn) {
				t.Errorf("stderr %q, want %q", stderr.String(), tc.warn)
			}
			if !inReport || !strings.Contains(string(page), "In 2 of the 4 rows of") {
				t.Error("the report does not say so")
			}
		})
	}
}
