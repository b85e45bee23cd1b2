package report

import (
	"cmp"
	"fmt"
	"image"
	"image/color"
	"math"
	"slices"

	"go.yaml.in/yaml/v3"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/study-harness/study/study/metrics"
	"github.com/study-harness/study/study/predmat"
)

// explanationView is what the report reads of metrics.json's
// explanations.<method>.
type explanationView struct {
	Target           string                `json:"target"`
	K                int                   `json:"k"`
	Features         int                   `json:"features"`
	NInstances       int                   `json:"n_instances"`
	NConsensus       int                   `json:"n_consensus"`
	NModels          int                   `json:"n_models"`
	FeatureAgreement [][]fnum              `json:"feature_agreement"`
	MeanOverPairs    map[string]fnum       `json:"mean_over_pairs"`
	MeanOverPairsCI  map[string]interval   `json:"mean_over_pairs_ci"`
	NoiseFloor       *explanationFloorView `json:"noise_floor"`
	Attribution      []struct {
		Axis     string `json:"axis"`
		NPairs   int    `json:"n_pairs"`
		Measures map[string]struct {
			Mean fnum      `json:"mean"`
			CI   *interval `json:"ci"`
		} `json:"measures"`
	} `json:"attribution"`
	Predictions *struct {
		NPairs       int       `json:"n_pairs"`
		Correlation  fnum      `json:"correlation"`
		CI           *interval `json:"correlation_ci"`
		MantelP      fnum      `json:"mantel_p"`
		Permutations int       `json:"permutations"`
	} `json:"predictions"`
}

type explanationFloorView struct {
	ReplicateAxes []string            `json:"replicate_axes"`
	SeedPairs     int                 `json:"seed_pairs"`
	OtherPairs    int                 `json:"other_pairs"`
	Seed          map[string]fnum     `json:"seed"`
	Other         map[string]fnum     `json:"other"`
	SeedCI        map[string]interval `json:"seed_ci"`
	OtherCI       map[string]interval `json:"other_ci"`
}

// explanationMethods returns the methods of r's explanations member in
// the spec's order (x's, when it carries the attributions), with their
// views; nil without the member.
func explanationMethods(r *metrics.Result, x *predmat.Matrix) ([]string, map[string]explanationView) {
	if r == nil {
		return nil, nil
	}
	var views map[string]explanationView
	if !decodeExtra(r.Extra["explanations"], &views) || len(views) == 0 {
		return nil, nil
	}
	var methods []string
	if x != nil && x.Attributions != nil {
		methods = slices.Clone(x.Attributions.Methods)
	} else {
		methods = sortedKeys(views)
	}
	return methods, views
}

// explanationFigureName is the figure of one method's heatmaps.
func explanationFigureName(method string) string { return "explanations_" + method }

// attributionMapsFigure is the picture grid's figure name.
const attributionMapsFigure = "attribution_maps"

