package store

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestClaim claims a results folder for one study, then for others: the
// same study again (nothing rewritten), the same study spelled another
// way (spec.yaml rewritten, fingerprint updated), another study and
// another shard count (FolderError, nothing written), and an older
// folder with runs but no fingerprint (adopted).
func TestClaim(t *testing.T) {
	entries := func(ids ...string) []Entry {
		var es []Entry
		for i, id := range ids {
			es = append(es, Entry{ID: id, Index: i, Name: "seed=" + id})
		}
		return es
	}
	study := ClaimOptions{SpecFile: "a.yaml", Spec: []byte("name: a\n"), Entries: entries("r1", "r2")}
	respelled := study
	respelled.Spec = []byte("# the same study\nname: a\n")
	other := ClaimOptions{SpecFile: "b.yaml", Spec: []byte("name: a\nseed: 2\n"), Entries: entries("r3", "r4")}
	shard := func(o ClaimOptions, n int) ClaimOptions { o.Shards = n; return o }
	tests := []struct {
		name    string
		first   ClaimOptions
		then    ClaimOptions
		refused bool
	}{
		{"the same study is claimed again", study, study, false},
		{"the same study spelled another way is claimed", study, respelled, false},
		{"another study is refused", study, other, true},
		{"another study's shard is refused", shard(study, 2), shard(other, 2), true},
		{"another shard count is refused", shard(study, 2), shard(study, 3), true},
		{"the whole grid is claimed in a sharded folder", shard(study, 2), study, false},
		{"a shard is claimed in a folder run whole", study, shard(study, 3), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if adopted, err := Claim(dir, tt.first); err != nil || adopted {
				t.Fatalf("first Claim: adopted %v, %v", adopted, err)
			}
			before, err := os.ReadFile(filepath.Join(dir, FingerprintFile))
			if err != nil {
				t.Fatal(err)
			}
			_, err = Claim(dir, tt.then)
			var fe *FolderError
			if got := errors.As(err, &fe); got != tt.refused || (err != nil && fe == nil) {
				t.Fatalf("second Claim: %v, want refused %v", err, tt.refused)
			}
			if tt.refused {
				after, _ := os.ReadFile(filepath.Join(dir, FingerprintFile))
				if string(after) != string(before) {
					t.Errorf("a refused Claim rewrote %s", FingerprintFile)
				}
				return
			}
			spec, _ := os.ReadFile(filepath.Join(dir, SpecFile))
			if string(spec) != string(tt.then.Spec) {
				t.Errorf("spec.yaml holds %q, want %q", spec, tt.then.Spec)
			}
			if err := CheckFingerprint(dir); err != nil {
				t.Errorf("CheckFingerprint after the claim: %v", err)
			}
		})
	}
	t.Run("an older folder with runs is adopted", func(t *testing.T) {
		dir := t.TempDir()
		if err := WriteManifest(dir, study.Entries); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Join(dir, RunsDir, "shard-0-of-2.pack"), 0o755); err != nil {
			t.Fatal(err)
		}
		if _, err := Claim(dir, shard(study, 3)); err == nil {
			t.Errorf("a shard of 3 claimed an older folder of shard packs of 2")
		}
		if adopted, err := Claim(dir, study); err != nil || !adopted {
			t.Errorf("Claim of an older folder: adopted %v, %v; want adopted", adopted, err)
		}
	})
}
