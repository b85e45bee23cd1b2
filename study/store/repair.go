package store

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/study-harness/study/study/atomic"
)

// Repair rewrites pack name under runs/ without its damaged spans
// (Damage) and whatever follows its last whole record, keeping every
// whole record byte for byte, and indexes it again: the runs whose
// records the damage held then read as not finished, to be trained
// again, and the pack reads whole. It returns the spans it cut out (none
// when the pack has no damage, which is left as it is). The new pack
// replaces the old by a rename, after an fsync, so that a crash leaves
// one or the other; only the writer of the pack may call it (the caller
// holds the folder's lock exclusively, or its shard's lock for its own
// pack).
func (r *Runs) Repair(name string) ([]Damage, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := slices.Index(r.names, name)
	if k < 0 || r.packs == nil {
		return nil, nil
	}
	runs := filepath.Join(r.dir, RunsDir)
	path := filepath.Join(runs, name)
	var cut, keep []Damage
	for _, d := range r.damage {
		if d.Pack == path {
			cut = append(cut, d)
		} else {
			keep = append(keep, d)
		}
	}
	if len(cut) == 0 {
		return nil, nil
	}
	tmp, err := os.CreateTemp(runs, "."+name+".tmp-")
	if err != nil {
		return nil, fmt.Errorf("repair %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // after the rename, there is none
	old, end := r.packs[k], r.ends[k]
	from := int64(0)
	for _, d := range append(cut, Damage{Off: end}) {
		if to := min(d.Off, end); to > from {
			if _, err := io.Copy(tmp, io.NewSectionReader(old, from, to-from)); err != nil {
				tmp.Close()
				return nil, fmt.Errorf("repair %s: %w", path, err)
			}
		}
		from = max(from, d.Off+d.Len)
	}
	err = tmp.Sync()
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err == nil {
		err = atomic.SyncDir(runs)
	}
	if err != nil {
		return nil, fmt.Errorf("repair %s: %w", path, err)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	old.Close()
	r.packs[k] = f
	for id, ls := range r.locs {
		ls = slices.DeleteFunc(ls, func(l packLoc) bool { return l.pack == k })
		if len(ls) == 0 {
			delete(r.locs, id)
		} else {
			r.locs[id] = ls
		}
	}
	r.damage = keep
	if r.ends[k], err = r.scan(k, f, st.Size()); err != nil {
		return nil, fmt.Errorf("index %s: %w", path, err)
	}
	return cut, nil
}
