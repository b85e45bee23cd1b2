package main

import (
	"errors"
	"flag"
	"io"
	"slices"
	"strings"
	"testing"
)

// FuzzParseArgs feeds argument lists (the fuzz string split at NUL bytes)
// to parseRange and parse with a flag set like the commands': they never
// panic, every error is a usage error or flag.ErrHelp, and the positional
// arguments they return are within the bounds asked for and appear, in
// order, among the arguments given, none of them a flag unless a "--"
// comes before it.
func FuzzParseArgs(f *testing.F) {
	for _, s := range []struct {
		args   string
		lo, hi int8
	}{
		{"spec.yaml", 1, 1},
		{"spec.yaml\x00--shard\x000/2\x00--workers\x002", 1, 1},
		{"--results\x00out\x00spec.yaml\x00--force", 1, 1},
		{"dir\x00run-a\x00run-b\x00--out\x00o", 1, -1},
		{"dir\x00--out=o\x00run-a", 1, -1},
		{"--tsv\x00dir", 1, 1},
		{"-h", 1, 1},
		{"--help\x00dir", 1, 1},
		{"dir\x00--\x00-x\x00--\x00--", 1, -1},
		{"--workers\x00x\x00spec", 1, 1},
		{"--workers", 1, 1},
		{"--nosuch\x00spec", 1, 1},
		{"a\x00b", 1, 1},
		{"", 1, 1},
		{"", 0, -1},
		{"-\x00--=x\x00---x", 0, 3},
		{"--tsv=maybe\x00dir", 1, 1},
	} {
		f.Add(s.args, s.lo, s.hi)
	}
	f.Fuzz(func(t *testing.T, joined string, lo8, hi8 int8) {
		lo, hi := int(lo8)&3, int(hi8)%4 // lo in [0, 3], hi in [-3, 3]
		if hi < 0 {
			hi = -1
		}
		var args []string
		if joined != "" {
			args = strings.Split(joined, "\x00")
		}
		given := slices.Clone(args)
		check := func(name string, pos []string, err error, lo, hi int) {
			if err != nil {
				var ue *usageError
				if !errors.As(err, &ue) && !errors.Is(err, flag.ErrHelp) {
					t.Fatalf("%s(%q): error %v (%T) is neither a usage error nor ErrHelp", name, args, err, err)
				}
				if pos != nil {
					t.Fatalf("%s(%q): positional arguments %q with error %v", name, args, pos, err)
				}
				return
			}
			if len(pos) < lo || (hi >= 0 && len(pos) > hi) {
				t.Fatalf("%s(%q) = %q, want %d to %d arguments", name, args, pos, lo, hi)
			}
			j := 0
			for _, p := range pos {
				// A positional argument that looks like a flag must come
				// after a "--".
				flagLike := len(p) > 1 && p[0] == '-'
				for j < len(given) && (given[j] != p || flagLike && !slices.Contains(given[:j], "--")) {
					j++
				}
				if j == len(given) {
					t.Fatalf("%s(%q) = %q: %q is not one of the arguments, in order, nor shielded by --", name, args, pos, p)
				}
				j++
			}
		}
		newFS := func() *flag.FlagSet {
			fs := newFlags("fuzz", "ARGS", io.Discard)
			fs.String("out", "", "")
			fs.String("shard", "", "")
			fs.Int("workers", 0, "")
			fs.Bool("tsv", false, "")
			fs.Bool("force", false, "")
			return fs
		}
		pos, err := parseRange(newFS(), args, lo, hi)
		check("parseRange", pos, err, lo, hi)
		pos, err = parse(newFS(), args, lo)
		check("parse", pos, err, lo, lo)
		if !slices.Equal(args, given) {
			t.Fatalf("arguments changed from %q to %q", given, args)
		}
	})
}

func TestParseRangeEndsFlagsAtDoubleDash(t *testing.T) {
	tests := []struct {
		args    []string
		pos     []string
		results string
		force   bool
	}{
		{[]string{"dir", "--", "-a", "-b"}, []string{"dir", "-a", "-b"}, "", false},
		{[]string{"--", "--force", "x"}, []string{"--force", "x"}, "", false},
		{[]string{"--force", "--", "-x"}, []string{"-x"}, "", true},
		{[]string{"--results", "--", "spec"}, []string{"spec"}, "--", false},
		{[]string{"--results=r", "--", "--results", "s"}, []string{"--results", "s"}, "r", false},
		{[]string{"a", "--force", "b"}, []string{"a", "b"}, "", true},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			fs := newFlags("t", "ARGS", io.Discard)
			results := fs.String("results", "", "")
			force := fs.Bool("force", false, "")
			pos, err := parseRange(fs, tt.args, 0, -1)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(pos, tt.pos) || *results != tt.results || *force != tt.force {
				t.Errorf("positional %q, --results %q, --force %v; want %q, %q, %v", pos, *results, *force, tt.pos, tt.results, tt.force)
			}
		})
	}
}
