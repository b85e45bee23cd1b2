package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"syscall"

	"github.com/study-harness/study/study/atomic"
)

// FingerprintFile records which study a results folder holds, so that a
// run, a shard or a report of another spec is refused instead of mixing
// two studies in one folder.
const FingerprintFile = "fingerprint.json"

// Fingerprint is the content of fingerprint.json.
type Fingerprint struct {
	// Study is GridFingerprint of the manifest's run ids, in manifest
	// order: the study as trained (spec seed, task, dataset, evaluation
	// sets and every canonical resolved config, through the run ids). Two
	// spellings of one study (comments, 0.01 or 1e-2) have one Study.
	Study string `json:"study"`
	// Spec and Manifest are the SHA-256 of spec.yaml and manifest.jsonl as
	// written with it, so that study report can tell an edited file.
	Spec     string `json:"spec_sha256"`
	Manifest string `json:"manifest_sha256"`
	// Shards is the shard count N of the sharded runs (--shard I/N) that
	// wrote the folder; 0 while none has.
	Shards int `json:"shards,omitempty"`
}

// GridFingerprint returns the fingerprint of a study whose runs have
// these ids, in grid order: 16 hex digits of a SHA-256, like a run id.
func GridFingerprint(ids []string) string {
	h := sha256.New()
	fmt.Fprintf(h, "study-grid v%d\n", FormatVersion)
	for _, id := range ids {
		fmt.Fprintf(h, "%s\n", id)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// SHA256 returns the hex SHA-256 of b.
func SHA256(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// ReadFingerprint reads the fingerprint of results folder dir; an error
// wrapping fs.ErrNotExist when it has none (a new folder, or one written
// before study recorded fingerprints).
func ReadFingerprint(dir string) (*Fingerprint, error) {
	var f Fingerprint
	if err := ReadJSON(filepath.Join(dir, FingerprintFile), &f); err != nil {
		return nil, err
	}
	if f.Study == "" || f.Spec == "" || f.Manifest == "" {
		return nil, fmt.Errorf("%s: incomplete (study, spec_sha256 and manifest_sha256 are needed)", filepath.Join(dir, FingerprintFile))
	}
	return &f, nil
}

// LockSpec takes the results folder's spec lock exclusively, waiting for
// it: the check of a run's fingerprint and the writes of spec.yaml,
// manifest.jsonl and fingerprint.json that follow it are one step, even
// between shards that start together.
func LockSpec(dir string) (unlock func(), err error) {
	f, err := os.OpenFile(filepath.Join(dir, ".lock-spec"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock: %w", err)
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", f.Name(), err)
	}
	return func() { f.Close() }, nil
}

// FolderError is a results folder that does not hold what its
// fingerprint says, or a run that would mix another study into it: the
// user's input (exit code 2).
type FolderError struct{ Msg string }

func (e *FolderError) Error() string { return e.Msg }

// BadInput marks the error as the user's input.
func (e *FolderError) BadInput() {}

// CheckFingerprint checks that spec.yaml and manifest.jsonl of results
// folder dir are the files its fingerprint.json was written with, and
// that the manifest's runs are the fingerprinted study. A folder without
// a fingerprint (written before study recorded them) passes.
func CheckFingerprint(dir string) error {
	fp, err := ReadFingerprint(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, c := range []struct{ file, want string }{{SpecFile, fp.Spec}, {ManifestFile, fp.Manifest}} {
		path := filepath.Join(dir, c.file)
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if got := SHA256(b); got != c.want {
			return &FolderError{fmt.Sprintf("%s: edited after the runs were trained (SHA-256 %s, %s records %s): it no longer describes the stored runs; put back the file study wrote, or run study run again with the spec to rewrite it", path, got[:16], FingerprintFile, c.want[:16])}
		}
	}
	entries, err := ReadManifest(dir)
	if err != nil {
		return err
	}
	ids := make([]string, len(entries))
	for i, e := range entries {
		ids[i] = e.ID
	}
	if got := GridFingerprint(ids); got != fp.Study {
		return &FolderError{fmt.Sprintf("%s: its runs are study %s, %s records %s", filepath.Join(dir, ManifestFile), got, FingerprintFile, fp.Study)}
	}
	return nil
}

// shardPack matches the name of a shard's pack.
var shardPack = regexp.MustCompile(`^shard-([0-9]+)-of-([0-9]+)\.pack$`)

// PackShards returns the shard counts N of the shard packs
// (shard-I-of-N.pack) under runs/ of results folder dir, in name order.
func PackShards(dir string) ([]int, error) {
	ents, err := os.ReadDir(filepath.Join(dir, RunsDir))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []int
	for _, e := range ents {
		if m := shardPack.FindStringSubmatch(e.Name()); m != nil {
			n, err := strconv.Atoi(m[2])
			if err == nil {
				out = append(out, n)
			}
		}
	}
	return out, nil
}

// writeIfChanged writes data to path atomically unless path already
// holds exactly data.
func writeIfChanged(path string, data []byte) error {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		return nil
	}
	return atomic.WriteFile(path, data, 0o644)
}

// ClaimOptions describe the study that a run is about to write into a
// results folder (Claim).
type ClaimOptions struct {
	SpecFile string  // the spec's path, for messages
	Spec     []byte  // spec.yaml, as given
	Entries  []Entry // manifest.jsonl
	Shards   int     // N of --shard I/N; 0 or 1 unsharded
}

// Claim makes results folder dir hold the study of o, or refuses: under
// the spec lock (LockSpec), it compares the study's fingerprint with the
// folder's, refuses another study or another shard count (FolderError),
// and writes spec.yaml, manifest.jsonl and fingerprint.json where they
// differ. A folder with runs but no fingerprint, written before study
// recorded them, is adopted: adopted is then true, for a note (its shard
// packs still count against another shard count). The
// caller holds the folder's lock (Lock).
func Claim(dir string, o ClaimOptions) (adopted bool, err error) {
	unlock, err := LockSpec(dir)
	if err != nil {
		return false, err
	}
	defer unlock()
	manifest, err := EncodeManifest(o.Entries)
	if err != nil {
		return false, err
	}
	ids := make([]string, len(o.Entries))
	for i, e := range o.Entries {
		ids[i] = e.ID
	}
	want := Fingerprint{Study: GridFingerprint(ids), Spec: SHA256(o.Spec), Manifest: SHA256(manifest)}
	old, err := ReadFingerprint(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		// Runs without a fingerprint: a folder of an older study. (A
		// process killed before its first fingerprint trained nothing.)
		ents, _ := os.ReadDir(filepath.Join(dir, RunsDir))
		adopted = len(ents) > 0
	case err != nil:
		return false, err
	case old.Study != want.Study:
		return false, &FolderError{fmt.Sprintf("%s holds another study: fingerprint %s (spec %s), but %s is study %s; a results folder holds one spec: give this one another --results folder or another name", dir, old.Study, filepath.Join(dir, SpecFile), o.SpecFile, want.Study)}
	default:
		want.Shards = old.Shards
	}
	if o.Shards > 1 {
		counts, err := PackShards(dir)
		if err != nil {
			return false, err
		}
		if want.Shards != 0 {
			counts = append(counts, want.Shards)
		}
		for _, n := range counts {
			if n != o.Shards {
				return false, &FolderError{fmt.Sprintf("%s was run in %d shards; --shard I/%d would mix shard counts, whose merge covers no grid: run its shards as I/%d (or the rest unsharded)", dir, n, o.Shards, n)}
			}
		}
		want.Shards = o.Shards
	}
	if err := writeIfChanged(filepath.Join(dir, SpecFile), o.Spec); err != nil {
		return false, err
	}
	if err := writeIfChanged(filepath.Join(dir, ManifestFile), manifest); err != nil {
		return false, err
	}
	if old == nil || *old != want {
		if err := WriteJSON(filepath.Join(dir, FingerprintFile), &want); err != nil {
			return false, err
		}
	}
	return adopted, nil
}
