package report

import (
	"fmt"
	"image/color"
	"math"
	"strings"
	"unicode"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// sans is the typeface of every plot; gonum/plot defaults to a serif.
var sans = font.Font{Typeface: "Liberation", Variant: "Sans"}

// nanColor fills heatmap cells whose agreement is NaN.
var nanColor = color.RGBA{R: 0xd9, G: 0xd9, B: 0xd9, A: 0xff}

// maxLabelRunes is the longest model name drawn on a plot axis; longer
// names are cut and end in "…". The HTML tables show the full names.
const maxLabelRunes = 28

// viridis returns a viridis-like sequential colour map: dark blue for low
// agreement through green to yellow for high. Its luminance rises
// monotonically, so it prints in grey scale and reads for colour-blind
// readers. The control points are viridis at ten even steps.
func viridis() (palette.ColorMap, error) {
	hex := []uint32{0x440154, 0x482878, 0x3e4a89, 0x31688e, 0x26828e, 0x1f9e89, 0x35b779, 0x6dcd59, 0xb4de2c, 0xfde725}
	cs := make([]color.Color, len(hex))
	for i, h := range hex {
		cs[i] = color.NRGBA{R: uint8(h >> 16), G: uint8(h >> 8), B: uint8(h), A: 0xff}
	}
	return moreland.NewLuminance(cs)
}

// plotLabel makes a user string safe and short for a plot: control
// characters (which the text handler would treat as line breaks) become
// spaces, and long names are cut to maxLabelRunes. Escaping for SVG is
// done by the SVG backend.
func plotLabel(s string) string {
	s = noControl(s)
	if r := []rune(s); len(r) > maxLabelRunes {
		s = string(r[:maxLabelRunes-1]) + "…"
	}
	return s
}

// noControl replaces control characters in s (line breaks, terminal
// escapes) by spaces.
func noControl(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}

// agreementGrid is the heatmap grid for the models in order: column c and
// row r are models order[c] and order[M-1-r], so the first model is at the
// top left, like a printed matrix.
type agreementGrid struct {
	a     [][]float64
	order []int
}

func (g agreementGrid) Dims() (c, r int) { return len(g.order), len(g.order) }
func (g agreementGrid) Z(c, r int) float64 {
	m := len(g.order)
	return g.a[g.order[m-1-r]][g.order[c]]
}
func (g agreementGrid) X(c int) float64 { return float64(c) }
func (g agreementGrid) Y(r int) float64 { return float64(r) }

// agreementRange returns the colour range of the heatmap: from the lowest
// to the highest finite agreement, widened when all values are equal so
// the colour bar has a range.
func agreementRange(a [][]float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, row := range a {
		for _, v := range row {
			if math.IsNaN(v) {
				continue
			}
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	switch {
	case lo > hi: // no finite values
		return 0, 1
	case hi-lo < 1e-6:
		return lo - 0.05, hi + 0.05
	}
	return lo, hi
}

// heatmapSize sets the geometry of an agreement figure.
type heatmapSize struct {
	cell  vg.Length // side of one cell; 0 to derive it from width
	width vg.Length // total width when cell is 0
}

// minCell is the smallest heatmap cell side drawn.
const minCell = vg.Length(0.25)

// figure is a drawing with its natural size.
type figure struct {
	w, h vg.Length
	draw func(c draw.Canvas)
}

// agreementFigure draws the clustered agreement heatmap with model names
// on both axes and a colour bar on the right.
func agreementFigure(models []string, a [][]float64, order []int, size heatmapSize) (*figure, error) {
	m := len(order)
	if m == 0 {
		return nil, fmt.Errorf("report: agreement figure needs at least one model")
	}
	cmap, err := viridis()
	if err != nil {
		return nil, fmt.Errorf("report: agreement colour map: %w", err)
	}
	lo, hi := agreementRange(a)
	cmap.SetMin(lo)
	cmap.SetMax(hi)

	labelSize := vg.Points(10)
	switch {
	case m > 100:
		labelSize = vg.Points(3)
	case m > 60:
		labelSize = vg.Points(4)
	case m > 30:
		labelSize = vg.Points(6)
	case m > 15:
		labelSize = vg.Points(8)
	}
	labelFont := font.From(sans, labelSize)

	xnames := make([]string, m)
	ynames := make([]string, m)
	for i, k := range order {
		xnames[i] = plotLabel(models[k])
		ynames[m-1-i] = xnames[i]
	}

	p := plot.New()
	hm := plotter.NewHeatMap(agreementGrid{a: a, order: order}, cmap.Palette(256))
	hm.Min, hm.Max = lo, hi
	hm.NaN = nanColor
	pal := hm.Palette.Colors()
	hm.Underflow, hm.Overflow = pal[0], pal[len(pal)-1]
	p.Add(hm)
	p.NominalX(xnames...)
	p.NominalY(ynames...)
	p.X.Tick.Label.Font = labelFont
	p.Y.Tick.Label.Font = labelFont
	p.X.Tick.Label.Rotation = math.Pi / 2
	p.X.Tick.Label.XAlign = draw.XRight
	p.X.Tick.Label.YAlign = draw.YCenter
	p.X.Padding, p.Y.Padding = 0, 0
	p.BackgroundColor = nil

	// Geometry: the label band is as wide as the longest name.
	var labelW vg.Length
	for _, s := range xnames {
		labelW = max(labelW, p.Y.Tick.Label.Width(s))
	}
	labelW += p.Y.Tick.Label.Width(" ") + vg.Points(2)
	const (
		gap    = vg.Length(10) // between heatmap and colour bar
		barW   = vg.Length(12) // colour bar width
		top    = vg.Length(8)  // room for the top colour-bar label
		margin = vg.Length(2)  // left of the longest name
	)
	cb := plot.New()
	cb.Add(&plotter.ColorBar{ColorMap: cmap, Vertical: true, Colors: 256})
	cb.HideX()
	cb.X.Padding, cb.Y.Padding = 0, 0
	cb.Y.Tick.Label.Font = font.From(sans, vg.Points(8))
	cb.Y.Tick.Length = vg.Points(3)
	cb.BackgroundColor = nil
	barBand := gap + barW + cb.Y.Tick.Label.Width("0.000 ") + cb.Y.Tick.Length

	cell := size.cell
	if cell == 0 {
		cell = (size.width - margin - labelW - barBand) / vg.Length(m)
		if cell < labelSize*0.8 {
			// Names would overlap: leave them out (the HTML table has
			// them) and give their room to the cells.
			p.X.Tick.Marker = plot.ConstantTicks(nil)
			p.Y.Tick.Marker = plot.ConstantTicks(nil)
			labelW = vg.Points(2)
			cell = (size.width - margin - labelW - barBand) / vg.Length(m)
		}
		if cell < minCell {
			return nil, fmt.Errorf("report: %d models do not fit in a %.0fpt wide figure", m, size.width.Points())
		}
	}
	f := &figure{
		w: labelW + vg.Length(m)*cell + barBand,
		h: top + vg.Length(m)*cell + labelW,
	}

	// Cell values are written into the cells while they are readable.
	if m <= 12 && cell >= 18 {
		lbl, err := cellLabels(a, order, cmap, lo, hi)
		if err != nil {
			return nil, err
		}
		p.Add(lbl)
	}

	f.w += margin
	f.draw = func(c draw.Canvas) {
		c = draw.Crop(c, margin, 0, 0, -top)
		left := draw.Crop(c, 0, -barBand, 0, 0)
		p.Draw(left)
		data := p.DataCanvas(left)
		bar := c
		bar.Min.X = c.Max.X - barW - cb.Y.Tick.Label.Width("0.000 ") - cb.Y.Tick.Length
		bar.Min.Y, bar.Max.Y = data.Min.Y, data.Max.Y
		cb.Draw(bar)
	}
	return f, nil
}

// cellLabels writes each agreement value (or "n/a") in its cell, in white
// on dark cells and black on light ones.
func cellLabels(a [][]float64, order []int, cmap palette.ColorMap, lo, hi float64) (*plotter.Labels, error) {
	m := len(order)
	xyl := plotter.XYLabels{XYs: make(plotter.XYs, 0, m*m), Labels: make([]string, 0, m*m)}
	dark := make([]bool, 0, m*m)
	for c := range m {
		for r := range m {
			v := a[order[m-1-r]][order[c]]
			xyl.XYs = append(xyl.XYs, plotter.XY{X: float64(c), Y: float64(r)})
			if math.IsNaN(v) {
				xyl.Labels = append(xyl.Labels, "n/a")
				dark = append(dark, false)
				continue
			}
			xyl.Labels = append(xyl.Labels, fmt.Sprintf("%.2f", v))
			col, err := cmap.At(math.Max(lo, math.Min(hi, v)))
			dark = append(dark, err == nil && luminance(col) < 0.45)
		}
	}
	l, err := plotter.NewLabels(xyl)
	if err != nil {
		return nil, fmt.Errorf("report: agreement cell labels: %w", err)
	}
	for i := range l.TextStyle {
		l.TextStyle[i] = text.Style{
			Font:    font.From(sans, vg.Points(8)),
			XAlign:  draw.XCenter,
			YAlign:  draw.YCenter,
			Color:   color.Black,
			Handler: plot.DefaultTextHandler,
		}
		if dark[i] {
			l.TextStyle[i].Color = color.White
		}
	}
	return l, nil
}

// luminance returns the relative luminance of c in [0, 1].
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	return (0.2126*float64(r) + 0.7152*float64(g) + 0.0722*float64(b)) / 0xffff
}
