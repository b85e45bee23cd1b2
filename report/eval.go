package report

import (
	"cmp"
	"fmt"
	"image/color"
	"math"
	"slices"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/study-harness/study/study/predmat"
)

// The evaluation views are presentation-level summaries of the prediction
// matrix, computed here: confusion matrices, ROC curves with their AUC and
// reliability diagrams with the expected calibration error.

// familyGroups returns the distinct families in sorted order and, for
// each, the indices of its models.
func familyGroups(fams []string) (names []string, members [][]int) {
	names = slices.Clone(fams)
	slices.Sort(names)
	names = slices.Compact(names)
	members = make([][]int, len(names))
	for m, f := range fams {
		k, _ := slices.BinarySearch(names, f)
		members[k] = append(members[k], m)
	}
	return names, members
}

// Confusion returns the C×C confusion counts of the given models of x
// summed: Confusion[t][p] counts instances of true class t predicted as p.
func Confusion(x *predmat.Matrix, models []int) [][]int {
	c := x.Classes
	out := make([][]int, c)
	for t := range out {
		out[t] = make([]int, c)
	}
	for _, m := range models {
		for i, p := range x.Row(m) {
			t := x.Labels[i]
			if t >= 0 && int(t) < c && p >= 0 && int(p) < c {
				out[t][p]++
			}
		}
	}
	return out
}

// ROCPoint is one point of a ROC curve.
type ROCPoint struct{ FPR, TPR float64 }

// ROC returns the ROC curve of scores for the positive class (labels
// equal to 1) and its area under the curve, by the trapezoidal rule over
// distinct score thresholds (tied scores form one step, so the AUC equals
// the Mann–Whitney probability that a random positive outranks a random
// negative, ties counted half). With no positives or no negatives the AUC
// is NaN.
func ROC(scores []float32, labels []int32) (curve []ROCPoint, auc float64) {
	idx := make([]int, len(scores))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(scores[b], scores[a]) })
	var pos, neg float64
	for _, l := range labels {
		if l == 1 {
			pos++
		} else {
			neg++
		}
	}
	if pos == 0 || neg == 0 {
		return nil, math.NaN()
	}
	curve = []ROCPoint{{0, 0}}
	var tp, fp float64
	for k := 0; k < len(idx); {
		s := scores[idx[k]]
		for k < len(idx) && scores[idx[k]] == s {
			if labels[idx[k]] == 1 {
				tp++
			} else {
				fp++
			}
			k++
		}
		prev := curve[len(curve)-1]
		pt := ROCPoint{fp / neg, tp / pos}
		auc += (pt.FPR - prev.FPR) * (pt.TPR + prev.TPR) / 2
		curve = append(curve, pt)
	}
	return curve, auc
}

// ReliabilityBins is the number of equal-width confidence bins of the
// reliability diagram and the ECE.
const ReliabilityBins = 15

// Reliability bins the top-label confidence max_c p_c of the given models'
// predictions into ReliabilityBins equal-width bins of [0, 1] (bin b holds
// (b/15, (b+1)/15], the first also 0) and returns per bin the count, the
// mean confidence and the accuracy of the top label, and the expected
// calibration error ECE = Σ_b (n_b/N) |acc_b − conf_b|. The top label is
// the most probable class, the lowest on ties. ECE is NaN without
// probabilities.
func Reliability(x *predmat.Matrix, models []int) (count []int, conf, acc []float64, ece float64) {
	count = make([]int, ReliabilityBins)
	conf = make([]float64, ReliabilityBins)
	acc = make([]float64, ReliabilityBins)
	if x.Prob == nil || x.Classes < 1 {
		return count, conf, acc, math.NaN()
	}
	c, total := x.Classes, 0
	for _, m := range models {
		pr := x.ProbRow(m)
		for i, t := range x.Labels {
			p := pr[i*c : (i+1)*c]
			top := 0
			for k := range p {
				if p[k] > p[top] {
					top = k
				}
			}
			v := float64(p[top])
			if !finite(v) {
				continue
			}
			b := int(math.Ceil(v*ReliabilityBins)) - 1
			b = max(0, min(ReliabilityBins-1, b))
			count[b]++
			conf[b] += v
			if int32(top) == t {
				acc[b]++
			}
			total++
		}
	}
	if total == 0 {
		return count, conf, acc, math.NaN()
	}
	for b := range count {
		if count[b] == 0 {
			conf[b], acc[b] = math.NaN(), math.NaN()
			continue
		}
		conf[b] /= float64(count[b])
		acc[b] /= float64(count[b])
		ece += float64(count[b]) / float64(total) * math.Abs(acc[b]-conf[b])
	}
	return count, conf, acc, ece
}

