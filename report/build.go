package report

import (
	"fmt"
	"html/template"
	"math"
	"slices"
	"strconv"

	"gonum.org/v1/plot/vg"

	"github.com/study-harness/study/study/metrics"
)

// built is everything the report shows, derived once from an Input:
// the paper figures, the tables and the optional metrics members.
type built struct {
	in   *Input // resolved
	fams []string
	x    extras
	figs map[string]*namedFigure
	// heatmaps holds the clustered heatmaps by figure name, so that the
	// page and the paper figure (clustering is cubic in the models)
	// share one.
	heatmaps map[string]*heatmap
	// figDir, when set, is the folder where figSVG writes each figure's
	// .svg and .pdf as soon as it renders it; written lists those done.
	figDir  string
	written map[string]bool
	// figOrder lists figure names in the order they are written.
	figOrder []string
	tables   []*paperTable
	// eval views
	aucs    []float64
	eceFams []string
	eces    []float64
	// figErr is why a paper figure could not be drawn; the page shows
	// the others, WriteFigures fails with it.
	figErr error
}

// namedFigure is one paper figure.
type namedFigure struct {
	name, caption string
	wide          bool
	f             *figure
}

// figureNames lists every figure the report can draw, in order; each is
// written as figures/<name>.pdf and .svg when its data is present.
var figureNames = []string{
	"agreement", "error_consistency", "cka_linear", "logits_cka_linear", "failures",
	"accuracy_vs_error_consistency", "diversity_accuracy", "generalization_disagreement",
	"training_loss", "confusion", "roc", "reliability", "shift",
}

// heatmapSources returns the matrices drawn as heatmaps, by figure name,
// with the measure's name; absent ones are nil.
func (b *built) heatmapSources() []heatmapSource {
	in := b.in
	var ec [][]float64
	if in.Metrics != nil && len(in.Metrics.Pairwise.ErrorConsistency) == len(in.Models) {
		ec = in.Metrics.Pairwise.ErrorConsistency
	}
	return append([]heatmapSource{
		{name: "agreement", measure: "agreement", values: in.Agreement},
		{name: "error_consistency", measure: "error consistency κ", cite: "Geirhos et al. 2020", values: ec},
	}, b.representationSources()...)
}

// build derives the report's figures and tables from in.
func build(in *Input) (*built, error) {
	in = in.resolved()
	if err := in.check(); err != nil {
		return nil, err
	}
	b := &built{in: in, fams: in.Families(), x: readExtras(in.Metrics), figs: map[string]*namedFigure{}, heatmaps: map[string]*heatmap{}, written: map[string]bool{}}
	// The figures in the order they are written.
	for _, add := range []func() error{
		b.addHeatmaps, b.addEnsembleFigures, b.addGenDis, b.addLoss,
		b.addMatrixFigures, b.addShift, func() error { return b.explanationFigures(b.add) },
	} {
		if err := add(); err != nil {
			return nil, err
		}
	}
	b.buildTables()
	if err := b.addRobustness(b.add); err != nil {
		return nil, err
	}
	return b, nil
}

// add records the paper figure f (nil: no data) under name, its caption
// followed by the figure's own note; err is the figure's error, if any.
func (b *built) add(name, caption string, wide bool, f *figure, err error) error {
	if err != nil {
		return fmt.Errorf("figure %s: %w", name, err)
	}
	if f != nil {
		b.figs[name] = &namedFigure{name: name, caption: caption + f.note, wide: wide, f: f}
		b.figOrder = append(b.figOrder, name)
	}
	return nil
}

// addHeatmaps clusters and draws each pairwise matrix present; a
// study with too many models for a heatmap leaves figErr set.
func (b *built) addHeatmaps() error {
	in := b.in
	m := len(in.Models)
	for _, h := range b.heatmapSources() {
		if h.values == nil || m == 0 {
			continue
		}
		k, width := len(h.values), ColumnWidth // k: the models shown
		if k > 12 {
			width = WideWidth
		}
		if vg.Length(k)*minCell > width {
			// Checked before clustering, which is cubic in k.
			b.figErr = fmt.Errorf("report: %d models do not fit in a %.0fpt wide figure", k, width.Points())
			continue
		}
		hm, err := newHeatmap(h.measure, h.pick(in.plotNames()), h.pick(b.fams), h.values)
		if err != nil {
			return err
		}
		b.heatmaps[h.name] = hm
		f, err := hm.figure(heatmapSize{width: width})
		if err := b.add(h.name, heatmapCaption(h.measure, k, h.values)+h.note, k > 12, f, err); err != nil {
			return err
		}
	}
	return nil
}

