package report

import (
	"fmt"
	"math"
	"slices"

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
// left out of its line. Up to maxLegend runs, each line has a colour and
// dashes of its own and a legend entry with the run's name. With more, the
// lines of a model family (its "arch" value, else its name's prefix, as in
// Input.Families) share the family's colour and dashes, and the legend
// names the families, each with its number of runs: at most maxLegend of
// them, the last entry counting the rest. The figure's note says how the
// lines are coloured and how many runs were left out.
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
	byRun := len(idx) <= maxLegend
	fams := make([]string, len(idx))
	for k, i := range idx {
		fams[k] = runFamily(runs[i])
	}
	famNames := slices.Compact(slices.Sorted(slices.Values(fams)))
	first := make([]*plotter.Line, len(famNames)) // each family's first line
	count := make([]int, len(famNames))
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
		l.Width = vg.Points(1)
		if byRun {
			l.Color = plotutil.Color(k)
			l.Dashes = plotutil.Dashes(k / 7)
			p.Legend.Add(plotLabel(r.Name), l)
		} else {
			f, _ := slices.BinarySearch(famNames, fams[k])
			l.Color = familyColor(f)
			l.Dashes = plotutil.Dashes(f / len(familyColors))
			if first[f] == nil {
				first[f] = l
			}
			count[f]++
		}
		p.Add(l)
	}
	var note string
	if !byRun {
		for f, name := range famNames {
			if f == maxLegend-1 && len(famNames) > maxLegend {
				p.Legend.Add(fmt.Sprintf("%d more families", len(famNames)-f))
				break
			}
			p.Legend.Add(fmt.Sprintf("%s (%d %s)", plotLabel(name), count[f], plural(count[f], "run", "runs")), first[f])
		}
		// Above the curves: an entry is about 8 % of the data's height.
		legendRoom(p, 0.08*float64(min(len(famNames), maxLegend)))
		note = " Each line has its model family's colour and dashes; the legend gives each family's number of runs"
		if len(famNames) > maxLegend {
			note += fmt.Sprintf(" (for the first %d of the %d families)", maxLegend-1, len(famNames))
		}
		note += "."
	}
	if _, total := curveRuns(runs); total > len(idx) {
		note += fmt.Sprintf(" The first %d of the %d runs with a loss curve are drawn.", len(idx), total)
	}
	f := plotFigure(p, w, h)
	f.note = note
	return f, nil
}

// runFamily returns the model family of a run: its "arch" value, else its
// name's prefix.
func runFamily(r Run) string {
	if a := r.Config["arch"]; a != "" {
		return a
	}
	return namePrefix(r.Name)
}
