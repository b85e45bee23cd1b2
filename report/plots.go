package report

import (
	"fmt"
	"image/color"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/study-harness/study/study/metrics"
)

// Paper figure sizes: one column, or the width of the page for wide ones.
const (
	// WideWidth is the width of a figure that spans both columns.
	WideWidth = 7 * vg.Inch
	// plotHeight is the height of a scatter or line figure.
	plotHeight = 2.5 * vg.Inch
)

// newPlot returns a plot with the report's fonts and no background.
func newPlot(xlabel, ylabel string) *plot.Plot {
	p := plot.New()
	p.BackgroundColor = nil
	p.X.Label.Text, p.Y.Label.Text = xlabel, ylabel
	for _, ax := range []*plot.Axis{&p.X, &p.Y} {
		ax.Label.TextStyle.Font = font.From(sans, vg.Points(8))
		ax.Tick.Label.Font = font.From(sans, vg.Points(7))
	}
	p.Title.TextStyle.Font = font.From(sans, vg.Points(8))
	p.Legend.TextStyle.Font = font.From(sans, vg.Points(7))
	p.Legend.ThumbnailWidth = vg.Points(12)
	p.Add(plotter.NewGrid())
	return p
}

// plotFigure wraps one plot as a figure, pagePad inside the page.
func plotFigure(p *plot.Plot, w, h vg.Length) *figure {
	return &figure{w: w, h: h, draw: func(c draw.Canvas) {
		p.Draw(draw.Crop(c, pagePad, -pagePad, pagePad, -pagePad))
	}}
}

// gridFigure draws plots side by side in one row.
func gridFigure(ps []*plot.Plot, w, h vg.Length) *figure {
	return &figure{w: w, h: h, draw: func(c draw.Canvas) {
		t := draw.Tiles{Rows: 1, Cols: len(ps), PadX: vg.Points(6), PadTop: vg.Points(2), PadBottom: vg.Points(2), PadLeft: vg.Points(2), PadRight: vg.Points(4)}
		cs := plot.Align([][]*plot.Plot{ps}, t, c)
		for i, p := range ps {
			p.Draw(cs[0][i])
		}
	}}
}

// scatter adds a series of points in colour col (and, with name, a legend
// entry). Empty series are left out.
func scatter(p *plot.Plot, xys plotter.XYs, col color.Color, shape draw.GlyphDrawer, name string) error {
	if len(xys) == 0 {
		return nil
	}
	s, err := plotter.NewScatter(xys)
	if err != nil {
		return err
	}
	s.GlyphStyle = draw.GlyphStyle{Color: col, Radius: vg.Points(1.8), Shape: shape}
	p.Add(s)
	if name != "" {
		p.Legend.Add(plotLabel(name), s)
	}
	return nil
}

// failuresFigure draws the failure-count histogram (bars: the fraction of
// instances that exactly k models get wrong) beside the Poisson-binomial
// distribution expected if the models failed independently (points on a
// line).
func failuresFigure(e *metrics.EnsembleStats) (*figure, error) {
	hist, pb := e.FailureCountHistogram, e.PoissonBinomial
	if len(hist) < 2 {
		return nil, nil
	}
	p := newPlot("models that get an instance wrong (k)", "fraction of instances")
	bars := make(plotter.Values, len(hist))
	for k, v := range hist {
		bars[k] = math.Max(0, v)
		if !finite(v) {
			bars[k] = 0
		}
	}
	w := max(vg.Points(1), vg.Points(160/float64(len(hist))))
	b, err := plotter.NewBarChart(bars, w)
	if err != nil {
		return nil, fmt.Errorf("report: failure histogram: %w", err)
	}
	b.Color = color.NRGBA{R: 0x56, G: 0xb4, B: 0xe9, A: 0xff}
	b.LineStyle.Width = 0
	p.Add(b)
	p.Legend.Add("observed", b)
	if len(pb) == len(hist) {
		var xys plotter.XYs
		for k, v := range pb {
			if finite(v) {
				xys = append(xys, plotter.XY{X: float64(k), Y: v})
			}
		}
		if len(xys) > 0 {
			l, s, err := plotter.NewLinePoints(xys)
			if err != nil {
				return nil, fmt.Errorf("report: Poisson-binomial: %w", err)
			}
			l.Color = familyColor(1)
			l.Width = vg.Points(0.8)
			s.GlyphStyle = draw.GlyphStyle{Color: familyColor(1), Radius: vg.Points(1.6), Shape: draw.CircleGlyph{}}
			p.Add(l, s)
			p.Legend.Add("independent (Poisson-binomial)", l, s)
		}
	}
	p.Legend.Top = true
	p.Legend.Left = false
	p.Y.Min = 0
	return plotFigure(p, ColumnWidth, plotHeight), nil
}

