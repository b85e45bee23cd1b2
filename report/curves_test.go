package report

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// lossRuns returns n runs of the given families, in turn, with a loss
// curve each.
func lossRuns(n int, fams ...string) []Run {
	runs := make([]Run, n)
	for i := range runs {
		runs[i] = Run{Name: fmt.Sprintf("%s-s%d", fams[i%len(fams)], i), Config: map[string]string{"arch": fams[i%len(fams)], "seed": fmt.Sprint(i)}, Status: StatusOK}
		for e := range 5 {
			runs[i].Loss = append(runs[i].Loss, math.Exp(-float64(e))+0.01*float64(i))
		}
	}
	return runs
}

func TestLossFigureHasALegend(t *testing.T) {
	twelve := make([]string, 12)
	for i := range twelve {
		twelve[i] = fmt.Sprintf("arch%02d", i)
	}
	tests := []struct {
		name     string
		runs     []Run
		legend   []string // legend entries the figure must show
		absent   []string // text it must not show
		noteHas  []string
		noteNone bool
	}{
		{"six runs are named one by one", lossRuns(6, "mlp", "cnn"), []string{"mlp-s0", "cnn-s5"}, nil, nil, true},
		{"24 runs of two families are named by family", lossRuns(24, "mlp", "logreg"),
			[]string{"logreg (12 runs)", "mlp (12 runs)"}, []string{"mlp-s0"}, []string{"model family's colour"}, false},
		{"one run of a family is one run", lossRuns(9, "mlp", "mlp", "mlp", "mlp", "mlp", "mlp", "mlp", "mlp", "cnn"),
			[]string{"cnn (1 run)", "mlp (8 runs)"}, nil, []string{"model family's colour"}, false},
		{"40 runs of 12 families list 7 and count the rest", lossRuns(40, twelve...),
			[]string{"arch00 (3 runs)", "arch06 (2 runs)", "5 more families"}, []string{"arch07 ("},
			[]string{"first 7 of the 12 families", "The first 30 of the 40 runs"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			idx, _ := curveRuns(tt.runs)
			f, err := lossFigure(tt.runs, idx, ColumnWidth, plotHeight)
			if err != nil {
				t.Fatal(err)
			}
			svg, err := svgFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range tt.legend {
				if !strings.Contains(string(svg), ">"+s+"<") {
					t.Errorf("the figure has no legend entry %q", s)
				}
			}
			for _, s := range tt.absent {
				if strings.Contains(string(svg), ">"+s) {
					t.Errorf("the figure shows %q", s)
				}
			}
			for _, s := range tt.noteHas {
				if !strings.Contains(f.note, s) {
					t.Errorf("the caption's note %q does not say %q", f.note, s)
				}
			}
			if tt.noteNone && f.note != "" {
				t.Errorf("the caption's note is %q, want none", f.note)
			}
		})
	}
}
