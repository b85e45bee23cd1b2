package report

import (
	"fmt"
	"io"
)

// Partial marks a report made on purpose from part of a study's grid
// (study merge --allow-partial): Runs of its Of runs have a record. The
// page shows a banner and the terminal summary a line, "partial: N of M
// runs".
type Partial struct{ Runs, Of int }

// Banner returns the banner text.
func (p *Partial) Banner() string {
	return fmt.Sprintf("partial: %d of %d runs. The other %d are not trained (another shard's runs, or an interrupted study): every number, table and figure covers these %d runs only, and a factor whose values all lie among the missing runs is absent from the attribution.",
		p.Runs, p.Of, p.Of-p.Runs, p.Runs)
}

// partialBanner returns the page's banner for in, "" for a whole study.
func partialBanner(in *Input) string {
	if in.Partial == nil {
		return ""
	}
	return in.Partial.Banner()
}

// writePartial writes the terminal summary's partial line, if any.
func writePartial(w io.Writer, in *Input) error {
	if in.Partial == nil {
		return nil
	}
	_, err := fmt.Fprintf(w, "%s\n", in.Partial.Banner())
	return err
}
