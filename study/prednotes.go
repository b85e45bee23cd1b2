package study

import (
	"fmt"
	"io"

	"github.com/study-harness/study/report"
	"github.com/study-harness/study/study/predmat"
)

// predNotes warns on stderr, and returns the report section saying so,
// when rows of the predictions file path have a pred that is not an
// argmax of their p (see predmat.Mismatch); it returns nothing otherwise.
func predNotes(path string, x *predmat.Matrix, m predmat.Mismatch, stderr io.Writer) []report.Section {
	if m.Rows == 0 {
		return nil
	}
	total := x.M() * x.N()
	fmt.Fprintf(stderr, "study: warning: %s:%d: in %d of %d rows, pred is not a most probable class of p0…p%d; agreement, κ, error consistency and the ensemble measures read pred, JSD, CAPA, calibration and ROC read p\n",
		path, m.Line, m.Rows, total, x.Classes-1)
	return []report.Section{report.PredMismatchSection(path, m.Rows, total, m.Line)}
}
