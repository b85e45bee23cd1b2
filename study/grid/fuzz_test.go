package grid

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/study-harness/study/study/spec"
)

// FuzzExpand checks that any spec the parser accepts expands without a
// panic into uniquely named runs, as many as Size says.
func FuzzExpand(f *testing.F) {
	files, _ := filepath.Glob("../spec/testdata/good/*.yaml")
	for _, file := range files {
		if src, err := os.ReadFile(file); err == nil {
			f.Add(src)
		}
	}
	f.Add([]byte("name: g\ndataset: {name: m}\naxes: {seed: [1, 2], arch: [mlp]}\nzip:\n  - {lr: [1, 2]}\nexclude:\n  - {seed: 2, lr: 1}\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		s, err := spec.Parse("fuzz.yaml", src)
		if err != nil {
			return
		}
		n, err := Size(s, 1000)
		if err != nil {
			return
		}
		runs, err := Expand(s, 1000)
		if errors.Is(err, ErrDependency) {
			return
		}
		if err != nil {
			t.Fatalf("Size accepted the grid but Expand failed: %v", err)
		}
		if len(runs) != n {
			t.Fatalf("Expand made %d runs, Size said %d", len(runs), n)
		}
		seen := map[string]bool{}
		for i, r := range runs {
			if seen[r.Name] || r.Index != i {
				t.Fatalf("run %d: index %d name %q repeated=%v", i, r.Index, r.Name, seen[r.Name])
			}
			seen[r.Name] = true
			Canonical(r.Config)
		}
	})
}
