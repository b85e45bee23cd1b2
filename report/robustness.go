package report

import (
	"fmt"
	"image"
	"image/color"
	"maps"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/study-harness/study/study/attack"
	"github.com/study-harness/study/study/metrics"
)

// AdvPictures are a few attacked instances for the Robustness section's
// picture grid (Input.AdvPictures): each clean image and the adversarial
// example crafted on one source model per family, with the prediction of
// one target model per family.
type AdvPictures struct {
	Attack                string
	Height, Width, Chans  int
	Instances             []string    // instance ids
	Labels                []int32     // their true classes
	Clean                 [][]float32 // per instance, Height×Width×Chans in the data's layout
	Sources               []string    // the source of each column, a model name
	SourceFamilies        []string    // its family
	Adv                   [][][]float32
	Targets, TargetFamily []string // the targets whose predictions are shown
	// Pred[k][i][j] is target j's prediction on source k's example of
	// instance i.
	Pred [][][]int32
}

func init() {
	maps.Copy(bibEntries, robustnessBib)
	optionalSections["robustness"] = func(b *built) bool { return len(robustnessOf(b.in.Metrics)) > 0 }
}

// robustnessBib are the papers the robustness methods cite.
var robustnessBib = map[string]string{
	"goodfellow2015explaining": `@inproceedings{goodfellow2015explaining,
  title = {Explaining and Harnessing Adversarial Examples},
  author = {Goodfellow, Ian J. and Shlens, Jonathon and Szegedy, Christian},
  booktitle = {International Conference on Learning Representations},
  year = {2015}
}`,
	"madry2018towards": `@inproceedings{madry2018towards,
  title = {Towards Deep Learning Models Resistant to Adversarial Attacks},
  author = {Madry, Aleksander and Makelov, Aleksandar and Schmidt, Ludwig and Tsipras, Dimitris and Vladu, Adrian},
  booktitle = {International Conference on Learning Representations},
  year = {2018}
}`,
	"demontis2019adversarial": `@inproceedings{demontis2019adversarial,
  title = {Why Do Adversarial Attacks Transfer? Explaining Transferability of Evasion and Poisoning Attacks},
  author = {Demontis, Ambra and Melis, Marco and Pintor, Maura and Jagielski, Matthew and Biggio, Battista and Oprea, Alina and Nita-Rotaru, Cristina and Roli, Fabio},
  booktitle = {28th USENIX Security Symposium},
  year = {2019}
}`,
	"waseda2023closer": `@inproceedings{waseda2023closer,
  title = {Closer Look at the Transferability of Adversarial Examples: How They Fool Different Models Differently},
  author = {Waseda, Futa and Nishikawa, Sosuke and Le, Trung-Nghia and Nguyen, Huy H. and Echizen, Isao},
  booktitle = {IEEE/CVF Winter Conference on Applications of Computer Vision},
  year = {2023}
}`,
}

// robustnessOf returns metrics.json's robustness.<attack> of r, by attack
// name, or nil.
func robustnessOf(r *metrics.Result) map[string]*metrics.Robustness {
	if r == nil {
		return nil
	}
	all, _ := r.Extra["robustness"].(map[string]*metrics.Robustness)
	return all
}

// transferFigure names the clustered transfer_cc heatmap of an attack.
func transferFigure(attack string) string { return "transfer_cc_" + attack }

// addRobustness adds the Robustness section's figures and tables: per
// attack the transfer_cc heatmap in the order of the error consistency
// heatmap, the adversarial accuracies, the attribution tables and the
// picture grid.
func (b *built) addRobustness(add func(name, caption string, wide bool, f *figure, err error) error) error {
	all := robustnessOf(b.in.Metrics)
	if len(all) == 0 {
		return nil
	}
	names := slices.Sorted(maps.Keys(all))
	ec := b.heatmaps["error_consistency"]
	for _, a := range names {
		rb := all[a]
		if rb.Transfer == nil || ec == nil {
			continue
		}
		hm := &heatmap{measure: "transfer_cc " + a, models: ec.models, families: ec.families, values: rb.TransferCC, merges: ec.merges, order: ec.order}
		k, width := len(hm.order), ColumnWidth
		if k > 12 {
			width = WideWidth
		}
		f, err := hm.figure(heatmapSize{width: width})
		caption := fmt.Sprintf("Transfer of attack %s (%s): cell (row s, column t) is the fraction of the attacked instances that both models classify correctly when clean whose example crafted on s fools t (transfer_cc). "+
			"Rows are sources, columns targets; the matrix is not symmetric, and the diagonal is white-box. Models are in the order of the error consistency heatmap (its average-linkage tree is drawn above), "+
			"so the two can be read side by side. Grey: no value (a model without input gradient crafts no examples; reasons in metrics.json).", a, attackText(rb.Attack))
		if err := add(transferFigure(a), caption, k > 12, f, err); err != nil {
			return err
		}
	}
	if p := b.in.AdvPictures; p != nil && p.Height > 0 && p.Width > 0 && len(p.Instances) > 0 {
		f := pictureGrid(p)
		caption := fmt.Sprintf("Adversarial examples of attack %s: each row one attacked test instance, the clean image (with its label) and the example crafted on one model of each family (column heading), "+
			"with the class each listed target predicts on it. The source and the target of each family are its first model: %s.", p.Attack, strings.Join(p.Targets, ", "))
		if err := add("adversarial_examples", caption, true, f, nil); err != nil {
			return err
		}
	}
	b.tables = append(b.tables, advAccuracyTable(b.in.Models, names, all))
	for _, a := range names {
		if t := transferAttributionTable(a, all[a]); t != nil {
			b.tables = append(b.tables, t)
		}
		if t := transferQuestionsTable(a, all[a]); t != nil {
			b.tables = append(b.tables, t)
		}
	}
	return nil
}

