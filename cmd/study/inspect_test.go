package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunsAndExtractCommands(t *testing.T) {
	ref := quickReference(t)
	tmp := t.TempDir()
	// A folder and a file that are not a study's results folder.
	empty, file := filepath.Join(tmp, "empty"), filepath.Join(tmp, "file")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte("not a study\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	notAStudy := func(t *testing.T, r result, out string) {
		if r.stdout != "" || !strings.Contains(r.stderr, "not a") || exists(out) {
			t.Errorf("stdout %q, out written %v, stderr:\n%s", r.stdout, exists(out), r.stderr)
		}
	}
	tests := []struct {
		name     string
		args     []string
		wantCode int
		check    func(t *testing.T, r result, out string)
	}{
		{"runs lists every run as a table", []string{"runs", ref}, 0, func(t *testing.T, r result, _ string) {
			if !strings.Contains(r.stdout, "test_accuracy") || strings.Count(r.stdout, " ok ") < 2 {
				t.Errorf("stdout:\n%s", r.stdout)
			}
		}},
		{"runs --tsv prints a header and one line a run", []string{"runs", "--tsv", ref}, 0, func(t *testing.T, r result, _ string) {
			lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
			if len(lines) < 3 || !strings.HasPrefix(lines[0], "id\tname\tstatus") {
				t.Errorf("stdout:\n%s", r.stdout)
			}
			for _, l := range lines[1:] {
				if f := strings.Split(l, "\t"); len(f) != 6 || f[2] != "ok" {
					t.Errorf("line %q", l)
				}
			}
		}},
		{"runs of a missing folder is bad input", []string{"runs", filepath.Join(tmp, "nope")}, 2, nil},
		{"runs wants one folder", []string{"runs"}, 2, nil},
		{"runs of an empty folder is bad input", []string{"runs", empty}, 2, notAStudy},
		{"runs --tsv of an empty folder is bad input", []string{"runs", "--tsv", empty}, 2, notAStudy},
		{"runs of a regular file is bad input", []string{"runs", file}, 2, notAStudy},
		{"extract of an empty folder is bad input and writes nothing", []string{"extract", empty, "--out", "OUT"}, 2, notAStudy},
		{"extract writes one folder a run", []string{"extract", ref, "--out", "OUT"}, 0, func(t *testing.T, r result, out string) {
			ents, err := os.ReadDir(out)
			if err != nil || len(ents) < 2 {
				t.Fatalf("out: %v, %d entries", err, len(ents))
			}
			for _, e := range ents {
				for _, f := range []string{"metrics.json", "predictions.csv"} {
					if !exists(filepath.Join(out, e.Name(), f)) {
						t.Errorf("%s lacks %s", e.Name(), f)
					}
				}
			}
			if n := strings.Count(r.stdout, "\n"); n != len(ents) {
				t.Errorf("stdout names %d folders, out holds %d", n, len(ents))
			}
		}},
		{"extract without --out is a usage error", []string{"extract", ref}, 2, nil},
		{"extract of an unknown run is bad input and writes nothing", []string{"extract", ref, "no-such-run", "--out", "OUT"}, 2, func(t *testing.T, r result, out string) {
			if exists(out) || !strings.Contains(r.stderr, "no-such-run") {
				t.Errorf("out written (%v) or stderr does not name the run:\n%s", exists(out), r.stderr)
			}
		}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(tmp, "out", strings.Repeat("x", i+1))
			args := append([]string(nil), tt.args...)
			for k, a := range args {
				if a == "OUT" {
					args[k] = out
				}
			}
			r := runStudy(t, tmp, args...)
			if r.code != tt.wantCode {
				t.Fatalf("study %s: exit %d, want %d\nstderr:\n%s", strings.Join(args, " "), r.code, tt.wantCode, r.stderr)
			}
			if tt.check != nil {
				tt.check(t, r, out)
			}
		})
	}
}
