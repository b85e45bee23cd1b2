package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/study-harness/study/study/store"
)

// recordOffsets returns the offsets of the records of pack name in the
// results folder dir, in file order.
func recordOffsets(t *testing.T, dir, name string) []int64 {
	t.Helper()
	stored, err := store.OpenRuns(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer stored.Close()
	var offs []int64
	for _, id := range stored.IDs() {
		pack, off, _, err := stored.Location(id)
		if err != nil {
			t.Fatal(err)
		}
		if filepath.Base(pack) == name {
			offs = append(offs, off)
		}
	}
	slices.Sort(offs)
	return offs
}

// flipByte inverts byte off of file path.
func flipByte(t *testing.T, path string, off int64) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[off] ^= 0xff
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestDamageIsNamedNotTakenForUntrained damages the pack of a finished
// study: a flipped byte in a record header mid-pack, a broken first
// magic, junk after the last record. study report and merge exit 1
// naming the pack and the offset (before, they exited 0 over 3 of 4 runs
// with no word of corruption), study runs too, after its list, and study
// extract writes nothing. study run then says what it cut out, trains
// the lost run again and keeps the others: the outputs are the undamaged
// study's, and the report succeeds again.
func TestDamageIsNamedNotTakenForUntrained(t *testing.T) {
	tmp := t.TempDir()
	spec := writeFile(t, tmp, "a.yaml", tinySpec("[1, 2]"))
	ref := filepath.Join(tmp, "ref")
	mustRun(t, tmp, "run", spec, "--results", ref)
	refDir := filepath.Join(ref, "tiny")
	pack := store.PackName("")
	tests := []struct {
		name string
		// damage damages the pack at path, whose records start at offs,
		// and returns the offset of the damage.
		damage func(path string, offs []int64) int64
	}{
		{"a flipped byte in a record header mid-pack", func(path string, offs []int64) int64 {
			flipByte(t, path, offs[2]+13)
			return offs[2]
		}},
		{"a broken first magic", func(path string, offs []int64) int64 {
			flipByte(t, path, 1)
			return 0
		}},
		{"junk after the last record", func(path string, offs []int64) int64 {
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, append(b, strings.Repeat("junk", 20)...), 0o644); err != nil {
				t.Fatal(err)
			}
			return int64(len(b))
		}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			results := filepath.Join(tmp, fmt.Sprintf("r%d", i))
			mustRun(t, tmp, "run", spec, "--results", results)
			dir := filepath.Join(results, "tiny")
			path := filepath.Join(dir, store.RunsDir, pack)
			offs := recordOffsets(t, dir, pack)
			if len(offs) != 4 {
				t.Fatalf("%d records in %s, want 4", len(offs), pack)
			}
			at := fmt.Sprintf("at offset %d", tt.damage(path, offs))
			where := fmt.Sprintf("%s: ", path)
			for _, args := range [][]string{{"report", dir}, {"merge", dir}, {"merge", dir, "--allow-partial"}, {"runs", dir}, {"extract", dir, "--out", filepath.Join(tmp, "x")}} {
				r := runStudy(t, tmp, args...)
				if r.code != 1 || !strings.Contains(r.stderr, where) || !strings.Contains(r.stderr, at) || !strings.Contains(r.stderr, "damaged") {
					t.Errorf("study %s: exit %d, stderr %q; want exit 1 naming %s %s as damaged", strings.Join(args, " "), r.code, r.stderr, path, at)
				}
				noTrace(t, r.stderr)
			}
			if exists(filepath.Join(tmp, "x")) {
				t.Errorf("study extract of a damaged folder wrote its output")
			}
			r := mustRun(t, tmp, "run", spec, "--results", results)
			if !strings.Contains(r.stderr, "damaged: "+where) || !strings.Contains(r.stderr, "trained again") {
				t.Errorf("study run does not say what it cut out and trains again:\n%s", r.stderr)
			}
			sameOutputs(t, dir, refDir)
			if got := checkIntact(t, dir, true); got != 4 {
				t.Errorf("%d runs after the repair, want 4", got)
			}
			mustRun(t, tmp, "report", dir)
		})
	}
}

// TestOnlyTheManifestsRunsAreListed puts a foreign pack (another study's
// runs) into runs/: study runs and study extract list and write only the
// manifest's runs and count the others as not in this study (before,
// they listed every stored run, doubling every name of a copied pack).
func TestOnlyTheManifestsRunsAreListed(t *testing.T) {
	tmp := t.TempDir()
	mustRun(t, tmp, "run", writeFile(t, tmp, "a.yaml", tinySpec("[1, 2]")), "--results", tmp, "--no-report")
	other := filepath.Join(tmp, "other")
	mustRun(t, tmp, "run", writeFile(t, tmp, "b.yaml", tinySpec("[3, 4, 5]")), "--results", other, "--no-report")
	dir := filepath.Join(tmp, "tiny")
	foreign, err := os.ReadFile(filepath.Join(other, "tiny", store.RunsDir, store.PackName("")))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, store.RunsDir), "foreign.pack", string(foreign))

	r := mustRun(t, tmp, "runs", dir, "--tsv")
	if lines := strings.Count(r.stdout, "\n"); lines != 1+4 {
		t.Errorf("study runs listed %d lines, want a header and the manifest's 4 runs:\n%s", lines, r.stdout)
	}
	if !strings.Contains(r.stderr, "6 stored run(s) not in this study") {
		t.Errorf("stderr %q does not count the 6 foreign runs", r.stderr)
	}
	out := filepath.Join(tmp, "x")
	r = mustRun(t, tmp, "extract", dir, "--out", out)
	if ents, _ := os.ReadDir(out); len(ents) != 4 {
		t.Errorf("study extract wrote %d folders, want the manifest's 4", len(ents))
	}
	if !strings.Contains(r.stderr, "6 stored run(s) not in this study") {
		t.Errorf("stderr %q does not count the 6 foreign runs", r.stderr)
	}
}

// TestAFolderNamedLikeAPackIsAnError makes runs/all.pack a folder:
// study runs and study run fail naming it (before, runs ignored it and
// run failed with "file exists").
func TestAFolderNamedLikeAPackIsAnError(t *testing.T) {
	tmp := t.TempDir()
	spec := writeFile(t, tmp, "a.yaml", tinySpec("[1, 2]"))
	dir := filepath.Join(tmp, "tiny")
	path := filepath.Join(dir, store.RunsDir, store.PackName(""))
	if err := os.MkdirAll(path, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"runs", dir}, {"run", spec, "--results", tmp}, {"report", dir}} {
		r := runStudy(t, tmp, args...)
		if r.code != 1 || !strings.Contains(r.stderr, path+": a folder where a pack") || strings.Contains(r.stderr, "file exists") {
			t.Errorf("study %s: exit %d, stderr %q; want exit 1 naming %s as a folder", strings.Join(args, " "), r.code, r.stderr, path)
		}
		noTrace(t, r.stderr)
	}
}