// InterpretabilitySections returns the Interpretability section (the
// headline, the attribution table and the picture grid) and one section
// per method with its heatmaps; nil when r has no explanations.
func InterpretabilitySections(r *metrics.Result, x *predmat.Matrix) []Section {
	methods, views := explanationMethods(r, x)
	if methods == nil {
		return nil
	}
	t := &Table{Header: []string{"method", "models", "instances (consensus)", "k of D", "mean feature agreement [95% CI]", "mean rank correlation [95% CI]",
		"seed pairs' FA (noise floor)", "other pairs' FA", "r(prediction agreement, FA) [95% CI]", "Mantel p"}}
	var head []string
	for _, m := range methods {
		v, ok := views[m]
		if !ok {
			continue
		}
		floorSeed, floorOther := "—", "—"
		if f := v.NoiseFloor; f != nil {
			floorSeed = fmt.Sprintf("%s (%d)", withCI(float64(f.Seed["feature_agreement"]), ivOf(f.SeedCI, "feature_agreement"), 3), f.SeedPairs)
			floorOther = fmt.Sprintf("%s (%d)", withCI(float64(f.Other["feature_agreement"]), ivOf(f.OtherCI, "feature_agreement"), 3), f.OtherPairs)
		}
		corr, p := "—", "—"
		if pr := v.Predictions; pr != nil {
			iv := nanInterval
			if pr.CI != nil {
				iv = *pr.CI
			}
			corr = withCI(float64(pr.Correlation), iv, 2)
			p = pValue(float64(pr.MantelP), pr.Permutations)
			head = append(head, explanationHeadline(m, v))
		}
		t.Rows = append(t.Rows, []string{m, fmt.Sprint(v.NModels), fmt.Sprintf("%d (%d)", v.NInstances, v.NConsensus), fmt.Sprintf("%d of %d", v.K, v.Features),
			withCI(float64(v.MeanOverPairs["feature_agreement"]), ivOf(v.MeanOverPairsCI, "feature_agreement"), 3),
			withCI(float64(v.MeanOverPairs["rank_correlation"]), ivOf(v.MeanOverPairsCI, "rank_correlation"), 3),
			floorSeed, floorOther, corr, p})
	}
	text := append([]string{"Do models that agree on predictions also agree on explanations? " +
		"Each model's attributions of the first attributed test instances (the study's fixed feature subset) are compared pair by pair with Krishna et al. (2022)'s measures: " +
		"feature agreement (FA) is the share of the top-k features (by |attribution|, ties broken by feature index) that two models share; rank correlation is Spearman's ρ over all features. " +
		"Intervals resample test instances (paired), never pairs of models, which share models and are not independent. " +
		"r is Pearson's correlation, over the pairs of models with the method, between their prediction agreement on the same instances and their mean FA; " +
		"its p-value is a one-sided Mantel test (the models of the prediction matrix relabelled at random), given as a bound at its floor 1/(P+1). " +
		"The noise floor is the agreement of seed replicates of one recipe; models that draw nothing from the seed (trees, k-NN, naive Bayes) are their own replicate there."}, head...)
	out := []Section{{ID: "interpretability", Title: "Interpretability", Text: text, Table: t, Figure: attributionMapsFigure}}
	for _, m := range methods {
		v, ok := views[m]
		if !ok || v.NModels < 2 {
			continue
		}
		var at []string
		for _, a := range v.Attribution {
			fa := a.Measures["feature_agreement"]
			iv := nanInterval
			if fa.CI != nil {
				iv = *fa.CI
			}
			at = append(at, fmt.Sprintf("%s (%d pairs): FA %s", a.Axis, a.NPairs, withCI(float64(fa.Mean), iv, 3)))
		}
		s := Section{ID: "interpretability-" + m, Title: "Explanation agreement: " + m,
			Text: []string{fmt.Sprintf("Left: feature agreement of the %s attributions (target: %s, top-%d of %d features) between the %d models that have them, averaged over %d instances and clustered; "+
				"right: their prediction agreement on the same instances, in the same order.", m, v.Target, v.K, v.Features, v.NModels, v.NInstances)},
			Figure: explanationFigureName(m)}
		if len(at) > 0 {
			s.Text = append(s.Text, "What makes models explain differently: the pairs that differ in one axis alone, lowest feature agreement first: "+joinSemi(at)+".")
		}
		out = append(out, s)
	}
	return out
}

// explanationHeadline answers the question in one sentence for a method.
func explanationHeadline(m string, v explanationView) string {
	pr := v.Predictions
	r := float64(pr.Correlation)
	if !finite(r) {
		return fmt.Sprintf("%s: the correlation is undefined (the prediction or the feature agreement is the same for every pair).", m)
	}
	sign := "no clear relation"
	if pr.CI != nil && pr.CI.ok() {
		switch {
		case float64(pr.CI[0]) > 0:
			sign = "yes: pairs that agree more on predictions also agree more on explanations"
		case float64(pr.CI[1]) < 0:
			sign = "the opposite: pairs that agree more on predictions agree less on explanations"
		}
	}
	return fmt.Sprintf("%s: r = %.2f over %d pairs, %s; Mantel p %s.", m, r, pr.NPairs, sign, pValue(float64(pr.MantelP), pr.Permutations))
}

