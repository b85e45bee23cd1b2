package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMomentumIsRecorded runs momentum with momentum 0 and with momentum
// left out: the first trains with 0 (a run of its own, not the default's
// 0.9 under another name), and the manifest records the value each run
// was trained with, the default 0.9 included, under "resolved".
func TestMomentumIsRecorded(t *testing.T) {
	for _, tc := range []struct {
		name, fixed, config, resolved string
	}{
		{"a given momentum 0 is trained and recorded as 0", "optimizer: momentum, momentum: 0", `"momentum":0,`, `"momentum":0,`},
		{"an unset momentum is recorded as the default 0.9", "optimizer: momentum", "", `"momentum":0.9,`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tmp := t.TempDir()
			writeFile(t, tmp, "s.yaml", "name: m\ndataset: {name: moons, train: 60, test: 20}\nfixed: {arch: logreg, epochs: 1, lr: 0.1, "+tc.fixed+"}\n")
			if r := runStudy(t, tmp, "run", "s.yaml", "--results", "res"); r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			b, err := os.ReadFile(filepath.Join(tmp, "res", "m", "manifest.jsonl"))
			if err != nil {
				t.Fatal(err)
			}
			line := string(b)
			cfg, resolved, ok := strings.Cut(line, `"resolved":`)
			if !ok {
				t.Fatalf("manifest has no resolved config: %s", line)
			}
			if has := strings.Contains(cfg, `"momentum":`); has != (tc.config != "") || !strings.Contains(cfg, tc.config) {
				t.Errorf("config %s: want momentum %q", cfg, tc.config)
			}
			if !strings.Contains(resolved, tc.resolved) {
				t.Errorf("resolved %s: want %s", resolved, tc.resolved)
			}
		})
	}
}

// TestMessagesQuoteNoContentAndNameTheProblem checks the messages of
// issue 17: a file given by mistake (a password file as dataset,
// predictions or spec) is not printed back, a gzip dataset is named as
// compressed, and the spec messages name the real problem.
func TestMessagesQuoteNoContentAndNameTheProblem(t *testing.T) {
	const secret = "root:$6$salt$secrethash:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n"
	tmp := t.TempDir()
	writeFile(t, tmp, "shadow", secret)
	writeFile(t, tmp, "ds.yaml", "name: s\ndataset: {name: csv, path: shadow}\n")
	writeFile(t, tmp, "gz.csv", "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03secrethash")
	writeFile(t, tmp, "gz.yaml", "name: s\ndataset: {name: csv, path: gz.csv}\n")
	writeFile(t, tmp, "seed.yaml", specHead+"axes:\n  seed: [1, \"1\"]\n")
	writeFile(t, tmp, "lr.yaml", specHead+"  lr: 1e400\n")
	for _, tc := range []struct {
		name    string
		args    []string
		want    string
		notWant string
	}{
		{"a password file as a CSV dataset", []string{"validate", "ds.yaml"}, `ds.yaml:2:10: dataset: dataset csv: shadow:1: no column named "label"`, "secrethash"},
		{"a password file as predictions", []string{"analyze", "shadow", "--out", "o"}, `shadow:1:1: bad header: column 1 is not "model"`, "secrethash"},
		{"a password file as a spec", []string{"validate", "shadow"}, "unknown key <a key of", "secrethash"},
		{"a gzip file as a CSV dataset", []string{"validate", "gz.yaml"}, "a gzip-compressed file, not CSV text", "secrethash"},
		{"a quoted integer seed", []string{"validate", "seed.yaml"}, `axes.seed: want an integer, got string "1"`, "does not fit"},
		{"lr 1e400", []string{"validate", "lr.yaml"}, "fixed.lr: want a number, got number 1e400, which is beyond the range of a 64-bit float", "got string"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runStudy(t, tmp, tc.args...)
			if r.code != 2 || !strings.Contains(r.stderr, tc.want) || strings.Contains(r.stderr, tc.notWant) {
				t.Errorf("exit %d, stderr %q; want exit 2 saying %q and not %q", r.code, r.stderr, tc.want, tc.notWant)
			}
			noTrace(t, r.stderr)
		})
	}
}
