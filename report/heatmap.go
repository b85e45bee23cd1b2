package report

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"slices"
	"strings"
	"unicode"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// sans is the typeface of every plot; gonum/plot defaults to a serif.
var sans = font.Font{Typeface: "Liberation", Variant: "Sans"}

// nanColor fills heatmap cells whose value is NaN.
var nanColor = color.RGBA{R: 0xd9, G: 0xd9, B: 0xd9, A: 0xff}

// maxLabelRunes is the longest model name drawn on a plot axis; longer
// names are cut and end in "…". The HTML tables show the full names.
const maxLabelRunes = 28

// familyColors are the Okabe–Ito colours that tell model families apart,
// without the yellow (unreadable as text on white); they stay distinct
// for colour-blind readers. Families past the seventh reuse them.
var familyColors = []color.Color{
	color.NRGBA{R: 0x00, G: 0x72, B: 0xb2, A: 0xff}, // blue
	color.NRGBA{R: 0xd5, G: 0x5e, B: 0x00, A: 0xff}, // vermillion
	color.NRGBA{R: 0x00, G: 0x9e, B: 0x73, A: 0xff}, // bluish green
	color.NRGBA{R: 0xcc, G: 0x79, B: 0xa7, A: 0xff}, // reddish purple
	color.NRGBA{R: 0xe6, G: 0x9f, B: 0x00, A: 0xff}, // orange
	color.NRGBA{R: 0x56, G: 0xb4, B: 0xe9, A: 0xff}, // sky blue
	color.NRGBA{R: 0x00, G: 0x00, B: 0x00, A: 0xff}, // black
}

// familyColor returns the colour of family k (its index in sorted order).
func familyColor(k int) color.Color { return familyColors[k%len(familyColors)] }

// viridis returns a viridis-like sequential colour map: dark blue for low
// values through green to yellow for high. Its luminance rises
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

