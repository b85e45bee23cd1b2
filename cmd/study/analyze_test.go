package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestAnalyzeRefusesBadModelsTables checks that a models table (--meta)
// that does not match the predictions, a --replicates naming no factor
// and a features folder with a stray file each exit 2 with a message
// naming the file (and line and column where there is one), before any
// output is written.
func TestAnalyzeRefusesBadModelsTables(t *testing.T) {
	pred := predHeader + "a,0,0,0,0.9,0.1\na,1,1,1,0.2,0.8\nb,0,0,1,0.4,0.6\nb,1,1,1,0.3,0.7\n"
	tests := []struct {
		name  string
		meta  string
		flags []string
		want  string
	}{
		{"a model missing from the table", "model,arch\na,cnn\n", nil, `models.csv:1:1: bad model table: model "b" of the predictions has no row`},
		{"a row naming no model", "model,arch\na,cnn\nb,mlp\nc,vit\n", nil, `models.csv:4:1: bad model table: model "c" is not in the predictions`},
		{"a duplicate row", "arch,model\ncnn,a\nmlp,b\ncnn,a\n", nil, `models.csv:4:5: bad model table: model "a" has a row already, on line 2`},
		{"a replicate that is no factor", "model,arch\na,cnn\nb,mlp\n", []string{"--replicates", "seed"}, `--replicates: "seed" is not a factor: the factors are [arch]`},
		{"a features file naming no model", "model,arch\na,cnn\nb,mlp\n", []string{"--features", "feats"}, `c.npy: bad name: names no model`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tmp := t.TempDir()
			writeFile(t, tmp, "pred.csv", pred)
			writeFile(t, tmp, "models.csv", tc.meta)
			writeFile(t, filepath.Join(tmp, "feats"), "c.npy", "")
			args := append([]string{"analyze", "pred.csv", "--meta", "models.csv", "--out", "out"}, tc.flags...)
			r := runStudy(t, tmp, args...)
			if r.code != 2 || !strings.Contains(r.stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", r.code, r.stderr, tc.want)
			}
			noTrace(t, r.stderr)
			if exists(filepath.Join(tmp, "out")) {
				t.Errorf("the output folder was created")
			}
		})
	}
}
