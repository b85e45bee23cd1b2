package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// noTrace fails if stderr looks like a crash rather than a message.
func noTrace(t *testing.T, stderr string) {
	t.Helper()
	for _, s := range []string{"panic:", "goroutine ", ".go:"} {
		if strings.Contains(stderr, s) {
			t.Errorf("stderr holds %q, a stack trace or source position:\n%s", s, stderr)
		}
	}
}

const predHeader = "model,instance,label,pred,p0,p1\n"

// TestAnalyzeRefusesBadPredictions feeds `study analyze` broken
// predictions files: each exits 2 with a message naming the file, line and
// column, and creates no output folder.
func TestAnalyzeRefusesBadPredictions(t *testing.T) {
	for _, tc := range []struct {
		name    string
		content string
		at      string // "line:column" the message must name
		msg     string // what the message must say
	}{
		{"a file cut off mid-row is refused", predHeader + "a,0,0,0,0.9,0.1\na,1,1", "3:5", "wrong number of fields"},
		{"a corrupt quoted field is refused", predHeader + "a,\"0,0,0,0.9,0.1\na,1,1,1,0.2,0.8\n", "3:17", "malformed CSV"},
		{"binary garbage is refused", "\x00\x01\x02garbage\x1f\x8b\x08", "1:1", "not valid UTF-8"},
		{"non-UTF-8 text is refused", predHeader + "a,0,0,0,0.9,0.1\n\xff\xfe,1,1,1,0.2,0.8\n", "3:1", "not valid UTF-8"},
		{"a row with too many columns is refused", predHeader + "a,0,0,0,0.9,0.1,0\na,1,1,1,0.2,0.8\n", "2:17", "wrong number of fields"},
		{"a row with too few columns is refused", predHeader + "a,0,0,0,0.9\n", "2:", "wrong number of fields"},
		{"a NaN probability is refused", predHeader + "a,0,0,0,NaN,0.1\na,1,1,1,0.2,0.8\n", "2:9", "NaN"},
		{"probabilities that do not sum to 1 are refused", predHeader + "a,0,0,0,0.5,0.7\na,1,1,1,0.2,0.8\n", "2:9", "sum to 1.2"},
		{"a duplicate (model, instance) row is refused", predHeader + "a,0,0,0,0.9,0.1\na,0,0,0,0.9,0.1\n", "3:1", "duplicate row"},
		{"a model missing an instance is refused", predHeader + "a,0,0,0,0.9,0.1\na,1,1,1,0.2,0.8\nb,0,0,1,0.4,0.6\n", "4:1", "missing row"},
		{"a label outside the class range is refused", predHeader + "a,0,2,0,0.9,0.1\na,1,1,1,0.2,0.8\n", "2:5", "out of range"},
		{"a prediction outside the class range is refused", predHeader + "a,0,0,5,0.9,0.1\na,1,1,1,0.2,0.8\n", "2:7", "out of range"},
		{"an empty file is refused", "", "1:1", "empty file"},
		{"a header without rows is refused", predHeader, "2:1", "no rows"},
		// Issue 17: names that print as other names, compressed files.
		{"a model name with a line break is refused", predHeader + "\"a\nb\",0,0,0,0.9,0.1\n", "2:1", "model name holds U+000A"},
		{"a model name with a tab is refused", predHeader + "a\tb,0,0,0,0.9,0.1\n", "2:1", "model name holds U+0009"},
		{"a model name with a bidi override is refused", predHeader + "a\u202Eb,0,0,0,0.9,0.1\n", "2:1", "model name holds U+202E"},
		{"a gzip file is named as compressed", "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xff\xfe", "1:1", "gzip-compressed file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tmp := t.TempDir()
			writeFile(t, tmp, "bad.csv", tc.content)
			r := runStudy(t, tmp, "analyze", "bad.csv", "--out", "out")
			if r.code != 2 {
				t.Errorf("exit %d, want 2; stderr:\n%s", r.code, r.stderr)
			}
			if want := "bad.csv:" + tc.at; !strings.Contains(r.stderr, want) || !strings.Contains(r.stderr, tc.msg) {
				t.Errorf("stderr %q: want %q and %q", r.stderr, want, tc.msg)
			}
			if !regexp.MustCompile(`bad\.csv:\d+:\d+: `).MatchString(r.stderr) {
				t.Errorf("stderr %q does not name file:line:column", r.stderr)
			}
			noTrace(t, r.stderr)
			if exists(filepath.Join(tmp, "out")) {
				t.Errorf("the output folder was created")
			}
			if r.stdout != "" {
				t.Errorf("stdout %q, want nothing", r.stdout)
			}
		})
	}
	t.Run("a missing file is refused with exit 2", func(t *testing.T) {
		tmp := t.TempDir()
		r := runStudy(t, tmp, "analyze", "none.csv", "--out", "out")
		if r.code != 2 || !strings.Contains(r.stderr, "none.csv") || exists(filepath.Join(tmp, "out")) {
			t.Errorf("exit %d, stderr %q", r.code, r.stderr)
		}
	})
}