func joinSemi(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += "; "
		}
		out += x
	}
	return out
}

// explanationFigures adds each method's heatmap pair and the picture
// grid through add (build's).
func (b *built) explanationFigures(add func(name, caption string, wide bool, f *figure, err error) error) error {
	in := b.in
	methods, views := explanationMethods(in.Metrics, in.Matrix)
	if methods == nil || in.Agreement == nil {
		return nil
	}
	names := in.plotNames()
	for _, m := range methods {
		v, ok := views[m]
		if !ok || v.NModels < 2 || len(v.FeatureAgreement) != len(in.Models) {
			continue
		}
		var keep []int
		for a, row := range v.FeatureAgreement {
			if finite(float64(row[a])) {
				keep = append(keep, a)
			}
		}
		fa, ag := make([][]float64, len(keep)), make([][]float64, len(keep))
		kn, kf := make([]string, len(keep)), make([]string, len(keep))
		agree := predictionAgreementOn(in.Matrix, keep, v.NInstances)
		for p, a := range keep {
			kn[p], kf[p] = names[a], b.fams[a]
			fa[p] = make([]float64, len(keep))
			for q, c := range keep {
				fa[p][q] = float64(v.FeatureAgreement[a][c])
			}
			ag[p] = agree[p]
		}
		hm, err := newHeatmap("feature agreement", kn, kf, fa)
		if err != nil {
			return err
		}
		hp := &heatmap{measure: "prediction agreement", models: kn, families: kf, values: ag, order: hm.order}
		left, err := hm.figure(heatmapSize{width: ColumnWidth})
		if err != nil {
			return err
		}
		right, err := hp.figure(heatmapSize{width: ColumnWidth})
		if err != nil {
			return err
		}
		caption := fmt.Sprintf("Explanation agreement by %s (left: mean feature agreement at top-%d of %d features over %d instances, ordered by average-linkage clustering on 1 − FA) "+
			"beside prediction agreement on the same instances in the same order (right). Only the %d models with %s attributions are shown.", m, v.K, v.Features, v.NInstances, len(keep), m)
		if err := add(explanationFigureName(m), caption, true, besides(left, right), nil); err != nil {
			return err
		}
	}
	f, caption := attributionMaps(in.Matrix, b.fams)
	return add(attributionMapsFigure, caption, true, f, nil)
}

// predictionAgreementOn returns the prediction agreement of the models
// keep on the first n instances of x's feature subset.
func predictionAgreementOn(x *predmat.Matrix, keep []int, n int) [][]float64 {
	out := make([][]float64, len(keep))
	nx := x.N()
	for p, a := range keep {
		out[p] = make([]float64, len(keep))
		for q, c := range keep {
			same := 0
			for _, r := range x.FeatureIdx[:n] {
				if x.Pred[a*nx+r] == x.Pred[c*nx+r] {
					same++
				}
			}
			out[p][q] = float64(same) / float64(n)
		}
	}
	return out
}

// besides draws two figures side by side.
func besides(l, r *figure) *figure {
	return &figure{w: l.w + r.w, h: max(l.h, r.h), draw: func(c draw.Canvas) {
		lc, rc := c, c
		lc.Max.X = c.Min.X + l.w
		lc.Max.Y = c.Min.Y + l.h
		rc.Min.X = c.Min.X + l.w
		rc.Max.Y = c.Min.Y + r.h
		l.draw(lc)
		r.draw(rc)
	}}
}

// mapInstances is the number of instances in the picture grid.
const mapInstances = 4

