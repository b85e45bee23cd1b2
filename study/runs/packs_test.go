package runs

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/study-harness/study/study/store"
)

// Helpers that read and damage what Execute stores: the run records of
// the packs under runs/, and run folders of the older layout.

// storedRun returns the newest whole record of run id in results folder
// dir, read through store.Runs as Execute and Collect read it.
func storedRun(dir, id string) (*store.Run, error) {
	stored, err := store.OpenRuns(dir)
	if err != nil {
		return nil, err
	}
	defer stored.Close()
	return stored.Get(id)
}

// runFile returns file name of run id; an error wrapping fs.ErrNotExist
// when the run or the file does not exist.
func runFile(dir, id, name string) ([]byte, error) {
	run, err := storedRun(dir, id)
	if err != nil {
		return nil, err
	}
	return run.File(name)
}

// location returns the pack file, offset and length (header included) of
// the newest record of run id; off and n are 0 for a run folder of the
// older layout.
func location(t *testing.T, dir, id string) (path string, off, n int64) {
	t.Helper()
	stored, err := store.OpenRuns(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer stored.Close()
	path, off, n, err = stored.Location(id)
	if err != nil {
		t.Fatal(err)
	}
	return path, off, n
}

// inPack reports whether the newest record of run id is in a pack.
func inPack(t *testing.T, dir, id string) bool {
	t.Helper()
	path, _, n := location(t, dir, id)
	return strings.HasSuffix(path, store.PackSuffix) && n > 0
}

// lastRecord returns the run whose record ends the pack of results folder
// dir (the unsharded study's runs/all.pack), with the record's offset and
// length.
func lastRecord(t *testing.T, p *Plan) (id string, off, n int64) {
	t.Helper()
	for _, r := range p.Runs {
		path, o, l := location(t, p.Dir, r.ID)
		if filepath.Base(path) != store.PackName("") {
			t.Fatalf("run %s is stored in %s, want %s", r.Name, path, store.PackName(""))
		}
		if o >= off {
			id, off, n = r.ID, o, l
		}
	}
	return id, off, n
}

// packPath is the pack of an unsharded study.
func packPath(p *Plan) string {
	return filepath.Join(p.Dir, store.RunsDir, store.PackName(""))
}

// damageRecord replaces, in the newest pack record of run id, the first
// occurrence of old (which must be in the record) by new, of the same
// length, in place.
func damageRecord(t *testing.T, dir, id string, old, new []byte) {
	t.Helper()
	if len(old) != len(new) || bytes.Equal(old, new) {
		t.Fatalf("damageRecord: %q -> %q changes the length or nothing", old, new)
	}
	path, off, n := location(t, dir, id)
	b, err := os.ReadFile(path)
	must(t, err)
	rec := b[off : off+n]
	i := bytes.Index(rec, old)
	if i < 0 {
		t.Fatalf("record of run %s in %s@%d holds no %.40q", id, path, off, old)
	}
	copy(rec[i:], new)
	must(t, os.WriteFile(path, b, 0o644))
}

// flipInFile flips one byte in the middle of file name's content inside
// the newest pack record of run id.
func flipInFile(t *testing.T, dir, id, name string) {
	t.Helper()
	content, err := runFile(dir, id, name)
	must(t, err)
	if len(content) < 2 {
		t.Fatalf("run %s: %s has %d bytes", id, name, len(content))
	}
	// The whole content locates the file in the record unambiguously.
	flipped := append([]byte(nil), content...)
	flipped[len(flipped)/2] ^= 1
	damageRecord(t, dir, id, content, flipped)
}

// packEnd returns the end of the last record of the pack: the largest
// offset+length over the newest records of p's runs. A pack whose size
// is more ends in a torn record or garbage.
func packEnd(t *testing.T, p *Plan) int64 {
	t.Helper()
	var end int64
	for _, r := range p.Runs {
		if _, off, n := location(t, p.Dir, r.ID); off+n > end {
			end = off + n
		}
	}
	return end
}

// toLegacyFolders rewrites every stored run of p as a run folder of the
// older layout, runs/<id>/ written by store.RunWriter with the same files
// and record (and file checksums in metrics.json), then removes the
// packs. edit, when not nil, may change each run's folder before it is
// committed (add files, change the record).
func toLegacyFolders(t *testing.T, p *Plan, edit func(r Run, rec *store.Record, w *store.RunWriter)) {
	t.Helper()
	stored, err := store.OpenRuns(p.Dir)
	must(t, err)
	packs := map[string]bool{}
	for _, r := range p.Runs {
		path, _, n, err := stored.Location(r.ID)
		must(t, err)
		if n == 0 {
			t.Fatalf("run %s is already a folder: %s", r.Name, path)
		}
		packs[path] = true
		run, err := stored.Get(r.ID)
		must(t, err)
		w, err := store.NewRunWriter(p.Dir, r.ID)
		must(t, err)
		for _, name := range run.Files() { // the older layout held the CSV
			name, b, err := ExportFile(run, name)
			must(t, err)
			must(t, w.WriteFile(name, b))
		}
		rec := *run.Record
		if edit != nil {
			edit(r, &rec, w)
		}
		must(t, w.Commit(&rec))
	}
	must(t, stored.Close())
	for path := range packs {
		must(t, os.Remove(path))
	}
	for _, r := range p.Runs {
		if _, err := store.Verify(p.Dir, r.ID); err != nil {
			t.Fatalf("legacy folder of %s: %v", r.Name, err)
		}
	}
}

// noRecords checks that no pack under p's runs/ holds a record.
func noRecords(t *testing.T, p *Plan) {
	t.Helper()
	ents, err := os.ReadDir(filepath.Join(p.Dir, store.RunsDir))
	must(t, err)
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), store.PackSuffix) {
			continue
		}
		info, err := e.Info()
		must(t, err)
		if info.Size() != 0 {
			t.Errorf("%s holds %d bytes, want no record", e.Name(), info.Size())
		}
	}
}

// gone checks that path does not exist.
func gone(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("%s still exists (%v)", path, err)
	}
}