// legendRoom raises the top of p's y axis so that a legend at the top
// sits above the data.
func legendRoom(p *plot.Plot, frac float64) {
	lo, hi := p.Y.Min, p.Y.Max
	if finite(lo) && finite(hi) && hi > lo {
		p.Y.Max = hi + frac*(hi-lo)
	}
}

// pairSeries splits the pairs a < b into same-family and cross-family
// points given by f(a, b); ok is false to leave a pair out.
func pairSeries(fams []string, f func(a, b int) (x, y float64, ok bool)) (same, cross plotter.XYs) {
	m := len(fams)
	for a := range m {
		for b := a + 1; b < m; b++ {
			x, y, ok := f(a, b)
			if !ok || !finite(x) || !finite(y) {
				continue
			}
			if fams[a] == fams[b] {
				same = append(same, plotter.XY{X: x, Y: y})
			} else {
				cross = append(cross, plotter.XY{X: x, Y: y})
			}
		}
	}
	return same, cross
}

// pairScatter draws same-family and cross-family pairs in two colours.
func pairScatter(p *plot.Plot, same, cross plotter.XYs) error {
	if len(cross) == 0 {
		return scatter(p, same, familyColor(0), draw.CircleGlyph{}, "")
	}
	if err := scatter(p, same, familyColor(0), draw.CircleGlyph{}, "same family"); err != nil {
		return err
	}
	return scatter(p, cross, familyColor(1), draw.TriangleGlyph{}, "different families")
}

// densityAbove is the number of models above which a pair plot is drawn
// as a 2-D histogram instead of one glyph per pair. It counts models, not
// points, so that both pair plots of a study switch together: 100 models
// give 4950 pairs (9900 ordered ones). Beyond that the glyphs cover the
// plot many times over, so single points say nothing more than a density
// does, while every glyph costs about 100 bytes of SVG (53 MB for the
// 499 500 pairs of 1000 models).
const densityAbove = 100

// densityBins are the columns and rows of a pair-density plot: cells of
// about 3.5pt in a one-column plot, fine enough to show the shape of the
// cloud and coarse enough that a bin holds a count one can shade.
const densityBinsX, densityBinsY = 60, 40

// density is a 2-D histogram of points: the rectangle [x0,x1]×[y0,y1]
// cut into densityBinsX×densityBinsY bins, each non-empty bin drawn as a
// rectangle shaded by the logarithm of its count. It keeps the counts,
// not the points, and draws at most densityBinsX×densityBinsY paths.
type density struct {
	x0, x1, y0, y1 float64
	counts         []int // row-major, row 0 at y0
	max            int
}

// newDensity bins the points; it returns nil when there are none.
func newDensity(sets ...plotter.XYs) *density {
	d := &density{x0: math.Inf(1), x1: math.Inf(-1), y0: math.Inf(1), y1: math.Inf(-1)}
	for _, xys := range sets {
		for _, p := range xys {
			d.x0, d.x1 = math.Min(d.x0, p.X), math.Max(d.x1, p.X)
			d.y0, d.y1 = math.Min(d.y0, p.Y), math.Max(d.y1, p.Y)
		}
	}
	if d.x0 > d.x1 {
		return nil
	}
	// A degenerate axis gets a small range, so that its points fill
	// one row or column of bins.
	if d.x1-d.x0 < 1e-9 {
		d.x0, d.x1 = d.x0-0.005, d.x1+0.005
	}
	if d.y1-d.y0 < 1e-9 {
		d.y0, d.y1 = d.y0-0.005, d.y1+0.005
	}
	d.counts = make([]int, densityBinsX*densityBinsY)
	for _, xys := range sets {
		for _, p := range xys {
			i := d.bin(p.X, d.x0, d.x1, densityBinsX)
			j := d.bin(p.Y, d.y0, d.y1, densityBinsY)
			d.counts[j*densityBinsX+i]++
		}
	}
	for _, n := range d.counts {
		d.max = max(d.max, n)
	}
	return d
}

