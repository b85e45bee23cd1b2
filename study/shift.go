package study

import (
	"fmt"

	"github.com/study-harness/study/study/metrics"
	"github.com/study-harness/study/study/runs"
)

// shiftResults measures every evaluation set of a results folder: the full
// metrics of each, and the data for agreement-on-the-line (Baek et al.
// 2022) against the clean test set. names are the sets in spec order.
func shiftResults(dir string, clean *metrics.Result, opts metrics.Options) (names []string, all map[string]*metrics.Result, lines map[string]metrics.OnTheLine, err error) {
	names, err = runs.EvalSets(dir)
	if err != nil || len(names) == 0 {
		return nil, nil, nil, err
	}
	all = map[string]*metrics.Result{}
	lines = map[string]metrics.OnTheLine{}
	for i, name := range names {
		x, err := runs.CollectEval(dir, name)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("eval set %s: %w", name, err)
		}
		r, err := metrics.Compute(x, withPrefix(opts, fmt.Sprintf("metrics: evaluation set %s (%d of %d): ", name, i+1, len(names))))
		if err != nil {
			return nil, nil, nil, fmt.Errorf("eval set %s: %w", name, err)
		}
		all[name] = r
		lines[name] = metrics.AgreementOnTheLine(clean, r)
	}
	return names, all, lines, nil
}