// attributionMaps draws, for the first mapInstances attributed
// instances (rows), one model per family (columns, the first model of
// the family with the method) its attribution map by the method every
// model has (occlusion when there, else the first), as an image of
// |attribution| scaled to its own maximum, with its prediction. Nil
// without image attributions.
func attributionMaps(x *predmat.Matrix, fams []string) (*figure, string) {
	a := x.Attributions
	if a == nil || a.Height == 0 || a.Rows == 0 {
		return nil, ""
	}
	k := slices.Index(a.Methods, "occlusion")
	if k < 0 {
		k = 0
	}
	var cols []int
	seen := map[string]bool{}
	for m, v := range a.Values[k] {
		if v != nil && !seen[fams[m]] {
			seen[fams[m]] = true
			cols = append(cols, m)
		}
	}
	rows := min(mapInstances, a.Rows)
	if len(cols) == 0 {
		return nil, ""
	}
	cell := min(vg.Points(56), (WideWidth-vg.Points(40))/vg.Length(len(cols)+1))
	label := vg.Points(10)
	w := vg.Length(len(cols)+1) * cell
	h := vg.Length(rows)*(cell+label) + label
	nx := x.N()
	palette := familyIndex(fams)
	f := &figure{w: w, h: h, draw: func(c draw.Canvas) {
		top := c.Max.Y
		for j, m := range cols {
			st := textStyle(vg.Points(7), color.Color(color.Black))
			if k := slices.Index(palette, fams[m]); k >= 0 {
				st = textStyle(vg.Points(7), familyColor(k))
			}
			st.XAlign = draw.XCenter
			c.FillText(st, vg.Point{X: c.Min.X + vg.Length(j+1)*cell + cell/2, Y: top - label + vg.Points(1)}, fams[m])
		}
		for i := range rows {
			y0 := top - label - vg.Length(i+1)*(cell+label) + label
			r := x.FeatureIdx[i]
			// The input itself first.
			c.DrawImage(vg.Rectangle{Min: vg.Point{X: c.Min.X + vg.Points(2), Y: y0}, Max: vg.Point{X: c.Min.X + cell - vg.Points(2), Y: y0 + cell - vg.Points(4)}},
				inputImage(x, a, i))
			st := textStyle(vg.Points(7), color.Black)
			st.XAlign = draw.XCenter
			c.FillText(st, vg.Point{X: c.Min.X + cell/2, Y: y0 - label + vg.Points(2)}, fmt.Sprintf("label %d", x.Labels[r]))
			for j, m := range cols {
				x0 := c.Min.X + vg.Length(j+1)*cell
				c.DrawImage(vg.Rectangle{Min: vg.Point{X: x0 + vg.Points(2), Y: y0}, Max: vg.Point{X: x0 + cell - vg.Points(2), Y: y0 + cell - vg.Points(4)}},
					mapImage(a.Values[k][m][i*a.Dim:(i+1)*a.Dim], a.Height, a.Width, max(1, a.Channels)))
				c.FillText(st, vg.Point{X: x0 + cell/2, Y: y0 - label + vg.Points(2)}, fmt.Sprintf("pred %d", x.Pred[m*nx+r]))
			}
		}
	}}
	caption := fmt.Sprintf("Attribution maps by %s of the first %d attributed test instances (rows; the first column is the mean map over every model, with the true label), one model per family (the first of each; columns), "+
		"each with its prediction: |attribution| summed over channels and scaled to the map's own maximum (white 0, black the maximum), so maps compare by shape, not by scale; a blank map is all zero (no window changed the model's score).", a.Methods[k], rows)
	return f, caption
}

// mapImage renders one attribution map as a grey image: |value| summed
// over channels, scaled to its maximum, dark where large.
func mapImage(v []float32, h, w, ch int) image.Image {
	img := image.NewGray(image.Rect(0, 0, w, h))
	s := make([]float64, h*w)
	top := 0.0
	for p := range s {
		for k := range ch {
			s[p] += math.Abs(float64(v[p*ch+k]))
		}
		top = math.Max(top, s[p])
	}
	for p, x := range s {
		g := 255.0
		if top > 0 {
			g = 255 * (1 - x/top)
		}
		img.Pix[p] = uint8(math.Round(g))
	}
	return img
}

