package study

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/study-harness/study/study/predmat"
	"github.com/study-harness/study/study/predmat/predmattest"
	"github.com/study-harness/study/study/store"
)

// zoo writes 6 models (2 architectures × 3 seeds) on 120 instances as a
// predictions CSV in dir, with names given by name, and returns its path
// and the matrix.
func zoo(t *testing.T, dir string, name func(arch string, seed int) string) (string, *predmat.Matrix) {
	t.Helper()
	x := predmattest.Random(5, 6, 120, 3, 0.8)
	for a := range x.Models {
		x.Models[a] = name([]string{"cnn", "mlp"}[a/3], a%3+1)
	}
	path := filepath.Join(dir, "pred.csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := predmat.Write(f, x); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return path, x
}

// readMetrics returns the members of dir's metrics.json.
func readMetrics(t *testing.T, dir string) map[string]json.RawMessage {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, store.MetricsFile))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestAnalyzeFillsFactorsReplicatesAndFeatures checks that factors from
// a models table or from key=value names fill the attribution and the
// generalisation–disagreement view, that features fill the
// representation view, and that the methods say the predictions were
// analysed, not trained.
func TestAnalyzeFillsFactorsReplicatesAndFeatures(t *testing.T) {
	plain := func(arch string, seed int) string { return fmt.Sprintf("%s-s%d", arch, seed) }
	keyed := func(arch string, seed int) string { return fmt.Sprintf("arch=%s seed=%d", arch, seed) }
	tests := []struct {
		name       string
		names      func(string, int) string
		meta       bool // write a models table with a column run
		replicates []string
		features   bool
		filled     []string // metrics.json members that must not be null
		empty      []string // members that must be null
		methods    string
	}{
		{"without factors nothing is attributed", plain, false, nil, false,
			nil, []string{"attribution", "generalization_disagreement", "representation"}, "No factors were given"},
		{"a models table with a declared replicate", plain, true, []string{"run"}, true,
			[]string{"attribution", "generalization_disagreement", "representation"}, nil, "run is a replicate factor"},
		{"an undeclared run column is a factor only", plain, true, nil, false,
			[]string{"attribution"}, []string{"generalization_disagreement"}, "no factor is a replicate"},
		{"key=value names are factors, seed a replicate", keyed, false, nil, false,
			[]string{"attribution", "generalization_disagreement"}, []string{"representation"}, "come from the model names"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			pred, x := zoo(t, dir, tc.names)
			o := AnalyzeOptions{Replicates: tc.replicates}
			if tc.meta {
				o.Meta = filepath.Join(dir, "models.csv")
				var b strings.Builder
				b.WriteString("model,arch,run\n")
				for a, m := range x.Models {
					fmt.Fprintf(&b, "%s,%s,%d\n", m, []string{"cnn", "mlp"}[a/3], a%3+1)
				}
				os.WriteFile(o.Meta, []byte(b.String()), 0o644)
			}
			if tc.features {
				o.Features = filepath.Join(dir, "features")
				os.Mkdir(o.Features, 0o755)
				for a, m := range x.Models {
					f := make([]float32, x.N()*4)
					for i := range x.N() {
						f[i*4+int(x.Labels[i])] = 1
						f[i*4+3] = float32((i*7+a)%5) / 5
					}
					if err := store.WriteNPY(filepath.Join(o.Features, m+".npy"), f, x.N(), 4); err != nil {
						t.Fatal(err)
					}
				}
			}
			out := filepath.Join(dir, "out")
			if err := AnalyzeWith(pred, out, o, io.Discard, io.Discard); err != nil {
				t.Fatal(err)
			}
			m := readMetrics(t, out)
			for _, k := range tc.filled {
				if string(m[k]) == "null" || len(m[k]) == 0 {
					t.Errorf("%s is null, want it filled in", k)
				}
			}
			for _, k := range tc.empty {
				if string(m[k]) != "null" {
					t.Errorf("%s = %.80s, want null", k, m[k])
				}
			}
			html, err := os.ReadFile(filepath.Join(out, "report.html"))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(html), "6 models trained elsewhere, read from pred.csv (csv)") || strings.Contains(string(html), "in the grid") {
				t.Errorf("the report's summary does not say where the predictions came from")
			}
			b, err := os.ReadFile(filepath.Join(out, "methods.md"))
			if err != nil {
				t.Fatal(err)
			}
			if s := string(b); !strings.Contains(s, "We analysed the predictions of 6 models") || strings.Contains(s, "We trained") || !strings.Contains(s, tc.methods) {
				t.Errorf("methods.md does not say what was analysed (%q):\n%s", tc.methods, s)
			}
		})
	}
}