// confusionFigure draws one row-normalised confusion matrix per family:
// colour is the fraction of the true class predicted as each class, the
// number in a cell is the count summed over the family's models.
func confusionFigure(x *predmat.Matrix, fams []string, width vg.Length) (*figure, error) {
	names, members := familyGroups(fams)
	c := x.Classes
	if len(names) == 0 || c < 2 || c > 50 {
		return nil, nil
	}
	cmap, err := viridis()
	if err != nil {
		return nil, err
	}
	cmap.SetMin(0)
	cmap.SetMax(1)
	const (
		gap    = vg.Length(14)
		labels = vg.Length(16) // class labels and axis titles
		title  = vg.Length(12)
	)
	// Families go side by side, wrapping onto further rows when cells
	// would get smaller than minCell or a panel (class labels and cells)
	// narrower than its title or "predicted class".
	const minCell = vg.Length(6)
	cellFor := func(perRow int) vg.Length {
		k := vg.Length(perRow)
		return min(vg.Points(36), (width-k*(labels+gap))/(k*vg.Length(c)))
	}
	titleSt := textStyle(vg.Points(7), color.Black)
	need := titleSt.Width("predicted class")
	for f, name := range names {
		need = max(need, titleSt.Width(fmt.Sprintf("%s (%d models)", plotLabel(name), len(members[f]))))
	}
	perRow := len(names)
	for perRow > 1 && (cellFor(perRow) < minCell || labels+vg.Length(c)*cellFor(perRow) < need) {
		perRow--
	}
	cell := cellFor(perRow)
	if cell < vg.Points(3) {
		return nil, fmt.Errorf("report: %d classes do not fit in a %.0fpt wide figure", c, width.Points())
	}
	rows := (len(names) + perRow - 1) / perRow
	side := cell * vg.Length(c)
	rowH := title + side + labels + vg.Points(12)
	counts := make([][][]int, len(names))
	for f := range names {
		counts[f] = Confusion(x, members[f])
	}
	f := &figure{w: vg.Length(perRow)*(labels+side+gap) - gap + vg.Points(4), h: vg.Length(rows) * rowH}
	f.draw = func(cv draw.Canvas) {
		for fi, name := range names {
			col, row := fi%perRow, fi/perRow
			x0 := cv.Min.X + labels + vg.Length(col)*(labels+side+gap)
			y0 := cv.Min.Y + labels + vg.Points(10) + vg.Length(rows-1-row)*rowH
			for t := range c {
				row := 0
				for _, v := range counts[fi][t] {
					row += v
				}
				for p := range c {
					v := counts[fi][t][p]
					frac := 0.0
					if row > 0 {
						frac = float64(v) / float64(row)
					}
					col, _ := cmap.At(frac)
					r := vg.Rectangle{
						Min: vg.Point{X: x0 + vg.Length(p)*cell, Y: y0 + side - vg.Length(t+1)*cell},
						Max: vg.Point{X: x0 + vg.Length(p+1)*cell, Y: y0 + side - vg.Length(t)*cell},
					}
					cv.SetColor(col)
					cv.Fill(r.Path())
					if cell >= vg.Points(12) && v > 0 {
						st := textStyle(min(vg.Points(5.5), cell/3.2), color.Black)
						if luminance(col) < 0.45 {
							st.Color = color.White
						}
						st.XAlign, st.YAlign = draw.XCenter, draw.YCenter
						cv.FillText(st, vg.Point{X: (r.Min.X + r.Max.X) / 2, Y: (r.Min.Y + r.Max.Y) / 2}, compactCount(v))
					}
				}
				st := textStyle(vg.Points(6), color.Black)
				st.XAlign, st.YAlign = draw.XRight, draw.YCenter
				cv.FillText(st, vg.Point{X: x0 - vg.Points(2), Y: y0 + side - (vg.Length(t)+0.5)*cell}, fmt.Sprint(t))
				st.XAlign, st.YAlign = draw.XCenter, draw.YTop
				cv.FillText(st, vg.Point{X: x0 + (vg.Length(t)+0.5)*cell, Y: y0 - vg.Points(2)}, fmt.Sprint(t))
			}
			st := textStyle(vg.Points(7), color.Black)
			st.XAlign = draw.XCenter
			st.YAlign = draw.YTop
			cv.FillText(st, vg.Point{X: x0 + side/2, Y: y0 - vg.Points(10)}, "predicted class")
			st.YAlign = draw.YBottom
			// The title is centred on the cells while it stays within
			// its panel, the class labels and the cells.
			tst, title := fitText(st, fmt.Sprintf("%s (%d models)", plotLabel(name), len(members[fi])), labels+side, vg.Points(5))
			tw := tst.Width(title)
			tx := min(max(x0+side/2, x0-labels+tw/2), x0+side-tw/2)
			cv.FillText(tst, vg.Point{X: tx, Y: y0 + side + vg.Points(3)}, title)
			st.Rotation = math.Pi / 2
			st.YAlign = draw.YBottom
			cv.FillText(st, vg.Point{X: x0 - vg.Points(8), Y: y0 + side/2}, "true class")
		}
	}
	return f, nil
}