// addEnsembleFigures draws the failure-count histogram and, when every
// model has a family, the two pairwise scatter plots.
func (b *built) addEnsembleFigures() error {
	r := b.in.Metrics
	if r == nil {
		return nil
	}
	f, err := failuresFigure(&r.Ensemble)
	if err := b.add("failures", "Failure-count histogram: the fraction of test instances that exactly k models get wrong (bars), beside the Poisson-binomial distribution expected if every model failed independently at its own error rate (points). Mass at the right end beyond the points is homogenization.", false, f, err); err != nil {
		return err
	}
	if len(b.fams) == len(b.in.Models) {
		f, err = accuracyECFigure(r, b.fams)
		if err := b.add("accuracy_vs_error_consistency", "Accuracy against error consistency: one point per pair of models, the pair's mean accuracy against its error consistency κ_err (Geirhos et al. 2020). κ_err = 0 means the pair's errors overlap no more than their accuracies imply.", false, f, err); err != nil {
			return err
		}
		f, err = diversityFigure(r, b.fams)
		if err := b.add("diversity_accuracy", "Diversity–accuracy plane (Fort et al. 2019): one point per ordered pair (reference a, model b), the accuracy of b against the fraction of test labels on which b differs from a divided by a's error rate. 1 means b disagrees with a as often as a is wrong.", false, f, err); err != nil {
			return err
		}
	}
	return nil
}

// addGenDis draws generalization against disagreement per recipe.
func (b *built) addGenDis() error {
	if !b.x.hasRecipes {
		return nil
	}
	f, err := genDisFigure(b.x.recipes)
	bars := false
	for _, r := range b.x.recipes {
		if r.TestErrorCI.ok() || r.DisagreementCI.ok() {
			bars = true
			break
		}
	}
	return b.add("generalization_disagreement", genDisCaption(b.x.recipes, bars), false, f, err)
}

// addLoss draws the training curves of the runs that have one.
func (b *built) addLoss() error {
	idx, _ := curveRuns(b.in.Runs)
	if len(idx) == 0 {
		return nil
	}
	f, err := lossFigure(b.in.Runs, idx, ColumnWidth, plotHeight)
	return b.add("training_loss", "Training loss per epoch, one line per run.", false, f, err)
}

// addMatrixFigures draws, from the prediction matrix, the confusion
// matrices, the ROC curves and the reliability diagram, and keeps the
// AUCs and ECEs for the calibration table.
func (b *built) addMatrixFigures() error {
	x := b.in.Matrix
	if x == nil || x.M() == 0 || len(b.fams) != x.M() {
		return nil
	}
	names, _ := familyGroups(b.fams)
	cfams, note := b.fams, ""
	if len(names) > maxConfusionPanels {
		// A panel per family stops being readable (and a 1000-family
		// study drew 12.7 MB of SVG): pool every model instead.
		cfams = make([]string, len(b.fams))
		for i := range cfams {
			cfams[i] = "all models"
		}
		note = fmt.Sprintf(" With %d model families, more than the %d panels drawn, the figure shows one matrix summed over every model.", len(names), maxConfusionPanels)
		names = names[:1]
	}
	w := min(WideWidth, vg.Length(len(names))*ColumnWidth)
	f, err := confusionFigure(x, cfams, w)
	if err := b.add("confusion", "Confusion matrix per model family, summed over the family's models: rows are true classes, columns predicted ones; colour is the row-normalised rate (viridis, 0 dark to 1 yellow), numbers are counts."+note, f != nil && f.w > ColumnWidth, f, err); err != nil {
		return err
	}
	f, b.aucs, err = rocFigure(x, b.fams)
	if err := b.add("roc", "ROC curves of every model (score: the probability of class 1), coloured by family, with the mean area under the curve per family.", false, f, err); err != nil {
		return err
	}
	f, b.eceFams, b.eces, err = reliabilityFigure(x, b.fams)
	return b.add("reliability", fmt.Sprintf("Reliability diagram per family (models pooled): top-label confidence in %d equal-width bins against the accuracy of the top label in each bin; the dashed diagonal is perfect calibration. ECE = Σ_b (n_b/N)·|acc_b − conf_b|.", ReliabilityBins), false, f, err)
}

