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
func Summary(w io.Writer, in *Input) error {
	if err := in.check(); err != nil {
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
		fmt.Fprintf(ew, "mean pairwise agreement: %s over %d ordered pairs of %d models\n", strconv.FormatFloat(mean, 'f', 4, 64), n, len(in.Models))
	} else {
		fmt.Fprintf(ew, "mean pairwise agreement: n/a (%d models)\n", len(in.Models))
	}
	return ew.err
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
