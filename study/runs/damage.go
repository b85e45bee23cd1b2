package runs

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/study-harness/study/study/store"
)

// repair cuts the damaged spans (store.Damage) out of the packs that this
// execution may write: its own pack, and with the whole grid (whose
// process holds the folder's lock exclusively) every pack. The runs whose
// records they held then read as not trained, and are trained again.
func repair(stored *store.Runs, shard Shard) ([]store.Damage, error) {
	own := store.PackName(shard.LockName())
	var names []string
	for _, d := range stored.Damage() {
		name := filepath.Base(d.Pack)
		if (shard.Count <= 1 || name == own) && !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	var cut []store.Damage
	for _, name := range names {
		c, err := stored.Repair(name)
		if err != nil {
			return nil, err
		}
		cut = append(cut, c...)
	}
	return cut, nil
}

// DamageError refuses to report a results folder with damaged packs or
// records (exit code 1): their runs cannot be read, and must not be taken
// for runs not trained yet.
type DamageError struct {
	Dir    string
	Damage []store.Damage
	// Corrupt are the records, of runs not in the manifest, whose payload
	// fails its checksum.
	Corrupt []error
}

func (e *DamageError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: damaged: %d span(s) of its packs hold no readable record", e.Dir, len(e.Damage)+len(e.Corrupt))
	for _, d := range e.Damage {
		fmt.Fprintf(&b, "\n  %s", d)
	}
	for _, err := range e.Corrupt {
		fmt.Fprintf(&b, "\n  %v", err)
	}
	b.WriteString("\nThe runs whose records they held are lost, not untrained: study run (for a shard's pack, that shard) cuts the damage out and trains them again")
	return b.String()
}

// CheckDamage returns a DamageError for the damage of stored: the spans of
// its packs that hold no whole record, and the records of runs not in the
// manifest (seen holds the manifest's ids) that fail their checksum (a
// flipped run id). The manifest's own runs are read, and a corrupt record
// named, by Collect.
func CheckDamage(dir string, stored *store.Runs, seen map[string]bool) error {
	e := &DamageError{Dir: dir, Damage: stored.Damage()}
	for _, id := range stored.IDs() {
		if seen[id] {
			continue
		}
		if _, err := stored.Get(id); errors.Is(err, store.ErrCorrupt) {
			e.Corrupt = append(e.Corrupt, err)
		} else if err != nil {
			return err
		}
	}
	if len(e.Damage)+len(e.Corrupt) > 0 {
		return e
	}
	return nil
}
