package grid

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/study-harness/study/study/spec"
	// The sweeps use the trainer's augmentations (rotate, shift, ...).
	_ "github.com/study-harness/study/study/train"
)

// TestSweepsCanonicalStable checks that the canonical configs, which run
// ids hash, of every run of the shipped sweeps are those recorded in
// testdata/sweeps_canonical.txt (made at f2b1086 with -update): a change
// to what a resolved config holds must not change the ids of runs whose
// meaning is unchanged, or results folders from before would be trained
// again from scratch.
func TestSweepsCanonicalStable(t *testing.T) {
	files, err := filepath.Glob("../../sweeps/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no sweeps: %v", err)
	}
	var b strings.Builder
	for _, f := range files {
		s, err := spec.Load(f)
		if err != nil {
			t.Fatal(err)
		}
		runs, err := Expand(s, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range runs {
			sum := sha256.Sum256(Canonical(r.Config))
			fmt.Fprintf(&b, "%s\t%s\t%s\n", filepath.Base(f), r.Name, hex.EncodeToString(sum[:8]))
		}
	}
	golden := filepath.Join("testdata", "sweeps_canonical.txt")
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := range min(len(gl), len(wl)) {
			if gl[i] != wl[i] {
				t.Fatalf("canonical config changed (first difference, line %d):\n got %s\nwant %s", i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("canonical configs changed: %d lines, want %d", len(gl), len(wl))
	}
}
