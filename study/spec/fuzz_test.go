package spec

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse checks that Parse never panics, that every error it returns is
// an *Error, and that an accepted spec keeps the invariants the grid
// relies on. Seeds: the examples in testdata/good and testdata/bad, plus
// the corpus in testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*/*.yaml")
	for _, file := range files {
		if src, err := os.ReadFile(file); err == nil {
			f.Add(src)
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		s, err := Parse("fuzz.yaml", src)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v (%T) is not a *spec.Error", err, err)
			}
			if e.Line < 0 || e.Column < 0 || e.File != "fuzz.yaml" {
				t.Fatalf("bad location in %#v", e)
			}
			return
		}
		if !bytes.Equal(s.Source, src) {
			t.Fatal("Source differs from the input")
		}
		if !nameRE.MatchString(s.Name) || s.Name == "." || s.Name == ".." || len(s.Name) > MaxNameLen {
			t.Fatalf("accepted unsafe name %q", s.Name)
		}
		for _, a := range s.Axes {
			if len(a.Points) == 0 || len(a.Keys) == 0 {
				t.Fatalf("accepted empty axis %+v", a)
			}
			for _, p := range a.Points {
				if len(p) != len(a.Keys) {
					t.Fatalf("axis %s has a point of %d values for %d keys", a.Path, len(p), len(a.Keys))
				}
			}
		}
		if _, err := s.Resolve(); err != nil && len(s.Axes) == 0 {
			t.Fatalf("accepted a spec whose only run is invalid: %v", err)
		}
	})
}