// addShift draws agreement on the line, for the evaluation sets in
// the order of the shift section's table (else by name).
func (b *built) addShift() error {
	if len(b.x.onTheLine) == 0 {
		return nil
	}
	var names []string
	for _, s := range b.in.Sections {
		if s.ID == "shift" && s.Table != nil {
			for _, r := range s.Table.Rows[min(1, len(s.Table.Rows)):] {
				if len(r) > 0 {
					names = append(names, r[0])
				}
			}
		}
	}
	if len(names) == 0 {
		names = sortedKeys(b.x.onTheLine)
	}
	f, err := shiftFigure(names, b.x.onTheLine)
	return b.add("shift", "Agreement on the line (Baek et al. 2022), per evaluation set, on probit axes: out-of-distribution against in-distribution accuracy of each model (circles) and agreement of each pair (triangles), with least-squares lines. When the two lines coincide, agreement, which needs no labels, predicts OOD accuracy.", f != nil && f.w > ColumnWidth, f, err)
}

// maxConfusionPanels is the most model families given a confusion matrix
// each; two rows of six panels still fit a page at a readable cell size.
const maxConfusionPanels = 12

func heatmapCaption(measure string, m int, values [][]float64) string {
	lo, hi := agreementRange(values)
	s := fmt.Sprintf("Pairwise %s between the %d finished models (labelled by the values of the axes that vary), ordered by average-linkage clustering on 1 − %s (dendrogram above); names coloured by model family. Colours run from %.3f to %.3f; grey cells have no value (n/a).", measure, m, measure, lo, hi)
	if m > rasterHeatmapAbove {
		s += fmt.Sprintf(" With more than %d models the cells are drawn as an image, one pixel per cell, in %d colour steps.", rasterHeatmapAbove, heatmapLevels)
	}
	return s
}

func sortedKeys[V any](m map[string]V) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// buildTables makes the paper tables: the attribution headline, the
// homogenization measures, the pairwise means, the runs, the calibration
// and every extra section's table.
func (b *built) buildTables() {
	in := b.in
	if b.x.hasAttribution && len(b.x.attribution) > 0 {
		b.tables = append(b.tables, attributionTable(b.x.attribution, b.x.attrSummary))
		if t := attributionCellsTable(b.x.attribution); t != nil {
			b.tables = append(b.tables, t)
		}
	}
	if r := in.Metrics; r != nil {
		b.tables = append(b.tables, b.ensembleTable(r))
		if b.x.pairMean != nil {
			b.tables = append(b.tables, b.pairwiseTable())
		}
	}
	if len(in.Runs) > 0 {
		b.tables = append(b.tables, runsTable(in))
	}
	if len(b.eces) > 0 || b.aucs != nil {
		b.tables = append(b.tables, b.calibrationTable())
	}
	for i, s := range in.Sections {
		if s.Table == nil || len(s.Table.Rows) == 0 {
			continue
		}
		name := s.ID
		if name == "" {
			name = fmt.Sprintf("extra-%d", i+1)
		}
		b.tables = append(b.tables, tableFromSection(s, safeName(name)))
	}
}

// ensembleTable is the whole-set measures of r with their intervals and
// permutation p-values.
func (b *built) ensembleTable(r *metrics.Result) *paperTable {
	t := &paperTable{
		Name:      "ensemble",
		Caption:   "Whole-set measures over all models: value, its 95% paired-bootstrap interval [low, high] (test instances resampled, the trained models fixed) and the permutation p-value against independent errors at fixed accuracy, where computed; a p-value at its floor 1/(P+1) is given as a bound. The whole-set H grows with the number of models: compare it only at equal M.",
		Header:    []string{"measure", "value", "95% interval", "p"},
		CSVHeader: []string{"measure", "value", "ci_lo", "ci_hi", "p"},
	}
	for _, e := range ensembleRows(r) {
		// A measure without an entry has no interval; an entry
		// of [0, 0] is a genuine interval (a rate that is 0 in
		// every replicate).
		iv, ok := b.x.ensembleCI[e.key]
		if !ok {
			iv = nanInterval
		}
		p := math.NaN()
		if v, ok := b.x.ensembleP[e.key]; ok {
			p = float64(v)
		}
		ivs := "not computed"
		if iv.ok() {
			ivs = ivText(iv, e.prec)
		}
		// The interval has its own column: the value is shown alone.
		t.Rows = append(t.Rows, []tcell{{Text: e.label}, {Text: num(e.v, e.prec), Num: true}, {Text: ivs, Num: true}, {Text: pValue(p, b.x.permutations), Num: true}})
		t.CSV = append(t.CSV, []string{e.key, raw(e.v), raw(float64(iv[0])), raw(float64(iv[1])), raw(p)})
	}
	return t
}

