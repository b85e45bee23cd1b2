package spec

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
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

// FuzzParseSelector checks that ParseSelector never panics and that an
// accepted selector is well formed: at least one term, keys distinct run
// fields, values non-empty without blanks or stray braces, placeholders
// naming run fields, String giving back the input's fields joined by one
// space, which parses to the same selector, and Bind leaving no
// placeholder.
func FuzzParseSelector(f *testing.F) {
	for _, s := range []string{
		"role=pretrain seed=100",
		"role=pretrain seed={seed}",
		"role=pretrain",
		"  role=pretrain\tseed={init_seed}\n",
		"role=a=b",
		"",
		"   ",
		"role",
		"=x",
		"role=",
		"nosuchkey=1",
		"seed=1 seed=2",
		"seed={nosuch}",
		"seed={}",
		"seed={{seed}}",
		"seed=x{seed}",
		"seed={seed",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sel, err := ParseSelector(s)
		if err != nil {
			if sel != nil {
				t.Fatalf("error %v with a selector %v", err, sel)
			}
			return
		}
		if len(sel) == 0 {
			t.Fatalf("accepted %q as an empty selector", s)
		}
		seen := map[string]bool{}
		for _, term := range sel {
			if _, ok := runField(term.Key); !ok {
				t.Fatalf("accepted key %q that is no run field", term.Key)
			}
			if seen[term.Key] {
				t.Fatalf("accepted key %q twice", term.Key)
			}
			seen[term.Key] = true
			if term.Value == "" || strings.ContainsAny(term.Value, "{}") || len(strings.Fields(term.Value)) != 1 {
				t.Fatalf("accepted bad value %q", term.Value)
			}
			if term.Placeholder {
				if _, ok := runField(term.Value); !ok {
					t.Fatalf("accepted placeholder %q that is no run field", term.Value)
				}
			}
		}
		str := sel.String()
		if want := strings.Join(strings.Fields(s), " "); str != want {
			t.Fatalf("String() = %q, want %q", str, want)
		}
		again, err := ParseSelector(str)
		if err != nil {
			t.Fatalf("String() %q of an accepted selector fails: %v", str, err)
		}
		if !reflect.DeepEqual(again, sel) {
			t.Fatalf("round trip %q: %+v, want %+v", str, again, sel)
		}
		var c Config
		bound := sel.Bind(c)
		if len(bound) != len(sel) {
			t.Fatalf("Bind changed the length: %v", bound)
		}
		for i, term := range bound {
			if term.Placeholder || term.Key != sel[i].Key {
				t.Fatalf("Bind left %+v", term)
			}
			if sel[i].Placeholder && term.Key == sel[i].Value && !(Selector{term}).Match(c) {
				t.Fatalf("%s bound to %+v does not match its own config", sel[i].Key, term)
			}
		}
	})
}