// transferQuestionsTable answers the questions of metrics'
// TransferQuestion for an attack, or nil without any.
func transferQuestionsTable(a string, rb *metrics.Robustness) *paperTable {
	if rb.Transfer == nil || len(rb.Questions) == 0 {
		return nil
	}
	cols := []string{"error_consistency", "transfer_cc", "same_mistake"}
	t := &paperTable{Name: "transfer_questions_" + a,
		Caption: fmt.Sprintf("Shared vulnerabilities by group of pairs (attack %s): the mean over the pairs of each group of the clean error consistency κ (on the attacked instances), transfer_cc and same_mistake (each pair's two directions averaged), "+
			"and the difference between groups, with 95%% intervals (bootstrap over the attacked instances, the same replicates for both groups). An interval of a difference that excludes 0 answers its question.", a),
		Header: append([]string{"question", "group", "pairs"}, cols...), CSVHeader: []string{"question", "group", "pairs"}}
	for _, c := range cols {
		t.CSVHeader = append(t.CSVHeader, c, c+"_lo", c+"_hi")
	}
	for _, q := range rb.Questions {
		for _, g := range append(slices.Clone(q.Groups), q.Differences...) {
			pairs := fmt.Sprint(g.NPairs)
			if g.NPairs == 0 { // a difference
				pairs = ""
			}
			row := []tcell{{Text: noControl(q.Question)}, {Text: noControl(g.Name)}, {Text: pairs, Num: true}}
			csv := []string{q.Question, g.Name, fmt.Sprint(g.NPairs)}
			for _, c := range cols {
				tm := g.Measures[c]
				iv := intervalOf(tm.CI)
				row = append(row, tcell{Text: withCI(float64(tm.Mean), iv, 3), Num: true})
				csv = append(csv, raw(float64(tm.Mean)), raw(float64(iv[0])), raw(float64(iv[1])))
			}
			t.Rows, t.CSV = append(t.Rows, row), append(t.CSV, csv)
		}
	}
	return t
}

// attackText describes an attack with every parameter it used.
func attackText(a attack.Attack) string {
	norm := "L∞"
	if a.Norm == attack.L2 {
		norm = "L2"
	}
	if a.Method == attack.FGSM {
		return fmt.Sprintf("FGSM, %s, ε = %g", norm, a.Eps)
	}
	steps, alpha := a.Steps, a.Alpha
	if steps == 0 {
		steps = attack.DefaultSteps
	}
	if alpha == 0 {
		alpha = a.Eps / 4
	}
	start := "no random start"
	if a.RandomStart {
		start = "random start"
	}
	return fmt.Sprintf("PGD, %s, ε = %g, %d steps of α = %g, %s", norm, a.Eps, steps, alpha, start)
}

// advAccuracyTable lists each model's white-box accuracy under each attack.
func advAccuracyTable(models, attacks []string, all map[string]*metrics.Robustness) *paperTable {
	t := &paperTable{Name: "adv_accuracy", Caption: "White-box accuracy under each attack: the fraction of the attacked instances whose example crafted on the model itself it still classifies correctly. — : the model has no input gradient (it is only a target).",
		Header: append([]string{"model"}, attacks...), CSVHeader: append([]string{"model"}, attacks...)}
	for m, name := range models {
		row := []tcell{{Text: noControl(name)}}
		csv := []string{name}
		for _, a := range attacks {
			v := math.NaN()
			if acc := all[a].AdvAccuracy; m < len(acc) {
				v = acc[m]
			}
			row = append(row, tcell{Text: num(v, 3), Num: true})
			csv = append(csv, raw(v))
		}
		t.Rows, t.CSV = append(t.Rows, row), append(t.CSV, csv)
	}
	return t
}