// pairwiseTable is the mean over pairs of each pairwise measure, with its
// interval and p-value.
func (b *built) pairwiseTable() *paperTable {
	t := &paperTable{
		Name:      "pairwise",
		Caption:   "Pairwise measures, mean over all pairs of models, then its 95% paired-bootstrap interval [low, high] (instances resampled, never pairs) where computed.",
		Header:    []string{"measure", "mean over pairs", "p"},
		CSVHeader: []string{"measure", "mean", "ci_lo", "ci_hi", "p"},
	}
	for _, k := range []struct{ key, label string }{
		{"agreement", "agreement"}, {"cohen_kappa", "Cohen's κ"}, {"error_consistency", "error consistency κ"},
		{"q_statistic", "Yule's Q"}, {"correlation", "correlation ρ"}, {"double_fault", "double fault"},
		{"correctness_disagreement", "correctness disagreement"}, {"agreement_both_wrong", "agreement given both wrong"},
		{"jsd", "Jensen–Shannon divergence (bits)"}, {"capa", "CAPA"},
	} {
		v, iv, p := b.x.pairMeanValue(k.key)
		if !finite(v) {
			continue
		}
		t.Rows = append(t.Rows, []tcell{{Text: k.label}, {Text: withCI(v, iv, 4), Num: true}, {Text: pValue(p, b.x.permutations), Num: true}})
		t.CSV = append(t.CSV, []string{k.key, raw(v), raw(float64(iv[0])), raw(float64(iv[1])), raw(p)})
	}
	return t
}

// runsTable lists the runs of in with their axis values and accuracies.
func runsTable(in *Input) *paperTable {
	t := &paperTable{Name: "runs", Caption: "Runs of the grid: test and validation accuracy; best test accuracy in bold."}
	t.Header = append(t.Header, "run")
	t.CSVHeader = append(t.CSVHeader, "run", "id")
	for _, a := range in.Axes {
		t.Header = append(t.Header, a.Key)
		t.CSVHeader = append(t.CSVHeader, a.Key)
	}
	t.Header = append(t.Header, "test acc.", "val. acc.", "status")
	t.CSVHeader = append(t.CSVHeader, "test_accuracy", "val_accuracy", "wall_seconds", "status", "reason")
	var accs []float64
	for _, r := range in.Runs {
		row := []tcell{{Text: r.Name}}
		rec := []string{r.Name, r.ID}
		for _, a := range in.Axes {
			row = append(row, tcell{Text: r.Config[a.Key]})
			rec = append(rec, r.Config[a.Key])
		}
		test, val := r.TestAccuracy, r.ValAccuracy
		if r.Status != StatusOK {
			test, val = math.NaN(), math.NaN()
		}
		row = append(row, tcell{Text: num(test, 4), Num: true}, tcell{Text: num(val, 4), Num: true}, tcell{Text: r.Status})
		rec = append(rec, raw(test), raw(val), raw(r.WallSeconds), r.Status, r.Reason)
		accs = append(accs, test)
		t.Rows = append(t.Rows, row)
		t.CSV = append(t.CSV, rec)
	}
	boldMax(t.Rows, len(in.Axes)+1, accs)
	// The LaTeX form leaves out what other columns say: names
	// made of the axis values, and a status column of "ok" alone.
	if namesAreAxisValues(in) {
		t.TexOmit = append(t.TexOmit, 0)
	}
	if !slices.ContainsFunc(in.Runs, func(r Run) bool { return r.Status != StatusOK }) {
		t.TexOmit = append(t.TexOmit, len(t.Header)-1)
	}
	return t
}