// specHead is the valid start of every bad spec below; the bad part
// starts at line 7.
const specHead = `name: bad
seed: 1
dataset: {name: moons, train: 100, test: 50}
task: binary
fixed:
  epochs: 2
`

// TestRunRefusesBadSpecs feeds `study run` broken specs: each exits 2
// with a message naming the file, line and field, prints no stack trace,
// and creates no results folder.
func TestRunRefusesBadSpecs(t *testing.T) {
	// A grid of 401 × 250 = 100 250 runs, above the default cap.
	var seeds, lrs []string
	for i := range 401 {
		seeds = append(seeds, fmt.Sprint(i+1))
	}
	for i := range 250 {
		lrs = append(lrs, fmt.Sprintf("0.%04d", i+1))
	}
	huge := specHead + "axes:\n  seed: [" + strings.Join(seeds, ", ") + "]\n  lr: [" + strings.Join(lrs, ", ") + "]\n"

	for _, tc := range []struct {
		name  string
		spec  string
		flags []string
		at    string // "line" or "line:column" after the file name
		field string
	}{
		{"an unknown key is refused", specHead + "epochz: 3\n", nil, "7:1", "epochz"},
		{"a wrong type is refused", specHead + "axes:\n  batch: [16, big]\n", nil, "8:15", "axes.batch"},
		{"an empty axis is refused", specHead + "axes:\n  lr: []\n", nil, "8:7", "axes.lr"},
		{"zero epochs are refused", strings.Replace(specHead, "epochs: 2", "epochs: 0", 1), nil, "6:11", "fixed.epochs"},
		{"negative epochs are refused", strings.Replace(specHead, "epochs: 2", "epochs: -3", 1), nil, "6:11", "fixed.epochs"},
		{"a zero learning rate is refused", specHead + "axes:\n  lr: [0.1, 0]\n", nil, "8:13", "axes.lr"},
		{"a negative learning rate is refused", specHead + "axes:\n  lr: [0.1, -1]\n", nil, "8:13", "axes.lr"},
		{"a NaN learning rate is refused", specHead + "axes:\n  lr: [0.1, .nan]\n", nil, "8:13", "axes.lr"},
		{"an unknown arch is refused", specHead + "axes:\n  arch: [logreg, transformerz]\n", nil, "8:18", "axes.arch"},
		{"an unknown optimizer is refused", specHead + "axes:\n  optimizer: [sgd, adamz]\n", nil, "8:20", "axes.optimizer"},
		{"a duplicate axis is refused", specHead + "axes:\n  lr: [0.1]\n  lr: [0.2]\n", nil, "9:3", "axes.lr"},
		{"a name that climbs out of the results folder is refused", strings.Replace(specHead, "name: bad", "name: ../evil", 1), nil, "1:7", "name"},
		{"an absolute name is refused", strings.Replace(specHead, "name: bad", "name: /tmp/evil", 1), nil, "1:7", "name"},
		{"a name with a slash is refused", strings.Replace(specHead, "name: bad", "name: a/b", 1), nil, "1:7", "name"},
		{"a grid above --max-runs is refused", specHead + "axes:\n  seed: [1, 2, 3, 4]\n  lr: [0.1, 0.2]\n", []string{"--max-runs", "5"}, "8:", "axes"},
		{"a grid above the default cap is refused", huge, nil, "8:", "axes"},
		{"an unknown dataset is refused at its name", strings.Replace(specHead, "name: moons", "name: foo", 1), nil, "3:17", "dataset.name"},
		{"a missing CSV file is refused at its path", strings.Replace(specHead, "{name: moons, train: 100, test: 50}", "{name: csv, path: nowhere.csv}", 1), nil, "3:28", "dataset.path"},
		// Recipes the data cannot support, found once the data are loaded.
		{"an image augmentation on tabular data is refused at its axis point", specHead + "axes:\n  augment: [[], [flip]]\n  seed: [1, 2]\n", nil, "8:17", "axes.augment"},
		{"an image augmentation on tabular data is refused at its fixed value", specHead + "  augment: [flip]\n", nil, "7:12", "fixed.augment"},
		{"an image architecture on tabular data is refused at its fixed value", specHead + "  arch: cnn\n", nil, "7:9", "fixed.arch"},
		{"an image architecture on tabular data is refused at its axis point", specHead + "axes:\n  arch: [mlp, cnn]\n", nil, "8:15", "axes.arch"},
		{"patience without validation rows is refused at its value", strings.Replace(specHead, "test: 50}", "test: 50, no_val: true}", 1) + "  patience: 2\n", nil, "7:13", "fixed.patience"},
		// Issue 17: a value means itself, or is refused.
		{"an empty widths is refused, not trained as [64, 32]", specHead + "axes:\n  widths: [[], [64, 32]]\n", nil, "8:12", "axes.widths"},
		{"k 0 is refused, not trained as 5", specHead + "  arch: knn\n  k: 0\n", nil, "8:6", "fixed.k"},
		{"widths swept beside logreg is refused as twins", specHead + "axes:\n  arch: [logreg, mlp]\n  widths: [[8], [16]]\n", nil, "9:", "axes.widths"},
		{"l2 0 and -0 are refused as one value", specHead + "axes:\n  l2: [0, -0.0]\n", nil, "8:", "axes.l2"},
		// Issue 17: sizes are checked before training.
		{"a model that cannot fit in memory is refused at its widths", specHead + "  widths: [10000000000]\n", nil, "7:11", "fixed.widths"},
		{"knn with k above the training rows is refused at k", specHead + "  arch: knn\n  k: 91\n", nil, "8:6", "fixed.k"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tmp := t.TempDir()
			writeFile(t, tmp, "bad.yaml", tc.spec)
			r := runStudy(t, tmp, append([]string{"run", "bad.yaml", "--results", "res"}, tc.flags...)...)
			if r.code != 2 {
				t.Errorf("exit %d, want 2; stderr:\n%s", r.code, r.stderr)
			}
			if want := "bad.yaml:" + tc.at; !strings.Contains(r.stderr, want) || !strings.Contains(r.stderr, tc.field+":") {
				t.Errorf("stderr %q: want %q and the field %q", r.stderr, want, tc.field)
			}
			noTrace(t, r.stderr)
			for _, p := range []string{"res", "evil", "a", "/tmp/evil"} {
				if exists(filepath.Join(tmp, p)) || (filepath.IsAbs(p) && exists(p)) {
					t.Errorf("%s was created", p)
				}
			}
		})
	}

	t.Run("a batch above the training rows trains, clamped, and leaves no temporary file", func(t *testing.T) {
		tmp := t.TempDir()
		writeFile(t, tmp, "ok.yaml", specHead+"  batch: 20000000000\n")
		mustRun(t, tmp, "run", "ok.yaml", "--results", "res", "--no-report")
		filepath.WalkDir(filepath.Join(tmp, "res"), func(p string, _ os.DirEntry, _ error) error {
			if strings.HasPrefix(filepath.Base(p), ".tmp") {
				t.Errorf("temporary file left: %s", p)
			}
			return nil
		})
	})
	t.Run("--max-runs raises the cap", func(t *testing.T) {
		tmp := t.TempDir()
		writeFile(t, tmp, "ok.yaml", specHead+"axes:\n  seed: [1, 2, 3, 4]\n  lr: [0.1, 0.2]\n")
		r := mustRun(t, tmp, "run", "ok.yaml", "--results", "res", "--max-runs", "8", "--no-report")
		if !strings.Contains(r.stdout, "8 runs") {
			t.Errorf("stdout %q, want 8 runs", r.stdout)
		}
		writeFile(t, tmp, "huge.yaml", huge)
		mustRun(t, tmp, "validate", "huge.yaml", "--max-runs", "200000")
	})
	// A missing spec is the user's input: exit 2, like any bad spec.
	t.Run("a missing spec is refused, naming the file", func(t *testing.T) {
		tmp := t.TempDir()
		r := runStudy(t, tmp, "run", "none.yaml", "--results", "res")
		if r.code != 2 || !strings.Contains(r.stderr, "none.yaml") || exists(filepath.Join(tmp, "res")) {
			t.Errorf("exit %d, stderr %q; want exit 2 naming none.yaml and no results folder", r.code, r.stderr)
		}
	})
}

