package metrics

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestComputeReportsEachSlowStage(t *testing.T) {
	configs := func(m int) []map[string]string {
		c := make([]map[string]string, m)
		for i := range c {
			c[i] = map[string]string{"arch": fmt.Sprint("a", i%2), "seed": fmt.Sprint(i / 2)}
		}
		return c
	}
	tests := []struct {
		name    string
		opts    Options
		configs bool
		want    []string
	}{
		{"intervals and p-values", Options{Bootstrap: 20, Permutations: 19}, false,
			[]string{"pairwise measures (4 models, 6 pairs)", "bootstrap (20 replicates)", "permutation tests (19 permutations)"}},
		{"a grid's runs", Options{Bootstrap: 20, Permutations: 19}, true,
			[]string{"pairwise measures (4 models, 6 pairs)", "bootstrap (20 replicates)", "permutation tests (19 permutations)", "factor attribution"}},
		{"intervals and p-values off", Options{Bootstrap: -1, Permutations: -1}, false,
			[]string{"pairwise measures (4 models, 6 pairs)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := randomMatrix(7, 4, 300, 3, 0.8)
			if tt.configs {
				x.Configs = configs(4)
			}
			var got []string
			opts := tt.opts
			opts.Progress = func(s string) { got = append(got, s) }
			r, err := Compute(x, opts)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("progress %q, want %q", got, tt.want)
			}
			// The hook only reports: the results are the same bytes.
			quiet, err := Compute(x, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			a, b := filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json")
			if err := WriteJSON(a, r); err != nil {
				t.Fatal(err)
			}
			if err := WriteJSON(b, quiet); err != nil {
				t.Fatal(err)
			}
			ja, err1 := os.ReadFile(a)
			jb, err2 := os.ReadFile(b)
			if err1 != nil || err2 != nil || !bytes.Equal(ja, jb) {
				t.Error("metrics.json differs with a progress hook")
			}
		})
	}
}