// bin returns the bin of v in n equal bins of [lo, hi]; hi falls in the
// last.
func (*density) bin(v, lo, hi float64, n int) int {
	return min(n-1, max(0, int((v-lo)/(hi-lo)*float64(n))))
}

// densityLight and densityDark are the shades of a bin holding one point
// and of the fullest bin (blues, light to dark, so that the cloud reads
// on white and in grey-scale print).
var (
	densityLight = color.NRGBA{R: 0xc6, G: 0xdb, B: 0xef, A: 0xff}
	densityDark  = color.NRGBA{R: 0x08, G: 0x30, B: 0x6b, A: 0xff}
)

// shade returns the colour of a bin holding n ≥ 1 points: log(n) over
// log(max), between densityLight and densityDark.
func (d *density) shade(n int) color.Color {
	t := 1.0
	if d.max > 1 {
		t = math.Log(float64(n)) / math.Log(float64(d.max))
	}
	mix := func(a, b uint8) uint8 { return uint8(math.Round(float64(a) + t*(float64(b)-float64(a)))) }
	return color.NRGBA{R: mix(densityLight.R, densityDark.R), G: mix(densityLight.G, densityDark.G), B: mix(densityLight.B, densityDark.B), A: 0xff}
}

// DataRange implements plot.DataRanger.
func (d *density) DataRange() (xmin, xmax, ymin, ymax float64) { return d.x0, d.x1, d.y0, d.y1 }

// Plot implements plot.Plotter: one filled rectangle per non-empty bin.
func (d *density) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	w, h := (d.x1-d.x0)/densityBinsX, (d.y1-d.y0)/densityBinsY
	for j := range densityBinsY {
		for i := range densityBinsX {
			n := d.counts[j*densityBinsX+i]
			if n == 0 {
				continue
			}
			r := vg.Rectangle{
				Min: vg.Point{X: trX(d.x0 + float64(i)*w), Y: trY(d.y0 + float64(j)*h)},
				Max: vg.Point{X: trX(d.x0 + float64(i+1)*w), Y: trY(d.y0 + float64(j+1)*h)},
			}
			c.SetColor(d.shade(n))
			c.Fill(r.Path())
		}
	}
}

// pairPlot draws the pairs of a study of m models as points (pairScatter)
// or, above densityAbove models, as a density; note is then the sentence
// the caption adds.
func pairPlot(p *plot.Plot, same, cross plotter.XYs, what string, m int) (note string, err error) {
	n := len(same) + len(cross)
	if m <= densityAbove {
		if err := pairScatter(p, same, cross); err != nil {
			return "", err
		}
		if len(cross) > 0 {
			legendRoom(p, 0.25)
		}
		return "", nil
	}
	d := newDensity(same, cross)
	p.Add(d)
	return fmt.Sprintf(" With %d %s, too many to draw one by one, the plane is cut into %d×%d bins shaded by the number of %s in each, on a log scale from light blue (1) to dark blue (%d, the fullest bin); families are not told apart.", n, what, densityBinsX, densityBinsY, what, d.max), nil
}

// accuracyECFigure plots, per pair of models, the mean accuracy of the
// pair against its error consistency κ_err.
func accuracyECFigure(r *metrics.Result, fams []string) (*figure, error) {
	ec, acc := r.Pairwise.ErrorConsistency, r.PerModel.Accuracy
	if len(ec) != len(fams) || len(acc) != len(fams) || len(fams) < 2 {
		return nil, nil
	}
	same, cross := pairSeries(fams, func(a, b int) (float64, float64, bool) {
		return (acc[a] + acc[b]) / 2, ec[a][b], true
	})
	if len(same)+len(cross) == 0 {
		return nil, nil
	}
	p := newPlot("mean accuracy of the pair", "error consistency κ_err")
	note, err := pairPlot(p, same, cross, "pairs", len(fams))
	if err != nil {
		return nil, fmt.Errorf("report: accuracy vs error consistency: %w", err)
	}
	p.Legend.Top = true
	f := plotFigure(p, ColumnWidth, plotHeight)
	f.note = note
	return f, nil
}

