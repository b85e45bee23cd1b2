package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/study-harness/study/study/data"
	"github.com/study-harness/study/study/data/fetch"
)

// cmdData runs `study data fetch NAME`: download a dataset into
// $STUDY_DATA (default: the user cache folder).
func cmdData(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "fetch" {
		return &usageError{"data: usage: study data fetch NAME (" + strings.Join(fetch.Names(), ", ") + ")"}
	}
	fs := newFlags("data fetch", "NAME", stderr)
	dir := fs.String("dir", data.DataDir(), "data folder (default $STUDY_DATA, else the user cache folder)")
	pos, err := parse(fs, args[1:], 1)
	if err != nil {
		return err
	}
	d, ok := fetch.Known[pos[0]]
	if !ok {
		return &usageError{fmt.Sprintf("data fetch: unknown dataset %q (known: %s)", pos[0], strings.Join(fetch.Names(), ", "))}
	}
	f := &fetch.Fetcher{Progress: stderr}
	out, err := f.Fetch(ctx, *dir, d)
	if err != nil {
		return fmt.Errorf("data fetch %s: %w", d.Name, err)
	}
	fmt.Fprintf(stdout, "%s: %s\n(%s)\n", d.Name, out, d.Source)
	return nil
}