// inputImage is the picture grid's first column, the sum of every
// model's |attribution| map of instance i (the inputs themselves are not
// in the prediction matrix).
func inputImage(x *predmat.Matrix, a *predmat.Attributions, i int) image.Image {
	k := slices.Index(a.Methods, "occlusion")
	if k < 0 {
		k = 0
	}
	sum := make([]float32, a.Dim)
	for _, v := range a.Values[k] {
		if v == nil {
			continue
		}
		for j, y := range v[i*a.Dim : (i+1)*a.Dim] {
			sum[j] += float32(math.Abs(float64(y)))
		}
	}
	return mapImage(sum, a.Height, a.Width, max(1, a.Channels))
}

// ivOf is m[k], or no interval when m has none.
func ivOf(m map[string]interval, k string) interval {
	if iv, ok := m[k]; ok {
		return iv
	}
	return nanInterval
}

// explainFacts is the spec's explain block as the methods text reads
// it; a key left out is 0 and takes study/explain's default.
type explainFacts struct {
	Explain struct {
		Steps   int     `yaml:"steps"`
		Rule    string  `yaml:"rule"`
		Sigma   float64 `yaml:"sigma"`
		Samples int     `yaml:"samples"`
		Patch   int     `yaml:"patch"`
		Stride  int     `yaml:"stride"`
	} `yaml:"explain"`
}

// explanationMethodsText is the methods paragraph's sentences on the
// attributions and their agreement; empty without explanations.
func (b *built) explanationMethodsText() string {
	in := b.in
	methods, views := explanationMethods(in.Metrics, in.Matrix)
	if methods == nil {
		return ""
	}
	var f explainFacts
	_ = yaml.Unmarshal([]byte(in.SpecYAML), &f) // best effort, as specFacts
	e := f.Explain
	steps, rule, sigma, samples, patch, stride := cmp.Or(e.Steps, 50), e.Rule, e.Sigma, cmp.Or(e.Samples, 50), cmp.Or(e.Patch, 1), e.Stride
	if rule == "" {
		rule = "gausslegendre"
	}
	if sigma == 0 {
		sigma = 0.15
	}
	if stride == 0 {
		stride = patch
	}
	v := views[methods[0]]
	target := "the class each model predicts"
	if v.Target == "label" {
		target = "the true class"
	}
	var ms []string
	for _, m := range methods {
		switch m {
		case "saliency":
			ms = append(ms, "saliency, |∂F_c/∂x| of the logit F_c (Simonyan et al. 2014; Captum's default absolute value)")
		case "grad_x_input":
			ms = append(ms, "gradient × input, x ⊙ ∂F_c/∂x")
		case "integrated_gradients":
			ms = append(ms, fmt.Sprintf("integrated gradients of the logit from a zero (black) baseline (Sundararajan et al. 2017) with %d points of the %s rule, as Captum computes it, with each instance's convergence delta", steps, rule))
		case "smoothgrad":
			ms = append(ms, fmt.Sprintf("SmoothGrad (Smilkov et al. 2017), the mean gradient of the logit over %d draws of Gaussian noise of σ = %g, the same draws for every model", samples, sigma))
		case "occlusion":
			ms = append(ms, fmt.Sprintf("occlusion (Zeiler and Fergus 2014), the drop of the predicted probability of class c when a %d×%d window (stride %d) is set to 0, averaged over the windows covering a feature", patch, patch, stride))
		}
	}
	return fmt.Sprintf(" Explanations: for the first %d instances of the fixed feature subset, each model's attributions of %s are computed by %s. "+
		"The gradient methods need logits, so fitted models (trees, k-NN, naive Bayes) have occlusion only. "+
		"Every pair of models is compared by the six measures of Krishna et al. (2022) at top-%d of %d features, ties in |attribution| broken by feature index and rank correlation as Spearman's ρ with average ranks over all features, "+
		"averaged over the instances and over the consensus set (the %d of them that every model classifies correctly).",
		v.NInstances, target, joinAnd(ms), v.K, v.Features, v.NConsensus)
}
