package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestMetricsFlagsReachMetrics checks that --bootstrap, --permutations
// and --homogenization-k mean the numbers given, that -1 turns the
// intervals and p-values off, and that the defaults are the numbers the
// flags print.
func TestMetricsFlagsReachMetrics(t *testing.T) {
	tmp := t.TempDir()
	writeFile(t, tmp, "p.csv", threeModels())
	for _, tc := range []struct {
		name      string
		args      []string
		perms     int // 0: no "permutation" member
		k         int
		intervals bool
	}{
		{"the defaults are 999 permutations and k = 3, with intervals", nil, 999, 3, true},
		{"given values mean themselves", []string{"--permutations", "19", "--bootstrap", "30", "--homogenization-k", "2"}, 19, 2, true},
		{"-1 turns the p-values and intervals off", []string{"--permutations", "-1", "--bootstrap", "-1"}, 0, 3, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(tmp, tc.name)
			mustRun(t, tmp, append([]string{"analyze", "p.csv", "--out", out}, tc.args...)...)
			b, err := os.ReadFile(filepath.Join(out, "metrics.json"))
			if err != nil {
				t.Fatal(err)
			}
			var doc struct {
				Permutation *struct {
					Permutations int `json:"permutations"`
				} `json:"permutation"`
				Ensemble map[string]json.RawMessage `json:"ensemble"`
			}
			if err := json.Unmarshal(b, &doc); err != nil {
				t.Fatal(err)
			}
			switch {
			case tc.perms == 0 && doc.Permutation != nil:
				t.Errorf("permutation member written: %+v", doc.Permutation)
			case tc.perms > 0 && (doc.Permutation == nil || doc.Permutation.Permutations != tc.perms):
				t.Errorf("permutation = %+v, want %d permutations", doc.Permutation, tc.perms)
			}
			if got := string(doc.Ensemble["homogenization_k_size"]); got != strconv.Itoa(tc.k) {
				t.Errorf("homogenization_k_size = %s, want %d", got, tc.k)
			}
			if _, ok := doc.Ensemble["homogenization_k_ci"]; ok != tc.intervals {
				t.Errorf("homogenization_k_ci present: %v, want %v", ok, tc.intervals)
			}
		})
	}
}

// threeModels is a predictions CSV of three binary classifiers on 40
// instances, each wrong on its own instances.
func threeModels() string {
	preds := predHeader
	for _, m := range []string{"a", "b", "c"} {
		for i := range 40 {
			pred := i % 2
			if (m == "b" && i%5 == 0) || (m == "c" && i%7 == 0) || (m == "a" && i%3 == 0) {
				pred = 1 - pred
			}
			p := "0.9,0.1"
			if pred == 1 {
				p = "0.1,0.9"
			}
			preds += m + "," + strconv.Itoa(i) + "," + strconv.Itoa(i%2) + "," + strconv.Itoa(pred) + "," + p + "\n"
		}
	}
	return preds
}

// TestProgressLinesGoToStderr checks that the metrics and report stages
// each say on stderr what they compute, and that stdout, which holds the
// summary, gets none of it.
func TestProgressLinesGoToStderr(t *testing.T) {
	tmp := t.TempDir()
	writeFile(t, tmp, "p.csv", threeModels())
	r := mustRun(t, tmp, "analyze", "p.csv", "--out", "out", "--bootstrap", "30", "--permutations", "19")
	var got []string
	for _, l := range strings.Split(r.stderr, "\n") {
		if strings.HasPrefix(l, "study: metrics: ") || strings.HasPrefix(l, "study: report: ") {
			got = append(got, l)
		}
	}
	want := []string{
		"study: metrics: pairwise measures (3 models, 3 pairs) …",
		"study: metrics: bootstrap (30 replicates) …",
		"study: metrics: permutation tests (19 permutations) …",
		"study: report: figures, tables and the page …",
	}
	if !slices.Equal(got, want) {
		t.Errorf("progress on stderr:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if strings.Contains(r.stdout, "study: metrics") || strings.Contains(r.stdout, "study: report") {
		t.Errorf("stdout holds progress lines:\n%s", r.stdout)
	}
}