// TestExportRefusesBadInput checks that `study export` validates the spec
// and its flags before printing anything.
func TestExportRefusesBadInput(t *testing.T) {
	tmp := t.TempDir()
	writeFile(t, tmp, "bad.yaml", specHead+"epochz: 3\n")
	// Specs that parse but that every task would refuse, as validate does.
	writeFile(t, tmp, "nodata.yaml", "name: x\nseed: 1\ndataset: {name: csv, path: none.csv}\nfixed: {epochs: 1}\naxes:\n  seed: [1, 2]\n")
	writeFile(t, tmp, "flip.yaml", specHead+"  augment: [flip]\naxes:\n  seed: [1, 2]\n")
	writeFile(t, tmp, "orphan.yaml", specHead+"  init: {from: \"seed=100\"}\naxes:\n  seed: [1, 2]\n")
	writeFile(t, tmp, "huge.yaml", specHead+"  widths: [10000000000]\naxes:\n  seed: [1, 2]\n")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"a bad spec is refused", []string{"export", "slurm", "bad.yaml", "--shards", "2"}, "bad.yaml:7:1: epochz"},
		{"a missing dataset is refused", []string{"export", "slurm", "nodata.yaml", "--shards", "2"}, "none.csv"},
		{"an image augmentation on tabular data is refused", []string{"export", "k8s", "flip.yaml", "--shards", "2", "--image", "s"}, "flip"},
		{"an init that names no run is refused", []string{"export", "slurm", "orphan.yaml", "--shards", "2"}, "init"},
		{"a model that cannot fit in memory is refused", []string{"export", "slurm", "huge.yaml", "--shards", "2"}, "huge.yaml:7:11: fixed.widths"},
		{"a bad spec is refused for Kubernetes too", []string{"export", "k8s", "bad.yaml", "--shards", "2", "--image", "s"}, "bad.yaml:7:1: epochz"},
		{"zero shards are refused", []string{"export", "slurm", quickSpec(), "--shards", "0"}, "shards"},
		{"a partition that would break the script is refused", []string{"export", "slurm", quickSpec(), "--shards", "2", "--partition", "a b"}, "partition"},
		{"a missing image is refused", []string{"export", "k8s", quickSpec(), "--shards", "2"}, "image"},
		{"an unknown engine is refused", []string{"export", "lsf", quickSpec()}, "slurm or k8s"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runStudy(t, tmp, tc.args...)
			if r.code != 2 || !strings.Contains(r.stderr, tc.want) || r.stdout != "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 2, no output and %q", r.code, r.stdout, r.stderr, tc.want)
			}
			noTrace(t, r.stderr)
		})
	}
	if ents, _ := os.ReadDir(tmp); len(ents) != 5 { // the five specs
		t.Errorf("export wrote files: %v", ents)
	}
}

