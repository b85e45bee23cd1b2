package study

import (
	"bytes"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// copyTree copies the regular files under src to dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// outputs reads the files that the report stage writes, by path relative
// to dir.
func outputs(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, pat := range []string{"report.html", "metrics.json", "methods.md", "references.bib", "figures/*", "tables/*"} {
		ms, _ := filepath.Glob(filepath.Join(dir, pat))
		for _, m := range ms {
			b, err := os.ReadFile(m)
			if err != nil {
				t.Fatal(err)
			}
			rel, _ := filepath.Rel(dir, m)
			out[rel] = b
		}
	}
	return out
}

func TestReportOnACopiedFolderGivesTheSameFiles(t *testing.T) {
	spec := writeSpec(t, testSpec)
	res := t.TempDir()
	if err := runStudy(t, spec, res, RunOptions{}); err != nil {
		t.Fatal(err)
	}
	orig := filepath.Join(res, "t")
	want := outputs(t, orig)
	// The copy lives elsewhere, as on another machine, under the same
	// study name (the report's title).
	cp := filepath.Join(t.TempDir(), "elsewhere", "t")
	copyTree(t, orig, cp)
	for rel := range want {
		os.Remove(filepath.Join(cp, rel))
	}
	if err := Report(cp, ReportOptions{}, io.Discard); err != nil {
		t.Fatal(err)
	}
	got := outputs(t, cp)
	t.Run("the paper files are all there", func(t *testing.T) {
		for _, f := range []string{"report.html", "methods.md", "references.bib", "figures/agreement.pdf", "figures/agreement.svg", "figures/roc.svg", "tables/runs.tex", "tables/runs.csv", "tables/ensemble.tex"} {
			if _, ok := want[f]; !ok {
				t.Errorf("the study wrote no %s", f)
			}
		}
	})
	t.Run("every regenerated file is byte-identical", func(t *testing.T) {
		if len(got) != len(want) {
			t.Errorf("regenerated %d files, the original has %d", len(got), len(want))
		}
		for rel, w := range want {
			if g, ok := got[rel]; !ok {
				t.Errorf("%s was not regenerated", rel)
			} else if !bytes.Equal(g, w) {
				t.Errorf("%s differs after regeneration (%d vs %d bytes)", rel, len(g), len(w))
			}
		}
	})
	t.Run("no file names the folder it was written in", func(t *testing.T) {
		for rel, b := range got {
			if strings.Contains(string(b), res) {
				t.Errorf("%s contains the results path %s", rel, res)
			}
		}
	})
}
