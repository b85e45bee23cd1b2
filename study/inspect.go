package study

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/study-harness/study/study/runs"
	"github.com/study-harness/study/study/store"
)

// storedRun is one run of a results folder as listed by Runs and
// selected by Extract: its manifest entry, when the folder has one.
type storedRun struct {
	id, name string
}

// listed returns the runs of results folder dir in manifest order, and
// how many stored runs the manifest does not name (runs of another spec,
// a foreign pack): those are not listed. A folder without a manifest
// lists every stored run. A folder whose packs are damaged is a
// runs.DamageError, returned beside the list.
func listed(dir string, stored *store.Runs) (list []storedRun, others int, damage, err error) {
	entries, err := store.ReadManifest(dir)
	if errors.Is(err, fs.ErrNotExist) {
		for _, id := range stored.IDs() {
			list = append(list, storedRun{id, ""})
		}
		return list, 0, runs.CheckDamage(dir, stored, map[string]bool{}), nil
	}
	if err != nil {
		return nil, 0, nil, err
	}
	seen := map[string]bool{}
	for _, e := range entries {
		list = append(list, storedRun{e.ID, e.Name})
		seen[e.ID] = true
	}
	for _, id := range stored.IDs() {
		if !seen[id] {
			others++
		}
	}
	return list, others, runs.CheckDamage(dir, stored, seen), nil
}

// openListed opens the runs of results folder dir and lists them (see
// listed).
func openListed(dir string) (stored *store.Runs, list []storedRun, others int, damage error, err error) {
	stored, err = openStored(dir)
	if err != nil {
		return nil, nil, 0, nil, err
	}
	list, others, damage, err = listed(dir, stored)
	if err != nil {
		stored.Close()
		return nil, nil, 0, nil, err
	}
	return stored, list, others, damage, nil
}

// notInStudy says on stderr how many stored runs a listing left out.
func notInStudy(stderr io.Writer, dir string, others int) {
	if others > 0 {
		fmt.Fprintf(stderr, "study: %s: %d stored run(s) not in this study (not in %s: another spec's runs, or a pack from elsewhere) are not listed\n", dir, others, store.ManifestFile)
	}
}

// openStored opens the runs of results folder dir, which must be a
// study's: a folder holding manifest.jsonl or runs/.
func openStored(dir string) (*store.Runs, error) {
	if err := checkStudyDir(dir); err != nil {
		return nil, err
	}
	return store.OpenRuns(dir)
}

// checkStudyDir returns bad input unless dir is a folder holding
// manifest.jsonl or runs/, as a study's results folder does.
func checkStudyDir(dir string) error {
	st, err := os.Stat(dir)
	if err != nil {
		return &InputError{err}
	}
	if !st.IsDir() {
		return &InputError{fmt.Errorf("%s: not a folder", dir)}
	}
	_, merr := os.Stat(filepath.Join(dir, store.ManifestFile))
	_, rerr := os.Stat(filepath.Join(dir, store.RunsDir))
	if merr != nil && rerr != nil {
		return &InputError{fmt.Errorf("%s: not a study's results folder (no %s, no %s/)", dir, store.ManifestFile, store.RunsDir)}
	}
	return nil
}