// calibrationTable is the ECE and, for binary tasks, the mean ROC AUC of
// each model family.
func (b *built) calibrationTable() *paperTable {
	t := &paperTable{Name: "calibration", Caption: fmt.Sprintf("Calibration per family: expected calibration error over %d equal-width bins of top-label confidence (models pooled); for binary tasks the mean ROC AUC of the family's models.", ReliabilityBins),
		Header: []string{"family", "models", "ECE"}, CSVHeader: []string{"family", "n_models", "ece"}}
	names, members := familyGroups(b.fams)
	if b.aucs != nil {
		t.Header = append(t.Header, "mean AUC")
		t.CSVHeader = append(t.CSVHeader, "mean_auc")
	}
	for fi, name := range names {
		ece := math.NaN()
		if fi < len(b.eces) {
			ece = b.eces[fi]
		}
		row := []tcell{{Text: name}, {Text: strconv.Itoa(len(members[fi])), Num: true}, {Text: num(ece, 4), Num: true}}
		rec := []string{name, strconv.Itoa(len(members[fi])), raw(ece)}
		if b.aucs != nil {
			var s float64
			for _, m := range members[fi] {
				s += b.aucs[m]
			}
			auc := s / float64(len(members[fi]))
			row = append(row, tcell{Text: num(auc, 4), Num: true})
			rec = append(rec, raw(auc))
		}
		t.Rows = append(t.Rows, row)
		t.CSV = append(t.CSV, rec)
	}
	return t
}

// safeName keeps letters, digits, '-' and '_' of s for a file name.
func safeName(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			out = append(out, r)
		default:
			out = append(out, '_')
		}
	}
	if len(out) == 0 {
		return "table"
	}
	return "section-" + string(out)
}

// ensembleRow is one whole-set measure with its JSON key.
type ensembleRow struct {
	key, label string
	v          float64
	prec       int
}

// ensembleRows lists the whole-set measures shown, in order.
func ensembleRows(r *metrics.Result) []ensembleRow {
	e := &r.Ensemble
	g := readGroupH(r)
	return []ensembleRow{
		{"systemic_failure_rate", "systemic failure rate (all models wrong)", float64(e.SystemicFailureRate), 4},
		{"independent_failure_rate", "… if independent (∏ e_m)", float64(e.IndependentFailureRate), 4},
		{"homogenization_pairwise_mean", "mean pairwise homogenization H (1 = independent)", g.pairMean, 3},
		{"homogenization_k", g.hkLabel(), g.hk, 3},
		{"homogenization", wholeSetHLabel, float64(e.Homogenization), 3},
		{"all_correct_rate", "all-correct rate", float64(e.AllCorrectRate), 4},
		{"independent_all_correct_rate", "… if independent (∏ a_m)", float64(e.IndependentAllCorrectRate), 4},
		{"fleiss_kappa", "Fleiss' κ", float64(e.FleissKappa), 4},
		{"entropy", "entropy E", float64(e.Entropy), 4},
		{"kw_variance", "Kohavi–Wolpert variance", float64(e.KWVariance), 4},
		{"interrater_kappa", "interrater κ", float64(e.InterraterKappa), 4},
		{"difficulty", "difficulty θ", float64(e.Difficulty), 4},
		{"generalized_diversity", "generalized diversity", float64(e.GeneralizedDiversity), 4},
		{"coincident_failure_diversity", "coincident failure diversity", float64(e.CoincidentFailureDiversity), 4},
		{"majority_vote_accuracy", "majority-vote accuracy", float64(e.MajorityVoteAccuracy), 4},
		{"mean_accuracy", "mean accuracy", float64(e.MeanAccuracy), 4},
		{"best_accuracy", "best accuracy", float64(e.BestAccuracy), 4},
		{"label_entropy", "label entropy (bits)", float64(e.LabelEntropy), 4},
	}
}

// figSVG renders the named paper figure for the page. With figDir set,
// the same rendering is written as figures/<name>.svg (the page holds it
// without the XML prolog) and the PDF beside it, the first time the page
// shows the figure; writeFigures then skips it.
func (b *built) figSVG(name string) (template.HTML, error) {
	f := b.figs[name]
	svg, err := svgFile(f.f)
	if err != nil {
		return "", err
	}
	if b.figDir != "" && !b.written[name] {
		if err := b.writeFigure(f, svg); err != nil {
			return "", err
		}
	}
	svg, err = inlineOf(svg)
	if err != nil {
		return "", err
	}
	// Trusted as in svgOf: gonum's SVG backend escapes every text.
	return template.HTML(svg), nil
}

// svgOf renders f for the page.
func svgOf(f *figure) (template.HTML, error) {
	svg, err := inlineSVG(f)
	if err != nil {
		return "", err
	}
	// The SVG comes from gonum's SVG backend, which escapes every text it
	// draws, so it is trusted here.
	return template.HTML(svg), nil
}