// agreementRange returns the colour range of a heatmap: from the lowest
// to the highest finite value, widened when all values are equal so the
// colour bar has a range.
func agreementRange(a [][]float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, row := range a {
		for _, v := range row {
			if !finite(v) {
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

// heatmapSize sets the geometry of a heatmap figure.
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
	// note ends the caption when the figure is drawn differently from
	// the usual (a density instead of points); empty otherwise.
	note string
}

// rasterHeatmapAbove is the model count above which a heatmap's cells are
// drawn as one image, a pixel per cell, instead of a rectangle per cell.
// Vector cells cost about 90 bytes of SVG each, so the file grows with the
// square of the model count: 3.6 MB at 200 models, 91 MB at 1000, which a
// browser or PDF viewer draws slowly and a paper cannot use. At 200
// models a cell is already under 2.5pt in a page-wide figure and at the
// 4pt minimum on the page, where a rectangle shows nothing a pixel does
// not; below 200 the vector drawing (and its bytes) is kept.
const rasterHeatmapAbove = 200

// heatmapLevels is the number of colour-map steps of a raster heatmap;
// with the NaN grey they fill a 256-colour palette, so the PNG stores a
// byte per cell. 255 steps are finer than the eye tells apart on the
// colour bar.
const heatmapLevels = 255

// cellImage returns the cells as an m×m paletted image, row 0 at the top
// (the first model of the clustering order), column j model order[j]:
// values between lo and hi map to heatmapLevels steps of cmap, NaN to
// nanColor.
func (hm *heatmap) cellImage(cmap palette.ColorMap, lo, hi float64) image.Image {
	m := len(hm.order)
	pal := make(color.Palette, heatmapLevels+1)
	for k := range heatmapLevels {
		// The last step is hi itself: lo + (hi−lo)·1 may round above hi,
		// which the colour map refuses.
		col, err := cmap.At(min(lo+(hi-lo)*float64(k)/(heatmapLevels-1), hi))
		if err != nil {
			col = nanColor
		}
		pal[k] = col
	}
	pal[heatmapLevels] = nanColor
	img := image.NewPaletted(image.Rect(0, 0, m, m), pal)
	for i := range m {
		row := hm.values[hm.order[i]]
		pix := img.Pix[i*img.Stride : i*img.Stride+m]
		for j := range m {
			v := row[hm.order[j]]
			if !finite(v) {
				pix[j] = heatmapLevels
				continue
			}
			t := (math.Max(lo, math.Min(hi, v)) - lo) / (hi - lo)
			pix[j] = uint8(math.Round(t * (heatmapLevels - 1)))
		}
	}
	return img
}

// heatmap is a clustered M×M matrix of one pairwise measure.
type heatmap struct {
	measure  string      // shown above the colour bar, e.g. "agreement"
	models   []string    // names, input order
	families []string    // family of each model; nil or all equal: no colours
	values   [][]float64 // M×M, input order; NaN is drawn grey
	merges   []Merge     // average-linkage tree on 1 − values
	order    []int       // leaf order of merges
}

// newHeatmap clusters values (a similarity with 1 at most, such as
// agreement, κ or CKA) by average linkage on 1 − value.
func newHeatmap(measure string, models, families []string, values [][]float64) (*heatmap, error) {
	n := len(values)
	if n != len(models) {
		return nil, fmt.Errorf("report: %s matrix has %d rows for %d models", measure, n, len(models))
	}
	dist := make([][]float64, n)
	for i, row := range values {
		if len(row) != n {
			return nil, fmt.Errorf("report: %s row %d (%q) has %d values, want %d", measure, i, models[i], len(row), n)
		}
		dist[i] = make([]float64, n)
		for j, v := range row {
			dist[i][j] = 1 - v
		}
	}
	merges, err := AverageLinkage(dist)
	if err != nil {
		return nil, err
	}
	return &heatmap{measure: measure, models: models, families: families, values: values, merges: merges, order: LeafOrder(merges, n)}, nil
}

// familyIndex returns each distinct family in sorted order, or nil when
// there are fewer than two.
func familyIndex(families []string) []string {
	fs := slices.Clone(families)
	slices.Sort(fs)
	fs = slices.Compact(fs)
	if len(fs) < 2 {
		return nil
	}
	return fs
}

// textStyle returns a sans text style of the given size and colour.
func textStyle(size vg.Length, c color.Color) text.Style {
	return text.Style{Font: font.From(sans, size), Color: c, XAlign: draw.XLeft, YAlign: draw.YBottom, Handler: plot.DefaultTextHandler}
}

// figure lays the heatmap out: a dendrogram above the cells, model names
// on the left and below (coloured by family), a colour bar with its
// range on the right, and a family legend at the bottom.
func (hm *heatmap) figure(size heatmapSize) (*figure, error) {
	l, err := hm.layout(size)
	if err != nil {
		return nil, err
	}
	f := &figure{
		w: 2*hmMargin + l.labelW + l.side + l.barBand,
		h: 2*hmMargin + l.below + l.side + max(l.dendroH, l.titleH),
	}
	f.draw = l.draw
	return f, nil
}

// The spacing of a heatmap figure.
const (
	hmGap    = vg.Length(8)  // between cells and colour bar
	hmBarW   = vg.Length(9)  // colour bar width
	hmMargin = vg.Length(2)  // around the figure
	hmLegGap = vg.Length(10) // between family chips
)

// heatmapLayout is a heatmap laid out for drawing: its colours, its
// labels and the sizes of its parts.
type heatmapLayout struct {
	hm     *heatmap
	m      int // models
	cmap   palette.ColorMap
	lo, hi float64 // the colour range
	// names are the models' labels in the clustering order, of labelSize;
	// labelW is their room (a sliver when showNames is false).
	names     []string
	labelSize vg.Length
	labelW    vg.Length
	showNames bool
	small     text.Style // the colour bar's and the legend's text
	barBand   vg.Length  // the colour bar with its labels
	cell      vg.Length  // side of a cell
	side      vg.Length  // side of the cells' square
	dendroH   vg.Length
	titleH    vg.Length
	below     vg.Length // below the cells: names, legend
	// The family legend: fams sorted (nil without families), famNames
	// their labels, placed by chips in rows of rowH.
	fams     []string
	famNames []string
	chips    []chipPlace
	rows     int
	rowH     vg.Length
}

// layout sizes the heatmap's parts for size.
func (hm *heatmap) layout(size heatmapSize) (*heatmapLayout, error) {
	m := len(hm.order)
	if m == 0 {
		return nil, fmt.Errorf("report: %s figure needs at least one model", hm.measure)
	}
	cmap, err := viridis()
	if err != nil {
		return nil, fmt.Errorf("report: colour map: %w", err)
	}
	l := &heatmapLayout{hm: hm, m: m, cmap: cmap, labelSize: heatmapLabelSize(m), fams: familyIndex(hm.families)}
	l.lo, l.hi = agreementRange(hm.values)
	cmap.SetMin(l.lo)
	cmap.SetMax(l.hi)
	l.names = make([]string, m)
	label := textStyle(l.labelSize, color.Black)
	for i, k := range hm.order {
		l.names[i] = plotLabel(hm.models[k])
		l.labelW = max(l.labelW, label.Width(l.names[i]))
	}
	l.labelW += vg.Points(3)
	l.small = textStyle(vg.Points(7), color.Black)
	l.barBand = hmGap + hmBarW + vg.Points(3) + l.small.Width("−0.000")

	l.cell = size.cell
	l.showNames = true
	if l.cell == 0 {
		l.cell = (size.width - 2*hmMargin - l.labelW - l.barBand) / vg.Length(m)
		if l.cell < l.labelSize*0.9 {
			// Names would overlap: leave them out (the HTML table has
			// them) and give their room to the cells.
			l.showNames, l.labelW = false, vg.Points(2)
			l.cell = (size.width - 2*hmMargin - l.labelW - l.barBand) / vg.Length(m)
		}
		if l.cell < minCell {
			return nil, fmt.Errorf("report: %d models do not fit in a %.0fpt wide figure", m, size.width.Points())
		}
	}
	l.side = vg.Length(m) * l.cell
	l.dendroH = max(vg.Points(18), min(vg.Points(48), l.side*0.15))
	l.titleH = l.small.Height("Xg") + vg.Points(8)
	// Family legend: in rows as wide as the figure.
	l.famNames = make([]string, len(l.fams))
	for k, fam := range l.fams {
		l.famNames[k] = plotLabel(fam)
	}
	l.rowH = l.small.Height("Xg") + vg.Points(4)
	l.chips, l.rows = chipRows(l.famNames, l.small, l.labelW+l.side+l.barBand, hmLegGap)
	legendH := vg.Length(0)
	if l.fams != nil {
		legendH = vg.Length(l.rows) * l.rowH
	}
	// Below the cells: the names and the family legend, and room for
	// the colour bar's lowest label, centred on the cells' bottom edge
	// (a line height, of which the label takes a little over half).
	l.below = max(legendH+l.labelW, l.small.Height("0"))
	return l, nil
}

// heatmapLabelSize is the size of the model names of an m-model heatmap.
func heatmapLabelSize(m int) vg.Length {
	switch {
	case m > 100:
		return vg.Points(3)
	case m > 60:
		return vg.Points(4)
	case m > 30:
		return vg.Points(5)
	case m > 15:
		return vg.Points(6.5)
	}
	return vg.Points(9)
}

// famColor is the colour of model i's family; black without families.
func (l *heatmapLayout) famColor(i int) color.Color {
	if l.fams == nil {
		return color.Black
	}
	k, _ := slices.BinarySearch(l.fams, l.hm.families[i])
	return familyColor(k)
}

// draw draws the laid-out heatmap on c.
func (l *heatmapLayout) draw(c draw.Canvas) {
	x0 := c.Min.X + hmMargin + l.labelW // left edge of the cells
	y0 := c.Min.Y + hmMargin + l.below  // bottom edge of the cells
	l.drawCells(c, x0, y0)
	l.drawNames(c, x0, y0)
	l.hm.drawDendrogram(c, x0, y0+l.side+vg.Points(2), l.cell, l.dendroH-vg.Points(4))
	l.drawColourBar(c, x0, y0)
	l.drawLegend(c)
}

// drawCells draws the cells, whose bottom left corner is (x0, y0), and
// their values while they are readable. Column j is model order[j]; row
// i from the top.
func (l *heatmapLayout) drawCells(c draw.Canvas, x0, y0 vg.Length) {
	hm, m, cell, side, lo, hi := l.hm, l.m, l.cell, l.side, l.lo, l.hi
	if m > rasterHeatmapAbove {
		c.DrawImage(vg.Rectangle{Min: vg.Point{X: x0, Y: y0}, Max: vg.Point{X: x0 + side, Y: y0 + side}}, hm.cellImage(l.cmap, lo, hi))
	} else {
		for i := range m {
			for j := range m {
				v := hm.values[hm.order[i]][hm.order[j]]
				col := color.Color(nanColor)
				if finite(v) {
					col, _ = l.cmap.At(math.Max(lo, math.Min(hi, v)))
				}
				r := vg.Rectangle{
					Min: vg.Point{X: x0 + vg.Length(j)*cell, Y: y0 + side - vg.Length(i+1)*cell},
					Max: vg.Point{X: x0 + vg.Length(j+1)*cell, Y: y0 + side - vg.Length(i)*cell},
				}
				c.SetColor(col)
				c.Fill(r.Path())
			}
		}
	}
	if m > 12 || cell < 18 {
		return
	}
	for i := range m {
		for j := range m {
			v := hm.values[hm.order[i]][hm.order[j]]
			s, col := "n/a", color.Color(color.Black)
			if finite(v) {
				s = fmt.Sprintf("%.2f", v)
				if cc, err := l.cmap.At(math.Max(lo, math.Min(hi, v))); err == nil && luminance(cc) < 0.45 {
					col = color.White
				}
			}
			st := textStyle(min(vg.Points(8), cell/3), col)
			st.XAlign, st.YAlign = draw.XCenter, draw.YCenter
			c.FillText(st, vg.Point{X: x0 + (vg.Length(j)+0.5)*cell, Y: y0 + side - (vg.Length(i)+0.5)*cell}, s)
		}
	}
}

// drawNames draws the names, rows on the left and columns below, in
// family colours, unless they are left out.
func (l *heatmapLayout) drawNames(c draw.Canvas, x0, y0 vg.Length) {
	if !l.showNames {
		return
	}
	for i, k := range l.hm.order {
		st := textStyle(l.labelSize, l.famColor(k))
		st.XAlign, st.YAlign = draw.XRight, draw.YCenter
		c.FillText(st, vg.Point{X: x0 - vg.Points(2), Y: y0 + l.side - (vg.Length(i)+0.5)*l.cell}, l.names[i])
		st.Rotation = math.Pi / 2
		c.FillText(st, vg.Point{X: x0 + (vg.Length(i)+0.5)*l.cell, Y: y0 - vg.Points(2)}, l.names[i])
	}
}

// drawColourBar draws the colour bar right of the cells, with its range
// and the measure's name.
func (l *heatmapLayout) drawColourBar(c draw.Canvas, x0, y0 vg.Length) {
	side, lo, hi := l.side, l.lo, l.hi
	bx := x0 + side + hmGap
	const steps = 64
	for s := range steps {
		v := lo + (hi-lo)*(float64(s)+0.5)/steps
		col, _ := l.cmap.At(v)
		c.SetColor(col)
		r := vg.Rectangle{
			Min: vg.Point{X: bx, Y: y0 + side*vg.Length(s)/steps},
			Max: vg.Point{X: bx + hmBarW, Y: y0 + side*vg.Length(s+1)/steps + 0.2},
		}
		c.Fill(r.Path())
	}
	ticks := []float64{lo, (lo + hi) / 2, hi}
	for k, v := range ticks {
		y := y0 + side*vg.Length(k)/2
		c.StrokeLine2(draw.LineStyle{Color: color.Black, Width: vg.Points(0.5)}, bx+hmBarW, y, bx+hmBarW+vg.Points(2), y)
		st := l.small
		st.YAlign = draw.YCenter
		c.FillText(st, vg.Point{X: bx + hmBarW + vg.Points(3), Y: y}, tickText(v))
	}
	st := l.small
	st.XAlign = draw.XRight
	c.FillText(st, vg.Point{X: c.Max.X - hmMargin, Y: y0 + side + vg.Points(7)}, plotLabel(l.hm.measure))
}

// drawLegend draws the family legend at the bottom.
func (l *heatmapLayout) drawLegend(c draw.Canvas) {
	for k, name := range l.famNames {
		x := c.Min.X + hmMargin + l.chips[k].x
		y := c.Min.Y + hmMargin + 1 + vg.Length(l.rows-1-l.chips[k].row)*l.rowH
		chip := vg.Rectangle{Min: vg.Point{X: x, Y: y}, Max: vg.Point{X: x + vg.Points(7), Y: y + vg.Points(7)}}
		c.SetColor(familyColor(k))
		c.Fill(chip.Path())
		st := l.small
		st.Color = familyColor(k)
		c.FillText(st, vg.Point{X: x + chipW, Y: y}, name)
	}
}

// drawDendrogram draws the clustering tree above the cells: leaves at the
// cell centres, merge heights scaled to h; merges with no finite distance
// are drawn at the top.
func (hm *heatmap) drawDendrogram(c draw.Canvas, x0, y0, cell, h vg.Length) {
	n := len(hm.order)
	if len(hm.merges) != n-1 || n < 2 {
		return
	}
	pos := make([]vg.Length, 2*n-1)
	height := make([]float64, 2*n-1)
	for i, k := range hm.order {
		pos[k] = x0 + (vg.Length(i)+0.5)*cell
	}
	top := 0.0
	for _, m := range hm.merges {
		if finite(m.Height) {
			top = math.Max(top, m.Height)
		}
	}
	if top <= 0 {
		top = 1
	}
	for k, m := range hm.merges {
		ht := m.Height
		if !finite(ht) {
			ht = top
		}
		ht = math.Max(ht, math.Max(height[m.A], height[m.B]))
		id := n + k
		height[id] = ht
		pos[id] = (pos[m.A] + pos[m.B]) / 2
		y := func(v float64) vg.Length { return y0 + h*vg.Length(v/top) }
		c.StrokeLines(draw.LineStyle{Color: color.Gray{Y: 0x40}, Width: vg.Points(0.5)}, []vg.Point{
			{X: pos[m.A], Y: y(height[m.A])}, {X: pos[m.A], Y: y(ht)}, {X: pos[m.B], Y: y(ht)}, {X: pos[m.B], Y: y(height[m.B])},
		})
	}
}

// tickText formats a colour-bar value with three decimals.
func tickText(v float64) string {
	s := fmt.Sprintf("%.3f", v)
	if s == "-0.000" {
		s = "0.000"
	}
	return strings.Replace(s, "-", "−", 1)
}

// luminance returns the relative luminance of c in [0, 1].
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	return (0.2126*float64(r) + 0.7152*float64(g) + 0.0722*float64(b)) / 0xffff
}