// TestBadFlagValuesAreRefused checks that numeric flags out of range are
// bad input (exit 2, naming the flag, nothing written) rather than
// silently replaced by a default.
func TestBadFlagValuesAreRefused(t *testing.T) {
	tmp := t.TempDir()
	writeFile(t, tmp, "ok.yaml", specHead)
	for _, tc := range []struct {
		args []string
		flag string
	}{
		{[]string{"run", "ok.yaml", "--results", "res", "--workers", "-3"}, "--workers"},
		{[]string{"run", "ok.yaml", "--results", "res", "--max-runs", "0"}, "--max-runs"},
		{[]string{"run", "ok.yaml", "--results", "res", "--max-runs", "-5"}, "--max-runs"},
		{[]string{"validate", "ok.yaml", "--max-runs", "0"}, "--max-runs"},
		{[]string{"export", "slurm", "ok.yaml", "--shards", "2", "--max-runs", "-1"}, "--max-runs"},
		{[]string{"export", "k8s", "ok.yaml", "--shards", "2", "--image", "study:v1", "--workers", "-2"}, "--workers"},
		{[]string{"export", "k8s", "ok.yaml", "--shards", "2", "--image", "study:v1", "--parallelism", "-2"}, "--parallelism"},
		{[]string{"export", "slurm", "ok.yaml", "--shards", "2", "--parallel", "-1"}, "--parallel"},
		{[]string{"export", "slurm", "ok.yaml", "--shards", "2", "--signal-lead", "-1"}, "--signal-lead"},
		{[]string{"export", "slurm", "ok.yaml", "--shards", "2", "--signal-lead", "0"}, "--signal-lead"},
		{[]string{"run", "ok.yaml", "--results", "res", "--bootstrap", "0"}, "--bootstrap"},
		{[]string{"run", "ok.yaml", "--results", "res", "--permutations", "0"}, "--permutations"},
		{[]string{"run", "ok.yaml", "--results", "res", "--permutations", "-2"}, "--permutations"},
		{[]string{"run", "ok.yaml", "--results", "res", "--homogenization-k", "1"}, "--homogenization-k"},
		{[]string{"analyze", "p.csv", "--out", "res", "--bootstrap", "-5"}, "--bootstrap"},
		{[]string{"report", "res", "--permutations", "0"}, "--permutations"},
		{[]string{"merge", "res", "--bootstrap", "0"}, "--bootstrap"},
		{[]string{"report", "res", "--homogenization-k", "0"}, "--homogenization-k"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			r := runStudy(t, tmp, tc.args...)
			if r.code != 2 || !strings.Contains(r.stderr, tc.flag) || r.stdout != "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 2 naming %s and no output", r.code, r.stdout, r.stderr, tc.flag)
			}
			if exists(filepath.Join(tmp, "res")) {
				t.Error("a results folder was written")
			}
		})
	}
}

