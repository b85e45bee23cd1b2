package study

import (
	"fmt"
	"runtime"

	"github.com/study-harness/study/study/metrics"
	"github.com/study-harness/study/study/predmat"
	"github.com/study-harness/study/study/runs"
)

// robustness adds robustness.<attack> to res for every attack of the
// results folder dir: the white-box accuracy of each model of x, read
// from the stored runs, and the transfer measures of the transfer stage
// (runs.Transfer, computed once and stored in dir). A study without
// attacks adds nothing and returns nil.
func robustness(dir string, x *predmat.Matrix, res *metrics.Result, opts metrics.Options) ([]*predmat.Transfer, error) {
	attacks, idx, err := runs.Attacks(dir)
	if err != nil || len(attacks) == 0 {
		return nil, err
	}
	acc := make([][]float64, len(attacks))
	why := make([][]string, len(attacks))
	for k, a := range attacks {
		if acc[k], why[k], err = runs.CollectAdvAccuracy(dir, a.Name, res.Models); err != nil {
			return nil, fmt.Errorf("attack %s: %w", a.Name, err)
		}
	}
	metrics.AddRobustness(res, attacks, len(idx), acc, why)
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	trs, err := runs.Transfer(dir, res.Models, workers)
	if err != nil {
		return nil, err
	}
	return trs, metrics.AddTransfer(res, x, trs, opts)
}