// Runs prints the runs of results folder dir, one line each in manifest
// order: id, name, status (or "not trained"), test accuracy, wall time
// and where the record is stored. With tsv, the lines are tab-separated
// with a header line, for scripts; otherwise they form a table. Stored
// runs not in the manifest are counted on stderr; damaged packs are
// named, after the list, by the error returned (runs.DamageError).
func Runs(dir string, tsv bool, stdout, stderr io.Writer) (err error) {
	stored, list, others, damage, err := openListed(dir)
	if err != nil {
		return err
	}
	defer stored.Close()
	notInStudy(stderr, dir, others)
	defer func() {
		if err == nil {
			err = damage
		}
	}()
	header := []string{"id", "name", "status", "test_accuracy", "wall_seconds", "stored"}
	var rows [][]string
	for _, r := range list {
		row := []string{r.id, r.name, "not trained", "", "", ""}
		run, err := stored.Get(r.id)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case errors.Is(err, store.ErrCorrupt):
			row[2] = "corrupt (retrained by the next study run)"
		case err != nil:
			return err
		default:
			rec := run.Record
			if row[1] == "" {
				row[1] = rec.Name
			}
			row[2] = rec.Status
			if rec.Status == store.StatusOK {
				row[3] = strconv.FormatFloat(rec.TestAccuracy, 'f', 4, 64)
			}
			row[4] = strconv.FormatFloat(rec.WallSeconds, 'f', 6, 64)
			row[5] = run.Where
		}
		rows = append(rows, row)
	}
	if tsv {
		for _, row := range append([][]string{header}, rows...) {
			for i, f := range row {
				if i > 0 {
					if _, err := io.WriteString(stdout, "\t"); err != nil {
						return err
					}
				}
				if _, err := io.WriteString(stdout, tsvField(f)); err != nil {
					return err
				}
			}
			if _, err := io.WriteString(stdout, "\n"); err != nil {
				return err
			}
		}
		return nil
	}
	t := tablewriter.NewTable(stdout, tablewriter.WithHeaderAutoFormat(tw.Off))
	t.Header(header)
	if err := t.Bulk(rows); err != nil {
		return err
	}
	return t.Render()
}

// tsvField makes f safe for a tab-separated line.
func tsvField(f string) string {
	b := []byte(f)
	for i, c := range b {
		if c == '\t' || c == '\n' || c == '\r' {
			b[i] = ' '
		}
	}
	return string(b)
}

// Extract writes runs of results folder dir as plain folders,
// out/<id>/, holding the run's files (predictions.csv, features.npy,
// weights.safetensors, ...) and its metrics.json with the size and
// CRC-32C of each file: the layout of study's run folders before packs,
// for tools that want files. which selects runs by id or name; empty
// means every finished run. Each folder is written under a temporary
// name and renamed into place, replacing an older one. Only the runs of
// the manifest are extracted (the others are counted on stderr), and
// nothing is written from a folder whose packs are damaged.
func Extract(dir, out string, which []string, stdout, stderr io.Writer) error {
	stored, list, others, damage, err := openListed(dir)
	if err != nil {
		return err
	}
	defer stored.Close()
	if damage != nil {
		return fmt.Errorf("nothing extracted: %w", damage)
	}
	notInStudy(stderr, dir, others)
	want := map[string]bool{}
	for _, w := range which {
		want[w] = true
	}
	var ids []string
	for _, r := range list {
		if !stored.Finished(r.id) {
			continue
		}
		if len(which) == 0 || want[r.id] || (r.name != "" && want[r.name]) {
			ids = append(ids, r.id)
			delete(want, r.id)
			delete(want, r.name)
		}
	}
	for _, w := range which {
		if want[w] {
			return &InputError{fmt.Errorf("%s: no finished run with id or name %q (study runs %s lists them)", dir, w, dir)}
		}
	}
	// Every run is read and checked before anything is written.
	var got []*store.Run
	var bad []error
	for _, id := range ids {
		run, err := stored.Get(id)
		if errors.Is(err, store.ErrCorrupt) {
			bad = append(bad, err)
			continue
		}
		if err != nil {
			return err
		}
		got = append(got, run)
	}
	if len(bad) > 0 {
		return fmt.Errorf("%d run(s) not extracted, nothing written (study run retrains them): %w", len(bad), errors.Join(bad...))
	}
	if err := makeOutDir("--out", out); err != nil {
		return err
	}
	for i, run := range got { // got[i] is run ids[i]: none is missing
		id := ids[i]
		w, err := store.NewFolderWriter(out, id)
		if err != nil {
			return err
		}
		for _, name := range run.Files() {
			name, b, err := runs.ExportFile(run, name)
			if err == nil {
				err = w.WriteFile(name, b)
			}
			if err != nil {
				w.Abort()
				return err
			}
		}
		rec := *run.Record
		rec.Files = nil
		if err := w.Commit(&rec); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s\n", filepath.Join(out, id))
	}
	return nil
}