// TestFoldersThatAreNotStudiesAreBadInput checks that the commands taking
// a results folder refuse a missing folder, a file and a folder that holds
// no study alike: exit 2, naming the path.
func TestFoldersThatAreNotStudiesAreBadInput(t *testing.T) {
	tmp := t.TempDir()
	if err := os.Mkdir(filepath.Join(tmp, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, tmp, "file.txt", "not a folder\n")
	for _, cmd := range []string{"report", "merge", "runs"} {
		for _, dir := range []string{"none", "empty", "file.txt"} {
			t.Run(cmd+" "+dir, func(t *testing.T) {
				r := runStudy(t, tmp, cmd, dir)
				if r.code != 2 || !strings.Contains(r.stderr, dir) {
					t.Errorf("exit %d, stderr %q; want exit 2 naming %s", r.code, r.stderr, dir)
				}
			})
		}
	}
}

// TestValidateRefusesWhatRunRefuses checks that validate loads the dataset
// and checks each recipe against it, as run does before training: a spec
// that run refuses with exit 2 fails validation too.
func TestValidateRefusesWhatRunRefuses(t *testing.T) {
	for _, tc := range []struct {
		name, spec, want string
	}{
		{"an unknown dataset", strings.Replace(specHead, "name: moons", "name: foo", 1), "foo"},
		{"image augmentations on tabular data", specHead + "  augment: [flip]\n", "not images"},
		{"a missing CSV file", strings.Replace(specHead, "{name: moons, train: 100, test: 50}", "{name: csv, path: nowhere.csv}", 1), "nowhere.csv"},
		{"a model that cannot fit in memory", specHead + "  widths: [10000000000]\n", "more than this machine's"},
		{"knn with k above the training rows", specHead + "  arch: knn\n  k: 91\n", "k 91 is more than the 90 training rows"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tmp := t.TempDir()
			writeFile(t, tmp, "bad.yaml", tc.spec)
			v := runStudy(t, tmp, "validate", "bad.yaml")
			r := runStudy(t, tmp, "run", "bad.yaml", "--results", "res")
			if r.code != 2 {
				t.Fatalf("run: exit %d, want 2 (the case does not test validate): %s", r.code, r.stderr)
			}
			if v.code != 2 || !strings.Contains(v.stderr, tc.want) || v.stdout != "" {
				t.Errorf("validate: exit %d, stdout %q, stderr %q; want exit 2 naming %q, as run's %q", v.code, v.stdout, v.stderr, tc.want, r.stderr)
			}
		})
	}
}

