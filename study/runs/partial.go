package runs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/study-harness/study/study/store"
)

// Coverage is how much of its grid a results folder holds: the manifest's
// runs, and those with no record yet (not trained: interrupted, or
// another shard's run).
type Coverage struct {
	Dir     string
	Total   int           // runs in the manifest
	Missing []store.Entry // runs with no record, in manifest order
	// Shards is the folder's shard count N (fingerprint.json, or the
	// shard packs of an older folder), 0 when no shard wrote it;
	// MissingShards lists the shards I of N with no pack at all.
	Shards        int
	MissingShards []int
}

// Partial reports whether some run of the grid has no record.
func (c *Coverage) Partial() bool { return len(c.Missing) > 0 }

// CoverageOf reads the coverage of results folder dir. A folder whose
// packs are damaged is a DamageError: its runs cannot be counted.
func CoverageOf(dir string) (*Coverage, error) {
	entries, err := store.ReadManifest(dir)
	if err != nil {
		return nil, err
	}
	stored, err := store.OpenRuns(dir)
	if err != nil {
		return nil, err
	}
	defer stored.Close()
	c := &Coverage{Dir: dir, Total: len(entries)}
	seen := map[string]bool{}
	for _, e := range entries {
		seen[e.ID] = true
	}
	if err := CheckDamage(dir, stored, seen); err != nil {
		return nil, err
	}
	for _, e := range entries {
		if !stored.Finished(e.ID) {
			c.Missing = append(c.Missing, e)
		}
	}
	if !c.Partial() {
		return c, nil
	}
	if fp, err := store.ReadFingerprint(dir); err == nil {
		c.Shards = fp.Shards
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if c.Shards == 0 {
		counts, err := store.PackShards(dir)
		if err != nil {
			return nil, err
		}
		if len(counts) > 0 {
			c.Shards = counts[0]
		}
	}
	for i := range c.Shards {
		name := store.PackName(Shard{Index: i, Count: c.Shards}.LockName())
		if _, err := os.Stat(filepath.Join(dir, store.RunsDir, name)); errors.Is(err, fs.ErrNotExist) {
			c.MissingShards = append(c.MissingShards, i)
		}
	}
	return c, nil
}

// PartialError refuses to report a results folder that holds only part
// of its grid: exit code 1, naming the missing shards and runs.
type PartialError struct{ Coverage *Coverage }

// shownMissing is how many missing runs a PartialError names.
const shownMissing = 5

func (e *PartialError) Error() string {
	c := e.Coverage
	var b strings.Builder
	fmt.Fprintf(&b, "%s: partial: %d of %d runs", c.Dir, c.Total-len(c.Missing), c.Total)
	if len(c.MissingShards) > 0 {
		var names []string
		for _, i := range c.MissingShards {
			names = append(names, fmt.Sprintf("%d/%d", i, c.Shards))
		}
		fmt.Fprintf(&b, "; %d of %d shards wrote nothing: %s", len(c.MissingShards), c.Shards, strings.Join(names, ", "))
	}
	fmt.Fprintf(&b, "; %d run(s) not trained:", len(c.Missing))
	for i, m := range c.Missing {
		if i == shownMissing {
			fmt.Fprintf(&b, " and %d more", len(c.Missing)-shownMissing)
			break
		}
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, " %s (%s)", m.Name, m.ID)
	}
	b.WriteString(". Merge once every shard has finished (study runs lists the runs), or pass --allow-partial to report these runs on purpose")
	return b.String()
}
