package report_test

import (
	"fmt"
	"math"
	"os"

	"github.com/study-harness/study/report"
)

// The heatmap order puts models that agree next to each other.
func ExampleAgreementOrder() {
	models := []string{"a1", "b1", "a2", "b2"}
	agreement := [][]float64{
		{1, 0.2, 0.9, 0.1},
		{0.2, 1, 0.15, 0.95},
		{0.9, 0.15, 1, 0.2},
		{0.1, 0.95, 0.2, 1},
	}
	order, err := report.AgreementOrder(agreement)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, i := range order {
		fmt.Print(models[i], " ")
	}
	fmt.Println()
	// Output: b1 b2 a1 a2
}

func ExampleSummary() {
	in := &report.Input{
		Runs: []report.Run{
			{Name: "lr=0.1", Status: report.StatusOK, TestAccuracy: 0.91, WallSeconds: 12},
			{Name: "lr=0.01", Status: report.StatusOK, TestAccuracy: 0.95, WallSeconds: 75},
			{Name: "lr=10", Status: report.StatusFailed, Reason: "loss diverged", WallSeconds: 3},
		},
		Models:    []string{"lr=0.1", "lr=0.01"},
		Agreement: [][]float64{{1, 0.93}, {0.93, math.NaN()}},
	}
	if err := report.Summary(os.Stdout, in); err != nil {
		fmt.Println(err)
	}
	// Output:
	// ┌─────────┬───────────┬────────────┬───────────────────────┐
	// │   run   │ test acc. │ wall time  │        status         │
	// ├─────────┼───────────┼────────────┼───────────────────────┤
	// │ lr=0.1  │   91.00 % │     12.0 s │ ok                    │
	// │ lr=0.01 │   95.00 % │ 1 min 15 s │ ok                    │
	// │ lr=10   │         — │      3.0 s │ failed: loss diverged │
	// └─────────┴───────────┴────────────┴───────────────────────┘
	// test accuracy: mean 93.00 %, min 91.00 %, max 95.00 % over 2 finished runs
	// mean pairwise agreement: 0.9300 over 1 pair of 2 models
}