// transferAttributionTable is the factor attribution of an attack's
// transfer matrices, or nil without one.
func transferAttributionTable(a string, rb *metrics.Robustness) *paperTable {
	if rb.Transfer == nil || len(rb.Attribution) == 0 {
		return nil
	}
	cols := []string{"transfer_cc", "same_mistake", "gradient_alignment"}
	t := &paperTable{Name: "transfer_attribution_" + a,
		Caption: fmt.Sprintf("What makes models share vulnerabilities (attack %s): for each axis, the pairs of models that differ in that axis only, and the mean over them of transfer_cc, same_mistake and gradient_alignment with 95%% intervals (bootstrap over the attacked instances). "+
			"The transfer matrices are not symmetric: a pair's value is the mean of its two directions, or its one defined direction when a model crafts no examples. Axes with the lowest transfer first.", a),
		Header: append([]string{"axis", "pairs"}, cols...), CSVHeader: []string{"axis", "pairs"}}
	for _, c := range cols {
		t.CSVHeader = append(t.CSVHeader, c, c+"_lo", c+"_hi")
	}
	for _, at := range rb.Attribution {
		row := []tcell{{Text: noControl(at.Axis)}, {Text: fmt.Sprint(at.NPairs), Num: true}}
		csv := []string{at.Axis, fmt.Sprint(at.NPairs)}
		for _, c := range cols {
			ms := at.Measures[c]
			iv := intervalOf(ms.CI)
			row = append(row, tcell{Text: withCI(float64(ms.Mean), iv, 3), Num: true})
			csv = append(csv, raw(float64(ms.Mean)), raw(float64(iv[0])), raw(float64(iv[1])))
		}
		t.Rows, t.CSV = append(t.Rows, row), append(t.CSV, csv)
	}
	return t
}

// intervalOf is a metrics interval for the tables; nil is undefined.
func intervalOf(ci *metrics.Interval) interval {
	if ci == nil {
		return interval{fnum(math.NaN()), fnum(math.NaN())}
	}
	return interval{fnum(ci[0]), fnum(ci[1])}
}

// robustnessData is the Robustness section.
func robustnessData(b *built) (any, error) {
	all := robustnessOf(b.in.Metrics)
	names := slices.Sorted(maps.Keys(all))
	out := []block{para("Do models that agree share their vulnerabilities? Adversarial examples crafted on each model with an input gradient (the source) are evaluated on every model (the targets), fitters included. " +
		"transfer_cc is the fraction of the instances both models classify correctly when clean whose example fools the target; same_mistake the share of the target's transferred failures where it predicts the source's adversarial class. Methods in methods.md.")}
	for _, a := range names {
		rb := all[a]
		out = append(out, heading(fmt.Sprintf("%s: %s", a, attackText(rb.Attack))))
		if rb.Transfer == nil {
			out = append(out, empty("No transfer measures were computed for this attack."))
			continue
		}
		var facts []keyValue
		for _, k := range []string{"transfer_cc", "transfer_raw", "transfer_succ", "same_mistake", "same_mistake_succ", "gradient_alignment"} {
			tm := rb.Means[k]
			v := withCI(float64(tm.Mean), intervalOf(tm.CI), 3)
			facts = append(facts, keyValue{"mean " + k + " (s ≠ t)", fmt.Sprintf("%s over %d ordered pairs", v, tm.NCells)})
		}
		out = append(out, block{Kind: "facts", Facts: facts})
		fb, err := b.figBlock("No error consistency heatmap to order the transfer heatmap by.", "error_consistency", transferFigure(a))
		if err != nil {
			return nil, err
		}
		out = append(out, fb)
		for _, name := range []string{"transfer_questions_" + a, "transfer_attribution_" + a} {
			if t := b.table(name); t != nil {
				out = append(out, block{Kind: "table", Table: t})
			}
		}
	}
	if t := b.table("adv_accuracy"); t != nil {
		out = append(out, heading("Adversarial accuracy"), block{Kind: "table", Table: t})
	}
	if _, ok := b.figs["adversarial_examples"]; ok {
		fb, err := b.figBlock("", "adversarial_examples")
		if err != nil {
			return nil, err
		}
		out = append(out, heading("Examples"), fb)
	}
	return out, nil
}

