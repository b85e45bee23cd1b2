package store

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestPackDamageIsNamed damages a pack of three records, a b c, and wants
// every span that holds no whole record named by Damage, with its offset
// and length, unless it is a torn end (what an interrupted append
// leaves). Before, a flipped byte in a record header mid-pack, or a
// broken first magic, lost that record without a word, and study report
// exited 0 over the others. Repair then cuts the damage out, keeping the
// other records byte for byte, so that the pack reads whole, and a new
// record appended after it reads back.
func TestPackDamageIsNamed(t *testing.T) {
	a := mkRun("a", 0.5, "a.csv", "the a run\n")
	b := mkRun("b", 0.25, "a.csv", "the b run\n", "b.npy", "bb")
	c := mkRun("c", 0.75, "a.csv", "the c run\n")
	src := t.TempDir()
	ends := writePack(t, src, PackName(""), a, b, c)
	full, err := os.ReadFile(packPath(src, PackName("")))
	if err != nil {
		t.Fatal(err)
	}
	size := int64(len(full))
	zeroID := slices.Clone(full) // b's run id length set to 0 under its whole header
	zeroID[ends[0]+packHeaderLen], zeroID[ends[0]+packHeaderLen+1] = 0, 0
	type span struct{ off, n int64 }
	tests := []struct {
		name   string
		pack   []byte
		damage []span
		ids    []string
	}{
		{"a whole pack has no damage", full, nil, []string{"a", "b", "c"}},
		{"a broken first magic is damage", flip(full, 0), []span{{0, ends[0]}}, []string{"b", "c"}},
		{"a flipped byte in a header mid-pack is damage", flip(full, int(ends[0])+13), []span{{ends[0], ends[1] - ends[0]}}, []string{"a", "c"}},
		{"a flipped byte in the last header is damage, not a torn end", flip(full, int(ends[1])+5), []span{{ends[1], size - ends[1]}}, []string{"a", "b"}},
		{"an unreadable run id under a whole header is damage", zeroID, []span{{ends[0], ends[1] - ends[0]}}, []string{"a", "c"}},
		{"junk after the last record is damage", append(slices.Clone(full), "junk, not a record header at all"...), []span{{size, 32}}, []string{"a", "b", "c"}},
		{"a record cut short at the end is a torn end", full[:size-3], nil, []string{"a", "b"}},
		{"a header cut short at the end is a torn end", full[:ends[1]+10], nil, []string{"a", "b"}},
		{"zeros at the end are a torn end", append(slices.Clone(full), make([]byte, 4096)...), nil, []string{"a", "b", "c"}},
	}
	runs := map[string]testRun{"a": a, "b": b, "c": c}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.Mkdir(filepath.Join(dir, RunsDir), 0o755); err != nil {
				t.Fatal(err)
			}
			path := packPath(dir, PackName(""))
			if err := os.WriteFile(path, tt.pack, 0o644); err != nil {
				t.Fatal(err)
			}
			r := openRuns(t, dir)
			var got []span
			for _, d := range r.Damage() {
				if d.Pack != path || d.Why == "" {
					t.Errorf("damage %v: want pack %s and a reason", d, path)
				}
				got = append(got, span{d.Off, d.Len})
			}
			if !slices.Equal(got, tt.damage) {
				t.Errorf("Damage() = %v, want %v", got, tt.damage)
			}
			if ids := r.IDs(); !slices.Equal(ids, tt.ids) {
				t.Errorf("IDs() = %q, want %q", ids, tt.ids)
			}

			cut, err := r.Repair(PackName(""))
			if err != nil {
				t.Fatal(err)
			}
			if len(cut) != len(tt.damage) {
				t.Errorf("Repair cut %v, want the damage %v", cut, tt.damage)
			}
			if len(tt.damage) > 0 {
				var whole int64
				for _, id := range tt.ids {
					_, _, n, err := r.Location(id)
					if err != nil {
						t.Fatal(err)
					}
					whole += n
				}
				if got := fileSize(t, path); got != whole {
					t.Errorf("repaired pack of %d bytes, want its whole records' %d", got, whole)
				}
			}
			for _, reopened := range []*Runs{r, openRuns(t, dir)} {
				if d := reopened.Damage(); len(d) > 0 {
					t.Errorf("damage after Repair: %v", d)
				}
				if ids := reopened.IDs(); !slices.Equal(ids, tt.ids) {
					t.Errorf("IDs() after Repair = %q, want %q", ids, tt.ids)
				}
				for _, id := range tt.ids {
					checkRun(t, reopened, runs[id])
				}
			}
			w := openWriter(t, r, PackName(""))
			fresh := mkRun("fresh", 1, "c.csv", "fresh\n")
			appendRuns(t, w, fresh)
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			checkRun(t, openRuns(t, dir), fresh)
		})
	}
}

// TestOpenRunsRefusesAFolderWherePacksGo makes runs/all.pack a folder:
// OpenRuns fails naming it, instead of ignoring it until a writer fails
// with "file exists".
func TestOpenRunsRefusesAFolderWherePacksGo(t *testing.T) {
	dir := t.TempDir()
	path := packPath(dir, PackName(""))
	if err := os.MkdirAll(path, 0o755); err != nil {
		t.Fatal(err)
	}
	r, err := OpenRuns(dir)
	if err == nil {
		r.Close()
		t.Fatal("OpenRuns accepted a folder named all.pack")
	}
	if msg := err.Error(); !strings.Contains(msg, path) || !strings.Contains(msg, "a folder") {
		t.Errorf("error %q does not name %s as a folder", msg, path)
	}
}
