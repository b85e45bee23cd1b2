package study

import (
	"fmt"
	"strings"

	"io"

	"github.com/study-harness/study/study/runs"
)

// settingWarnings returns one warning per known-bad setting among the runs
// of rs (docs/models.md, "Settings that train well"): a gru trained with
// adam at lr ≥ 0.001 and no clip_norm reaches only 15–21 % on MNIST.
func settingWarnings(rs []runs.Run) []string {
	var gru []string
	for _, r := range rs {
		c := r.Config
		if c.Options.Arch == "gru" && c.Settings.ClipNorm == 0 && c.Settings.Optimizer == "adam" && c.Settings.LR >= 1e-3 {
			gru = append(gru, r.Name)
		}
	}
	if len(gru) == 0 {
		return nil
	}
	which := fmt.Sprintf("run %s", gru[0])
	if len(gru) > 1 {
		which = fmt.Sprintf("%d runs (e.g. %s)", len(gru), gru[0])
	}
	return []string{fmt.Sprintf("%s: gru with adam at lr ≥ 0.001 and no clip_norm trains badly (15–21 %% test accuracy on MNIST); set clip_norm: 1 and lr: 0.002 (docs/models.md, \"Settings that train well\")", which)}
}

// writeWarnings prints warnings, one "warning: " line each.
func writeWarnings(w io.Writer, warnings []string) {
	for _, s := range warnings {
		fmt.Fprintln(w, "warning: "+strings.TrimSpace(s))
	}
}