// TestOutputFoldersThatCannotBeWrittenAreBadInput checks the folders that
// commands write into: a path with a file in the way is bad input naming
// the flag (exit 2), and analyze refuses to write over a study's results
// folder, leaving its metrics.json as it was.
func TestOutputFoldersThatCannotBeWrittenAreBadInput(t *testing.T) {
	tmp := t.TempDir()
	writeFile(t, tmp, "ok.yaml", specHead)
	writeFile(t, tmp, "file.txt", "not a folder\n")
	writeFile(t, tmp, "preds.csv", "model,instance,label,pred,p0,p1\na,0,0,0,0.9,0.1\na,1,1,1,0.2,0.8\nb,0,0,1,0.4,0.6\nb,1,1,1,0.3,0.7\n")
	writeFile(t, tmp, "study/manifest.jsonl", "")
	writeFile(t, tmp, "study/metrics.json", "{}\n")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"run into a file", []string{"run", "ok.yaml", "--results", "file.txt"}, "--results file.txt"},
		{"analyze into a file", []string{"analyze", "preds.csv", "--out", "file.txt"}, "--out file.txt"},
		{"analyze into a folder below a file", []string{"analyze", "preds.csv", "--out", "file.txt/out"}, "--out file.txt/out"},
		{"analyze into a study's results folder", []string{"analyze", "preds.csv", "--out", "study"}, "a study's results folder"},
		{"extract into a file", []string{"extract", quickReference(t), "--out", "file.txt"}, "--out file.txt"},
		// /proc holds no folders of ours: mkdir fails with ENOENT there,
		// which was exit 1 without the flag's name.
		{"analyze below /proc", []string{"analyze", "preds.csv", "--out", "/proc/study-out"}, "--out /proc/study-out"},
		{"analyze into /proc itself", []string{"analyze", "preds.csv", "--out", "/proc"}, "--out /proc"},
		{"extract below /proc", []string{"extract", quickReference(t), "--out", "/proc/study-out"}, "--out /proc/study-out"},
		{"run below /proc", []string{"run", "ok.yaml", "--results", "/proc/study-out"}, "--results /proc/study-out"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if strings.Contains(strings.Join(tc.args, " "), "/proc") && runtime.GOOS != "linux" {
				t.Skip("needs Linux's /proc")
			}
			r := runStudy(t, tmp, tc.args...)
			if r.code != 2 || !strings.Contains(r.stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want exit 2 naming %q", r.code, r.stderr, tc.want)
			}
			noTrace(t, r.stderr)
		})
	}
	if b, err := os.ReadFile(filepath.Join(tmp, "study", "metrics.json")); err != nil || string(b) != "{}\n" {
		t.Errorf("the study's metrics.json is now %q (%v)", b, err)
	}
	if r := runStudy(t, tmp, "analyze", "preds.csv", "--out", "fresh"); r.code != 0 || !exists(filepath.Join(tmp, "fresh", "metrics.json")) {
		t.Errorf("analyze into a new folder: exit %d, %s", r.code, r.stderr)
	}
}

// TestFlagParseErrorsArePrintedOnce checks that a flag the flag package
// cannot parse is reported once, after the command's usage, exit 2.
func TestFlagParseErrorsArePrintedOnce(t *testing.T) {
	tmp := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "x.yaml", "--workers", "abc"}, `invalid value "abc" for flag -workers`},
		{[]string{"validate", "x.yaml", "--no-such-flag"}, "flag provided but not defined: -no-such-flag"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			r := runStudy(t, tmp, tc.args...)
			if r.code != 2 || strings.Count(r.stderr, tc.want) != 1 || !strings.Contains(r.stderr, "usage: study "+tc.args[0]) {
				t.Errorf("exit %d, stderr %q; want exit 2, the usage and %q once", r.code, r.stderr, tc.want)
			}
		})
	}
}
