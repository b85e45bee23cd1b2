package study

import (
	"fmt"

	"github.com/study-harness/study/study/metrics"
	"github.com/study-harness/study/study/runs"
)

// robustness adds robustness.<attack> to res for every attack of the
// results folder dir: the white-box accuracy of each model of res, read
// from the stored runs. A study without attacks adds nothing.
func robustness(dir string, res *metrics.Result) error {
	attacks, idx, err := runs.Attacks(dir)
	if err != nil || len(attacks) == 0 {
		return err
	}
	acc := make([][]float64, len(attacks))
	why := make([][]string, len(attacks))
	for k, a := range attacks {
		if acc[k], why[k], err = runs.CollectAdvAccuracy(dir, a.Name, res.Models); err != nil {
			return fmt.Errorf("attack %s: %w", a.Name, err)
		}
	}
	metrics.AddRobustness(res, attacks, len(idx), acc, why)
	return nil
}