// diversityFigure is the diversity–accuracy plane of Fort et al. (2019):
// for every ordered pair (reference a, model b), the accuracy of b against
// the fraction of test labels on which b differs from a, divided by a's
// error rate (error-normalised disagreement; 1 means b disagrees with a
// as often as a is wrong).
func diversityFigure(r *metrics.Result, fams []string) (*figure, error) {
	end, acc := r.Pairwise.ErrorNormalizedDisagreement, r.PerModel.Accuracy
	m := len(fams)
	if len(end) != m || len(acc) != m || m < 2 {
		return nil, nil
	}
	var same, cross plotter.XYs
	for a := range m {
		for b := range m {
			if a == b || !finite(end[a][b]) || !finite(acc[b]) {
				continue
			}
			pt := plotter.XY{X: acc[b], Y: end[a][b]}
			if fams[a] == fams[b] {
				same = append(same, pt)
			} else {
				cross = append(cross, pt)
			}
		}
	}
	if len(same)+len(cross) == 0 {
		return nil, nil
	}
	p := newPlot("accuracy of the model", "disagreement / error of the reference")
	note, err := pairPlot(p, same, cross, "ordered pairs", m)
	if err != nil {
		return nil, fmt.Errorf("report: diversity–accuracy plane: %w", err)
	}
	p.Legend.Top = true
	f := plotFigure(p, ColumnWidth, plotHeight)
	f.note = note
	return f, nil
}

// genDisFigure plots, per recipe, the mean disagreement between its seed
// pairs against its test error, with the line y = x on which Jiang et al.
// (2022) find class-aggregated calibrated ensembles. Points are coloured
// by family (the recipe's arch); thick pale bars show the spread across
// seeds (the test error's Student-t interval over the seeds and the range
// of the seed pairs' disagreement), thin bars the bootstrap intervals over
// test instances when computed.
func genDisFigure(recipes []recipePoint) (*figure, error) {
	lo, hi := math.Inf(1), math.Inf(-1)
	var fams []string
	for _, r := range recipes {
		x, y := float64(r.Disagreement), float64(r.TestError)
		if !finite(x) || !finite(y) {
			continue
		}
		lo, hi = math.Min(lo, math.Min(x, y)), math.Max(hi, math.Max(x, y))
		if f := recipeFamily(r); !slices.Contains(fams, f) {
			fams = append(fams, f)
		}
	}
	if len(fams) == 0 {
		return nil, nil
	}
	slices.Sort(fams)
	pad := math.Max(0.01, 0.08*(hi-lo))
	lo, hi = math.Max(0, lo-pad), math.Min(1, hi+pad)
	p := newPlot("disagreement between seeds", "test error")
	diag, err := plotter.NewLine(plotter.XYs{{X: lo, Y: lo}, {X: hi, Y: hi}})
	if err != nil {
		return nil, err
	}
	diag.Color = color.Gray{Y: 0x80}
	diag.Dashes = []vg.Length{vg.Points(3), vg.Points(2)}
	diag.Width = vg.Points(0.8)
	p.Add(diag)
	p.Legend.Add("y = x", diag)
	bar := func(s plotter.XYs, c color.Color, w vg.Length) error {
		l, err := plotter.NewLine(s)
		if err != nil {
			return err
		}
		l.Color, l.Width = c, w
		p.Add(l)
		return nil
	}
	points := make([]plotter.XYs, len(fams))
	for _, r := range recipes {
		x, y := float64(r.Disagreement), float64(r.TestError)
		if !finite(x) || !finite(y) {
			continue
		}
		k, _ := slices.BinarySearch(fams, recipeFamily(r))
		points[k] = append(points[k], plotter.XY{X: x, Y: y})
		col := familyColor(k)
		pale := color.NRGBAModel.Convert(col).(color.NRGBA)
		pale.A = 0x60
		// Spread across seeds: thick and pale, under the bootstrap bars.
		var segs []plotter.XYs
		if iv := r.DisagreementSeedRange; iv.ok() {
			segs = append(segs, plotter.XYs{{X: float64(iv[0]), Y: y}, {X: float64(iv[1]), Y: y}})
		}
		if iv := r.TestErrorSeedCI; iv.ok() {
			segs = append(segs, plotter.XYs{{X: x, Y: float64(iv[0])}, {X: x, Y: float64(iv[1])}})
		}
		for _, s := range segs {
			if err := bar(s, pale, vg.Points(3)); err != nil {
				return nil, err
			}
		}
		// 95% bootstrap intervals of both coordinates.
		segs = segs[:0]
		if r.DisagreementCI.ok() {
			segs = append(segs, plotter.XYs{{X: float64(r.DisagreementCI[0]), Y: y}, {X: float64(r.DisagreementCI[1]), Y: y}})
		}
		if r.TestErrorCI.ok() {
			segs = append(segs, plotter.XYs{{X: x, Y: float64(r.TestErrorCI[0])}, {X: x, Y: float64(r.TestErrorCI[1])}})
		}
		for _, s := range segs {
			if err := bar(s, col, vg.Points(0.6)); err != nil {
				return nil, err
			}
		}
	}
	for k, f := range fams {
		if err := scatter(p, points[k], familyColor(k), draw.CircleGlyph{}, f); err != nil {
			return nil, err
		}
	}
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = lo, hi, lo, hi
	p.Legend.Top, p.Legend.Left = true, true
	return plotFigure(p, ColumnWidth, ColumnWidth*0.8), nil
}

