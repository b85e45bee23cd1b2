package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDataFetch(t *testing.T) {
	dataDir := t.TempDir()
	t.Setenv("STUDY_DATA", dataDir)
	// A complete folder is kept as it is: no network needed.
	fm := filepath.Join(dataDir, "fashion-mnist")
	os.MkdirAll(fm, 0o755)
	for _, f := range []string{"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"} {
		writeFile(t, fm, f, "x")
	}
	for _, tc := range []struct {
		name     string
		args     []string
		wantCode int
		want     string // in stdout (code 0) or stderr
	}{
		{"a dataset already in $STUDY_DATA is not fetched again", []string{"data", "fetch", "fashion-mnist"}, 0, fm},
		{"an unknown dataset is a usage error", []string{"data", "fetch", "imagenet"}, 2, "known: cifar10, fashion-mnist"},
		{"data without fetch is a usage error", []string{"data", "get", "cifar10"}, 2, "study data fetch NAME"},
		{"fetch without a name is a usage error", []string{"data", "fetch"}, 2, "usage"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runStudy(t, t.TempDir(), tc.args...)
			out := r.stderr
			if tc.wantCode == 0 {
				out = r.stdout
			}
			if r.code != tc.wantCode || !strings.Contains(out, tc.want) {
				t.Errorf("exit %d, output %q; want %d and %q", r.code, out, tc.wantCode, tc.want)
			}
			noTrace(t, r.stderr)
		})
	}
}

func TestRunWithoutFashionMNISTSaysHowToGetIt(t *testing.T) {
	t.Setenv("STUDY_DATA", t.TempDir())
	if _, err := os.Stat("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"); err == nil {
		t.Skip("Fashion-MNIST is installed in /usr/share/datasets: it cannot be missing")
	}
	dir := t.TempDir()
	writeFile(t, dir, "s.yaml", "name: f\ndataset: {name: fashion-mnist, train: 100, test: 100}\nfixed: {arch: logreg, epochs: 1}\n")
	r := runStudy(t, dir, "run", "s.yaml", "--results", filepath.Join(dir, "res"))
	if r.code != 2 || !strings.Contains(r.stderr, "train-images-idx3-ubyte.gz") || !strings.Contains(r.stderr, "apt-get install dataset-fashion-mnist") {
		t.Errorf("exit %d, stderr %q; want 2 naming the file and the package", r.code, r.stderr)
	}
}
