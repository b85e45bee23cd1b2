package report

import (
	"fmt"
	"testing"

	"gonum.org/v1/plot/vg"
)

// TestShiftFigureSize checks the size of the agreement-on-the-line figure
// for one to five evaluation sets: one set is a column figure, more span
// the page. The page shows a figure wider than a column at the page's
// width, so a wide figure narrower than the page was scaled up (one set's
// 1.9 in panel six times).
func TestShiftFigureSize(t *testing.T) {
	set := onTheLine{
		IDAccuracy: []fnum{0.9, 0.7, 0.88}, OODAccuracy: []fnum{0.8, 0.5, 0.77},
		IDAgreement: []fnum{0.75, 0.95}, OODAgreement: []fnum{0.6, 0.88},
		AccuracyLine: line{Slope: 1.1, Intercept: -0.4}, AgreementLine: line{Slope: 1, Intercept: -0.35},
	}
	tests := []struct {
		sets int
		w, h vg.Length
	}{
		{1, ColumnWidth, ColumnWidth * 0.8},
		{2, WideWidth, 2 * vg.Inch},
		{3, WideWidth, 2 * vg.Inch},
		{5, WideWidth, 2 * vg.Inch},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d evaluation sets", tt.sets), func(t *testing.T) {
			lines := map[string]onTheLine{}
			var names []string
			for i := range tt.sets {
				names = append(names, fmt.Sprint("set", i))
				lines[names[i]] = set
			}
			f, err := shiftFigure(names, lines)
			if err != nil {
				t.Fatal(err)
			}
			if f.w != tt.w || f.h != tt.h {
				t.Errorf("the figure is %.1f×%.1f pt, want %.1f×%.1f", f.w.Points(), f.h.Points(), tt.w.Points(), tt.h.Points())
			}
		})
	}
}
