package report

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

const (
	// maxCurves is the most loss curves drawn in one figure; more lines
	// would not be told apart.
	maxCurves = 30
	// maxLegend is the most curves that get a legend entry.
	maxLegend = 8
)

// curveRuns returns the indices of the runs whose loss curve is drawn: the
// first maxCurves runs, in input order, that have at least one finite loss,
// and how many runs had a curve in all.
func curveRuns(runs []Run) (idx []int, total int) {
	for i, r := range runs {
		ok := false
		for _, v := range r.Loss {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				ok = true
				break
			}
		}
		if !ok {
			continue
		}
		total++
		if len(idx) < maxCurves {
			idx = append(idx, i)
		}
	}
	return idx, total
}

// lossFigure draws the training loss per epoch of the given runs, one line
// each. Epochs are numbered from 1; non-finite losses (a diverged run) are
// left out of its line.
func lossFigure(runs []Run, idx []int, w, h vg.Length) (*figure, error) {
	p := plot.New()
	p.BackgroundColor = nil
	p.X.Label.Text = "epoch"
	p.Y.Label.Text = "training loss"
	for _, ax := range []*plot.Axis{&p.X, &p.Y} {
		ax.Label.TextStyle.Font = font.From(sans, vg.Points(10))
		ax.Tick.Label.Font = font.From(sans, vg.Points(8))
	}
	p.Legend.TextStyle.Font = font.From(sans, vg.Points(8))
	p.Legend.Top = true
	p.Add(plotter.NewGrid())
	for k, i := range idx {
		r := runs[i]
		xys := make(plotter.XYs, 0, len(r.Loss))
		for e, v := range r.Loss {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				continue
			}
			xys = append(xys, plotter.XY{X: float64(e + 1), Y: v})
		}
		l, err := plotter.NewLine(xys)
		if err != nil {
			return nil, fmt.Errorf("report: loss curve of run %q: %w", r.Name, err)
		}
		l.Color = plotutil.Color(k)
		l.Dashes = plotutil.Dashes(k / 7)
		l.Width = vg.Points(1)
		p.Add(l)
		if len(idx) <= maxLegend {
			p.Legend.Add(plotLabel(r.Name), l)
		}
	}
	return plotFigure(p, w, h), nil
}
