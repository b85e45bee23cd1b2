package study

import (
	"fmt"
	"io"

	"github.com/study-harness/study/study/runs"
)

// noteRepairs says on stderr what an execution found damaged and trained
// again: spans of packs cut out, and runs whose record was corrupt.
func noteRepairs(stderr io.Writer, out *runs.Outcome) {
	if out == nil {
		return
	}
	for _, d := range out.Damage {
		fmt.Fprintf(stderr, "study: damaged: %s; cut out of the pack, and the runs it held are trained again\n", d)
	}
	if out.Retrained > 0 {
		fmt.Fprintf(stderr, "study: %d run(s) whose stored record was corrupt are trained again\n", out.Retrained)
	}
}