// probitTicks labels a probit axis with the probabilities they stand for.
type probitTicks struct{}

// Ticks that would sit closer than a seventh of the axis to the previous
// one are left out.
func (probitTicks) Ticks(lo, hi float64) []plot.Tick {
	var ts []plot.Tick
	last := math.Inf(-1)
	for _, p := range []float64{0.01, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999} {
		v := distuv.UnitNormal.Quantile(p)
		if v >= lo && v <= hi && v-last >= (hi-lo)/7 {
			ts = append(ts, plot.Tick{Value: v, Label: fmt.Sprint(p)})
			last = v
		}
	}
	return ts
}

// probit maps a probability to the standard normal quantile; 0 and 1 give
// false.
func probit(p float64) (float64, bool) {
	if !(p > 0 && p < 1) {
		return 0, false
	}
	return distuv.UnitNormal.Quantile(p), true
}

// shiftFigure draws, per evaluation set, the OOD against the ID accuracy
// of each model and agreement of each pair, on probit axes, with the
// least-squares lines of both (Baek et al. 2022). On the line, the
// agreement line (which needs no labels) predicts the accuracy line.
func shiftFigure(names []string, lines map[string]onTheLine) (*figure, error) {
	var ps []*plot.Plot
	for _, name := range names {
		l, ok := lines[name]
		if !ok {
			continue
		}
		p := newPlot("ID (clean test set)", "OOD: "+plotLabel(name))
		p.X.Tick.Marker, p.Y.Tick.Marker = probitTicks{}, probitTicks{}
		pts := func(xs, ys []fnum) plotter.XYs {
			var out plotter.XYs
			for i := range min(len(xs), len(ys)) {
				x, okx := probit(float64(xs[i]))
				y, oky := probit(float64(ys[i]))
				if okx && oky {
					out = append(out, plotter.XY{X: x, Y: y})
				}
			}
			return out
		}
		acc, agr := pts(l.IDAccuracy, l.OODAccuracy), pts(l.IDAgreement, l.OODAgreement)
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, pt := range append(append(plotter.XYs{}, acc...), agr...) {
			lo, hi = math.Min(lo, pt.X), math.Max(hi, pt.X)
		}
		if lo > hi {
			continue
		}
		if err := scatter(p, agr, familyColor(5), draw.TriangleGlyph{}, "agreement"); err != nil {
			return nil, err
		}
		if err := scatter(p, acc, familyColor(1), draw.CircleGlyph{}, "accuracy"); err != nil {
			return nil, err
		}
		for _, fit := range []struct {
			ln  line
			col color.Color
		}{{l.AgreementLine, familyColor(5)}, {l.AccuracyLine, familyColor(1)}} {
			s, b := float64(fit.ln.Slope), float64(fit.ln.Intercept)
			if !finite(s) || !finite(b) {
				continue
			}
			ln, err := plotter.NewLine(plotter.XYs{{X: lo, Y: s*lo + b}, {X: hi, Y: s*hi + b}})
			if err != nil {
				return nil, err
			}
			ln.Color, ln.Width = fit.col, vg.Points(0.8)
			p.Add(ln)
		}
		p.Legend.Top, p.Legend.Left = true, true
		legendRoom(p, 0.3)
		ps = append(ps, p)
	}
	if len(ps) == 0 {
		return nil, nil
	}
	// One evaluation set is a column figure; more share the page's
	// width. A wide figure narrower than the page would be scaled up to
	// the page's width in the report (one set's 1.9 in panel was drawn
	// 6 times its size, text included).
	if len(ps) == 1 {
		return gridFigure(ps, ColumnWidth, ColumnWidth*0.8), nil
	}
	return gridFigure(ps, WideWidth, 2*vg.Inch), nil
}