// compactCount writes counts of 10 000 and more in thousands ("12k").
func compactCount(v int) string {
	if v >= 10000 {
		return fmt.Sprintf("%dk", (v+500)/1000)
	}
	return fmt.Sprint(v)
}

// rocFigure draws one ROC curve per model of a binary task, coloured by
// family, from the probability of class 1; aucs holds each model's AUC.
func rocFigure(x *predmat.Matrix, fams []string) (fig *figure, aucs []float64, err error) {
	if x.Classes != 2 || x.Prob == nil {
		return nil, nil, nil
	}
	names, members := familyGroups(fams)
	p := newPlot("false positive rate", "true positive rate")
	diag, err := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 1}})
	if err != nil {
		return nil, nil, err
	}
	diag.Color, diag.Dashes, diag.Width = color.Gray{Y: 0x90}, []vg.Length{vg.Points(3), vg.Points(2)}, vg.Points(0.6)
	p.Add(diag)
	aucs = make([]float64, x.M())
	n := x.N()
	scores := make([]float32, n)
	for fi, name := range names {
		var sum float64
		var k int
		var first *plotter.Line
		for _, m := range members[fi] {
			pr := x.ProbRow(m)
			for i := range n {
				scores[i] = pr[i*2+1]
			}
			curve, auc := ROC(scores, x.Labels)
			aucs[m] = auc
			if finite(auc) {
				sum += auc
				k++
			}
			xys := make(plotter.XYs, len(curve))
			for i, pt := range curve {
				xys[i] = plotter.XY{X: pt.FPR, Y: pt.TPR}
			}
			if len(xys) < 2 {
				continue
			}
			l, err := plotter.NewLine(xys)
			if err != nil {
				return nil, nil, err
			}
			l.Color, l.Width = familyColor(fi), vg.Points(0.7)
			p.Add(l)
			if first == nil {
				first = l
			}
		}
		if first != nil && k > 0 {
			p.Legend.Add(fmt.Sprintf("%s (mean AUC %.4f)", plotLabel(name), sum/float64(k)), first)
		}
	}
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 1, 0, 1
	p.Legend.Top = false
	return plotFigure(p, ColumnWidth, ColumnWidth*0.85), aucs, nil
}

// reliabilityFigure draws the reliability diagram of each family (its
// models pooled): accuracy against mean confidence per bin, with the
// diagonal of perfect calibration; eces holds each family's ECE.
func reliabilityFigure(x *predmat.Matrix, fams []string) (fig *figure, names []string, eces []float64, err error) {
	if x.Prob == nil {
		return nil, nil, nil, nil
	}
	names, members := familyGroups(fams)
	p := newPlot("confidence (top-label probability)", "accuracy")
	diag, err := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 1}})
	if err != nil {
		return nil, nil, nil, err
	}
	diag.Color, diag.Dashes, diag.Width = color.Gray{Y: 0x90}, []vg.Length{vg.Points(3), vg.Points(2)}, vg.Points(0.6)
	p.Add(diag)
	for fi, name := range names {
		_, conf, acc, ece := Reliability(x, members[fi])
		eces = append(eces, ece)
		var xys plotter.XYs
		for b := range conf {
			if finite(conf[b]) && finite(acc[b]) {
				xys = append(xys, plotter.XY{X: conf[b], Y: acc[b]})
			}
		}
		if len(xys) == 0 {
			continue
		}
		l, s, err := plotter.NewLinePoints(xys)
		if err != nil {
			return nil, nil, nil, err
		}
		l.Color, l.Width = familyColor(fi), vg.Points(0.8)
		s.GlyphStyle = draw.GlyphStyle{Color: familyColor(fi), Radius: vg.Points(1.6), Shape: draw.CircleGlyph{}}
		p.Add(l, s)
		p.Legend.Add(fmt.Sprintf("%s (ECE %.4f)", plotLabel(name), ece), l, s)
	}
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 1, 0, 1
	p.Legend.Top, p.Legend.Left = true, true
	return plotFigure(p, ColumnWidth, ColumnWidth*0.85), names, eces, nil
}