// robustnessMethods is the methods paragraph of the attacks, or "".
func (b *built) robustnessMethods(cite func(...string) string) string {
	all := robustnessOf(b.in.Metrics)
	if len(all) == 0 {
		return ""
	}
	var w strings.Builder
	var descr []string
	n := 0
	for _, a := range slices.Sorted(maps.Keys(all)) {
		rb := all[a]
		n = rb.NInstances
		descr = append(descr, fmt.Sprintf("%s (%s)", a, attackText(rb.Attack)))
	}
	fmt.Fprintf(&w, "\n\nAdversarial robustness. On a fixed subset of %d test instances, drawn once from the spec seed and the same for every model, we attack every model that has an input gradient (nets and Gaussian naive Bayes; trees and k-NN have none and are targets only) with %s %s. "+
		"Each attack ascends the mean cross-entropy of the model's predicted distribution (a net's softmax or sigmoid of its logits) against the true labels, with sign(0) = 0, every iterate clipped to the ε-ball and to [0, 1] (torchattacks' equations); a random start draws from a seeded stream. ",
		n, joinAnd(descr), cite("goodfellow2015explaining", "madry2018towards"))
	fmt.Fprintf(&w, "Every model, fitters included, then classifies the examples crafted on every source. transfer_raw is the fraction of the %d instances the target misclassifies; transfer_cc (the headline) the same among the instances both models classify correctly when clean (n_cc); "+
		"transfer_succ among those whose example also fools the source; same_mistake the share of the target's transferred failures where it predicts the source's adversarial class, and same_mistake_succ the same share of the source's successful examples %s. ", n, cite("waseda2023closer"))
	fmt.Fprintf(&w, "Gradient alignment is the mean over the attacked instances of the cosine between two models' input-loss gradients at the clean input %s. "+
		"The adversarial systemic failure rate of a source is the share of the instances every model classifies correctly when clean whose example fools every other model, against the product of the pairwise rates on the same instances. "+
		"Means are over the pairs s ≠ t where a measure is defined, with 95%% intervals from a paired bootstrap over the attacked instances (the replicate count of the other intervals); the factor attribution averages each pair's two directions.", cite("demontis2019adversarial"))
	return w.String()
}

// pictureGrid draws AdvPictures: a row per instance, the clean image and
// one adversarial example per source, with the targets' predictions below.
func pictureGrid(p *AdvPictures) *figure {
	cols := 1 + len(p.Sources)
	img := vg.Points(48)
	line := vg.Points(6.5)
	textH := line * vg.Length(1+len(p.Targets))
	cellW := max(img+vg.Points(8), vg.Points(70))
	cellH := img + textH + vg.Points(6)
	head := vg.Points(12)
	w, h := cellW*vg.Length(cols), head+cellH*vg.Length(len(p.Instances))
	small := textStyle(vg.Points(5.5), color.Black)
	bold := textStyle(vg.Points(7), color.Black)
	return &figure{w: w, h: h, draw: func(c draw.Canvas) {
		top := c.Min.Y + h
		c.FillText(bold, vg.Point{X: c.Min.X, Y: top - head + vg.Points(3)}, "clean")
		for k := range p.Sources {
			c.FillText(bold, vg.Point{X: c.Min.X + cellW*vg.Length(k+1), Y: top - head + vg.Points(3)}, plotLabel("on "+p.SourceFamilies[k]))
		}
		for i := range p.Instances {
			y := top - head - cellH*vg.Length(i+1)
			for col := range cols {
				x := c.Min.X + cellW*vg.Length(col)
				pix := p.Clean[i]
				if col > 0 {
					pix = p.Adv[col-1][i]
				}
				c.DrawImage(vg.Rectangle{Min: vg.Point{X: x, Y: y + textH}, Max: vg.Point{X: x + img, Y: y + textH + img}}, grayImage(pix, p.Height, p.Width, p.Chans))
				if col == 0 {
					c.FillText(small, vg.Point{X: x, Y: y + textH - line}, fmt.Sprintf("label %d", p.Labels[i]))
					continue
				}
				for j, t := range p.TargetFamily {
					c.FillText(small, vg.Point{X: x, Y: y + textH - line*vg.Length(j+1)}, fmt.Sprintf("%s: %d", plotLabel(t), p.Pred[col-1][i][j]))
				}
			}
		}
	}}
}

// grayImage renders an image of values in [0, 1] (channels averaged,
// channel-last) as grey levels.
func grayImage(pix []float32, h, w, ch int) image.Image {
	ch = max(ch, 1)
	g := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			var s float32
			for k := range ch {
				s += pix[(y*w+x)*ch+k]
			}
			g.SetGray(x, y, color.Gray{Y: uint8(math.Round(float64(min(1, max(0, s/float32(ch)))) * 255))})
		}
	}
	return g
}
