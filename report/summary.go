package report

import (
	"fmt"
	"io"
	"strconv"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"
)

// Summary writes a short text summary of in for the terminal: a table with
// each run's name, test accuracy, wall time and status, then the mean,
// min and max test accuracy of the finished runs and the mean pairwise
// agreement (off-diagonal, ignoring NaN).
//
// With Metrics it adds the top-line numbers (see headlineRows: the mean
// pairwise homogenization and H_k with their intervals and the p-values
// of both nulls, never the whole-set H, which grows with the number of
// models) and the factor ranking when the attribution was computed.
func Summary(w io.Writer, in *Input) error {
	b, err := build(in)
	if err != nil {
		return err
	}
	in = b.in
	if err := writePartial(w, in); err != nil {
		return err
	}
	t := tablewriter.NewTable(w,
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithRowAlignmentConfig(tw.CellAlignment{PerColumn: []tw.Align{tw.AlignLeft, tw.AlignRight, tw.AlignRight, tw.AlignLeft}}),
	)
	t.Header("run", "test acc.", "wall time", "status")
	for _, r := range in.Runs {
		acc := "—"
		if r.Status == StatusOK {
			acc = percent(r.TestAccuracy)
		}
		status := r.Status
		if r.Reason != "" {
			status += ": " + r.Reason
		}
		if err := t.Append(noControl(r.Name), acc, duration(r.WallSeconds), noControl(status)); err != nil {
			return fmt.Errorf("report: summary table: %w", err)
		}
	}
	if err := t.Render(); err != nil {
		return fmt.Errorf("report: summary table: %w", err)
	}
	ew := &errWriter{w: w}
	if mean, lo, hi, n := accuracyStats(in.Runs); n > 0 {
		fmt.Fprintf(ew, "test accuracy: mean %s, min %s, max %s over %d finished runs\n", percent(mean), percent(lo), percent(hi), n)
	} else {
		fmt.Fprintf(ew, "test accuracy: no finished runs\n")
	}
	if mean, n := MeanAgreement(in.Agreement); n > 0 {
		pairs := "pairs"
		if n == 1 {
			pairs = "pair"
		}
		fmt.Fprintf(ew, "mean pairwise agreement: %s over %d %s of %d models\n", strconv.FormatFloat(mean, 'f', 4, 64), n, pairs, len(in.Models))
	} else {
		fmt.Fprintf(ew, "mean pairwise agreement: n/a (%d models)\n", len(in.Models))
	}
	if ew.err == nil && in.Metrics != nil {
		if err := b.topLine(w); err != nil {
			return err
		}
		if err := b.writeDuplicateWarnings(w); err != nil {
			return err
		}
		if err := b.writeWarnings(w); err != nil {
			return err
		}
		if err := b.writeCACEWarning(w); err != nil {
			return err
		}
	}
	return ew.err
}

// topLine writes the headline measures and the factor ranking.
func (b *built) topLine(w io.Writer) error {
	t := tablewriter.NewTable(w,
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithRowAlignmentConfig(tw.CellAlignment{PerColumn: []tw.Align{tw.AlignLeft, tw.AlignRight, tw.AlignRight, tw.AlignRight}}),
	)
	t.Header("measure", "value", "95% interval", "p, independent errors")
	for _, h := range b.headlineRows() {
		if err := t.Append(h.label, h.value, h.ci, h.p); err != nil {
			return fmt.Errorf("report: summary table: %w", err)
		}
	}
	if err := t.Render(); err != nil {
		return fmt.Errorf("report: summary table: %w", err)
	}
	if s := pairsBeyond(b.in.Metrics); s != "" {
		if _, err := fmt.Fprintf(w, "pairs failing together: %s\n", s); err != nil {
			return err
		}
	}
	if !b.x.hasAttribution || len(b.x.attribution) == 0 {
		_, err := fmt.Fprintln(w, "what makes models disagree: not computed")
		return err
	}
	if _, err := fmt.Fprintln(w, "what makes models disagree (pairs differing in one axis only):"); err != nil {
		return err
	}
	at := attributionTable(b.x.attribution, b.x.attrSummary)
	t = tablewriter.NewTable(w, tablewriter.WithHeaderAutoFormat(tw.Off))
	t.Header(at.Header)
	for _, r := range at.Rows {
		row := make([]string, len(r))
		for j, c := range r {
			row[j] = noControl(c.Text)
		}
		if err := t.Append(row); err != nil {
			return fmt.Errorf("report: factor table: %w", err)
		}
	}
	if err := t.Render(); err != nil {
		return fmt.Errorf("report: factor table: %w", err)
	}
	return attributionFootnotes(w, b.x.attribution, b.x.attrSummary, b.x.hasIntervals())
}

// errWriter keeps the first write error so a run of Fprintf calls can be
// checked once.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}
