package report

import (
	"fmt"
	"html/template"
	"math"
	"slices"
	"strconv"

	"gonum.org/v1/plot/vg"
)

// section is one built-in section of the HTML page: its anchor, heading,
// the template (in templates/) that draws it and the function that turns
// the built report into that template's data. A new section is a new
// template file (or a list of blocks) plus one entry in sections.
type section struct {
	id, title, tmpl string
	data            func(b *built) (any, error)
}

// sections lists the built-in sections in page order. Input.Sections
// follow them.
var sections = []section{
	{"summary", "Summary", "summary", summaryData},
	{"headline", "What makes models disagree", "blocks", withDuplicates(withWarnings(headlineData))},
	{"homogenization", "Homogenization", "blocks", homogenizationData},
	{"heatmaps", "Pairwise heatmaps", "blocks", heatmapsData},
	{"scatter", "Accuracy, diversity and disagreement", "blocks", scatterData},
	{"runs", "Runs", "runsall", runsAllData},
	{"evaluation", "Evaluation views", "blocks", evaluationData},
	{"robustness", "Robustness", "blocks", robustnessData},
}

// optionalSections holds, by section id, when a built-in section is
// shown; a section not listed is always shown.
var optionalSections = map[string]func(b *built) bool{}

// summaryView is the data of the summary section.
type summaryView struct {
	Runs, OK, Failed, Skipped, Other int
	Models                           int
	HasAcc                           bool
	AccMean, AccMin, AccMax          string
	HasAgree                         bool
	AgreeMean                        string
	AgreePairs, AgreeNaN             int
	Axes                             []Axis
	Problems                         []Run
	Env                              []keyValue
	Spec                             string
	// Headline holds top-line findings from the metrics, when computed.
	Headline []keyValue
	// Analyzed says where analyzed predictions came from (Input.Analyzed);
	// empty for a study's own runs.
	Analyzed string
}

type keyValue struct{ Key, Value string }

// accuracyStats returns the mean, min and max of the finite test
// accuracies of finished runs, and how many there were.
func accuracyStats(runs []Run) (mean, lo, hi float64, n int) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, r := range runs {
		if r.Status != StatusOK || math.IsNaN(r.TestAccuracy) || math.IsInf(r.TestAccuracy, 0) {
			continue
		}
		mean += r.TestAccuracy
		lo, hi = math.Min(lo, r.TestAccuracy), math.Max(hi, r.TestAccuracy)
		n++
	}
	if n == 0 {
		return math.NaN(), math.NaN(), math.NaN(), 0
	}
	return mean / float64(n), lo, hi, n
}

func summaryData(b *built) (any, error) {
	in := b.in
	v := summaryView{Runs: len(in.Runs), Models: len(in.Models), Axes: in.Axes, Spec: in.SpecYAML}
	if a := in.Analyzed; a != nil {
		v.Analyzed = fmt.Sprintf("%d models trained elsewhere, read from %s (%s)", len(in.Runs), noControl(a.Source), noControl(a.Format))
	}
	for _, r := range in.Runs {
		switch r.Status {
		case StatusOK:
			v.OK++
		case StatusFailed:
			v.Failed++
		case StatusSkipped:
			v.Skipped++
		default:
			v.Other++
		}
		if r.Status != StatusOK {
			v.Problems = append(v.Problems, r)
		}
	}
	if mean, lo, hi, n := accuracyStats(in.Runs); n > 0 {
		v.HasAcc = true
		v.AccMean, v.AccMin, v.AccMax = percent(mean), percent(lo), percent(hi)
	}
	if mean, n := MeanAgreement(in.Agreement); n > 0 {
		v.HasAgree = true
		v.AgreeMean = fmt.Sprintf("%.4f", mean)
		v.AgreePairs = n
		v.AgreeNaN = len(in.Models)*(len(in.Models)-1)/2 - n
	}
	if r := in.Metrics; r != nil {
		if b.x.hasAttribution && len(b.x.attribution) > 0 {
			v.Headline = append(v.Headline, keyValue{"Disagreement by axis", rankingText(b.x.attribution) + " (pairs differing in that axis alone; ranked only where the intervals of the differences separate them)"})
		}
		v.Headline = append(v.Headline, keyValue{"Homogenization", overviewH(r) + fmt.Sprintf("; systemic failure rate %s", num(float64(r.Ensemble.SystemicFailureRate), 4))})
	}
	for _, k := range slices.Sorted(mapKeys(in.Environment)) {
		v.Env = append(v.Env, keyValue{k, in.Environment[k]})
	}
	return v, nil
}

func mapKeys(m map[string]string) func(yield func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// runRow is one row of the runs table; the *Key fields are the sort keys
// of the formatted cells, empty when the value is unknown.
type runRow struct {
	Name, ID                 string
	Config                   []string
	Test, Val, Wall          string
	TestKey, ValKey, WallKey string
	Status, Reason           string
}

type runsView struct {
	Axes []string
	Rows []runRow
}

func runsData(in *Input) runsView {
	var v runsView
	for _, a := range in.Axes {
		v.Axes = append(v.Axes, a.Key)
	}
	for _, r := range in.Runs {
		row := runRow{Name: r.Name, ID: r.ID, Status: r.Status, Reason: r.Reason}
		for _, a := range in.Axes {
			row.Config = append(row.Config, r.Config[a.Key])
		}
		row.Test, row.TestKey = percent(r.TestAccuracy), sortKey(r.TestAccuracy)
		row.Val, row.ValKey = percent(r.ValAccuracy), sortKey(r.ValAccuracy)
		row.Wall, row.WallKey = duration(r.WallSeconds), sortKey(r.WallSeconds)
		if r.Status != StatusOK {
			// A run that did not finish has no accuracy to compare,
			// whatever the fields hold.
			row.Test, row.TestKey, row.Val, row.ValKey = "—", "", "—", ""
		}
		v.Rows = append(v.Rows, row)
	}
	return v
}

// percent formats a fraction as a percentage, "—" when unknown.
func percent(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "—"
	}
	return strconv.FormatFloat(100*x, 'f', 2, 64) + " %"
}

// sortKey formats x for a data-sort attribute, empty when unknown.
func sortKey(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return ""
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

// duration formats seconds as "12.3 s", "4 min 05 s" or "2 h 03 min".
func duration(s float64) string {
	switch {
	case math.IsNaN(s) || math.IsInf(s, 0) || s < 0:
		return "—"
	case s < 60:
		return strconv.FormatFloat(s, 'f', 1, 64) + " s"
	case s < 3600:
		t := int(math.Round(s))
		return fmt.Sprintf("%d min %02d s", t/60, t%60)
	}
	t := int(math.Round(s / 60))
	return fmt.Sprintf("%d h %02d min", t/60, t%60)
}

// block is one piece of a section drawn by the "blocks" template.
type block struct {
	Kind  string // "h3", "p", "empty", "facts", "figures" or "table"
	Text  string
	Facts []keyValue
	Figs  []figView
	Table *paperTable
}

// figView is one figure on the page.
type figView struct {
	Name, Caption string
	SVG           template.HTML
	Wide, Heatmap bool
}

func para(s string) block    { return block{Kind: "p", Text: s} }
func empty(s string) block   { return block{Kind: "empty", Text: s} }
func heading(s string) block { return block{Kind: "h3", Text: s} }

// figBlock shows the named paper figures that exist, side by side, or the
// note when none does.
func (b *built) figBlock(note string, names ...string) (block, error) {
	bl := block{Kind: "figures"}
	for _, n := range names {
		f, ok := b.figs[n]
		if !ok {
			continue
		}
		svg, err := b.figSVG(n)
		if err != nil {
			return block{}, fmt.Errorf("figure %s: %w", n, err)
		}
		// Cell grids (confusion matrices) keep their natural size;
		// plots scale to the column.
		bl.Figs = append(bl.Figs, figView{Name: n, Caption: f.caption, SVG: svg, Wide: f.wide, Heatmap: n == "confusion"})
	}
	if len(bl.Figs) == 0 {
		return empty(note), nil
	}
	return bl, nil
}

// table returns the named paper table, nil when absent.
func (b *built) table(name string) *paperTable {
	for _, t := range b.tables {
		if t.Name == name {
			return t
		}
	}
	return nil
}

func headlineData(b *built) (any, error) {
	switch {
	case b.in.Metrics == nil:
		return []block{empty("No metrics were computed.")}, nil
	case !b.x.hasAttribution:
		why := "not computed"
		if r := b.in.Metrics.Reasons["attribution"]; r != "" {
			why += ": " + r
		}
		return []block{empty("Factor attribution " + why + ".")}, nil
	case len(b.x.attribution) == 0:
		return []block{empty("Factor attribution: no pair of runs differs in exactly one axis.")}, nil
	}
	blocks := []block{
		para(attributionHeadline(b.x.attribution, b.x.attrSummary)),
		{Kind: "table", Table: b.table("attribution")},
	}
	if t := b.table("attribution-cells"); t != nil {
		blocks = append(blocks, block{Kind: "table", Table: t})
	}
	return append(blocks, para(attributionNote(b.x.hasIntervals(), b.x.attrSummary))), nil
}

func homogenizationData(b *built) (any, error) {
	r := b.in.Metrics
	if r == nil {
		return []block{empty("No metrics were computed.")}, nil
	}
	e := &r.Ensemble
	ci := func(key string, prec int) string {
		iv, ok := b.x.ensembleCI[key]
		if !ok || !iv.ok() {
			return "interval not computed"
		}
		return "95% interval [" + num(float64(iv[0]), prec) + ", " + num(float64(iv[1]), prec) + "]"
	}
	facts := append([]keyValue{
		{"Systemic failure rate", fmt.Sprintf("%s of instances every model gets wrong (%s)", num(float64(e.SystemicFailureRate), 4), ci("systemic_failure_rate", 4))}},
		homogenizationFacts(r, b.x.ensembleCI, b.x.ensembleP, b.x.permutations)...)
	facts = append(facts, []keyValue{
		{"… if independent", fmt.Sprintf("%s = ∏ e_m, the product of the models' error rates", sci(float64(e.IndependentFailureRate)))},
		{"All-correct rate", fmt.Sprintf("%s against %s = ∏ a_m if independent", num(float64(e.AllCorrectRate), 4), sci(float64(e.IndependentAllCorrectRate)))},
		{"Majority vote", fmt.Sprintf("accuracy %s against mean %s and best %s", num(float64(e.MajorityVoteAccuracy), 4), num(float64(e.MeanAccuracy), 4), num(float64(e.BestAccuracy), 4))},
		{"Fleiss' κ", num(float64(e.FleissKappa), 4)},
	}...)
	fb, err := b.figBlock("No failure-count histogram (fewer than one model).", "failures")
	if err != nil {
		return nil, err
	}
	out := []block{{Kind: "facts", Facts: facts}, fb}
	if t := b.table("ensemble"); t != nil {
		out = append(out, heading("Every whole-set measure"), block{Kind: "table", Table: t})
	}
	if t := b.table("pairwise"); t != nil {
		out = append(out, heading("Pairwise measures, mean over pairs"), block{Kind: "table", Table: t})
	}
	return out, nil
}

// sci formats small probabilities in scientific notation.
func sci(x float64) string {
	if !finite(x) {
		return "—"
	}
	if x != 0 && math.Abs(x) < 1e-3 {
		return strconv.FormatFloat(x, 'e', 2, 64)
	}
	return num(x, 4)
}

func heatmapsData(b *built) (any, error) {
	in := b.in
	if len(in.Models) == 0 {
		return []block{empty("There are no finished runs, so there is nothing to compare.")}, nil
	}
	var out []block
	for _, h := range b.heatmapSources() {
		if h.values == nil {
			why := ""
			if in.Metrics != nil {
				keys := h.reasons
				if keys == nil {
					keys = []string{"pairwise." + h.name}
				}
				for _, key := range keys {
					if r := in.Metrics.Reasons[key]; r != "" && why == "" {
						why = ": " + r
					}
				}
			}
			out = append(out, empty(fmt.Sprintf("No %s matrix was computed%s.", h.measure, why)))
			continue
		}
		k := len(h.values) // the models shown
		var svg template.HTML
		if _, ok := b.figs[h.name]; ok && k > rasterHeatmapAbove {
			// A raster heatmap is drawn the same on the page as in the
			// paper figure (the image scales), so the paper figure's
			// rendering serves both.
			s, err := b.figSVG(h.name)
			if err != nil {
				return nil, err
			}
			svg = s
		} else {
			hm := b.heatmaps[h.name]
			if hm == nil {
				var err error
				if hm, err = newHeatmap(h.measure, h.pick(in.plotNames()), h.pick(b.fams), h.values); err != nil {
					return nil, err
				}
			}
			f, err := hm.figure(heatmapSize{cell: htmlCell(k)})
			if err != nil {
				return nil, err
			}
			if svg, err = svgOf(f); err != nil {
				return nil, err
			}
		}
		cap := heatmapCaption(h.measure, k, h.values)
		if h.cite != "" {
			cap += " (" + h.cite + ")"
		}
		cap += h.note
		out = append(out, block{Kind: "figures", Figs: []figView{{Name: h.name, Caption: cap, SVG: svg, Wide: true, Heatmap: true}}})
	}
	return out, nil
}

// htmlCell is the heatmap cell side on the page: big for few models,
// shrinking so that the heatmap stays about 480pt wide, never below 4pt.
func htmlCell(m int) vg.Length {
	return vg.Length(max(4, min(40, 480/float64(m))))
}

func scatterData(b *built) (any, error) {
	var out []block
	fb, err := b.figBlock("No pairwise measures to plot.", "accuracy_vs_error_consistency", "diversity_accuracy")
	if err != nil {
		return nil, err
	}
	out = append(out, fb)
	note := "Generalisation–disagreement not computed."
	if b.in.Metrics != nil {
		if r := b.in.Metrics.Reasons["generalization_disagreement"]; r != "" {
			note = "Generalisation–disagreement not computed: " + r + "."
		}
	}
	if b.x.hasRecipes && len(b.x.recipes) == 0 {
		note = "Generalisation–disagreement: no recipe has two or more seeds."
	}
	fb, err = b.figBlock(note, "generalization_disagreement")
	if err != nil {
		return nil, err
	}
	return append(out, fb), nil
}

type runsAll struct {
	Runs   runsView
	Curves []block
}

func runsAllData(b *built) (any, error) {
	v := runsAll{Runs: runsData(b.in)}
	fb, err := b.figBlock("No run recorded a training loss.", "training_loss")
	if err != nil {
		return nil, err
	}
	v.Curves = []block{heading("Training curves"), fb}
	return v, nil
}

func evaluationData(b *built) (any, error) {
	x := b.in.Matrix
	if x == nil {
		return []block{empty("No prediction matrix was given, so there are no evaluation views.")}, nil
	}
	var out []block
	fb, err := b.figBlock("No confusion matrix (fewer than two classes, or more than 50).", "confusion")
	if err != nil {
		return nil, err
	}
	out = append(out, heading("Confusion matrices"), fb)
	rocNote := fmt.Sprintf("ROC curves are drawn for binary tasks with probabilities; this task has %d classes.", x.Classes)
	if x.Classes == 2 && x.Prob == nil {
		rocNote = "ROC curves need class probabilities; the predictions have labels only."
	}
	fb, err = b.figBlock(rocNote, "roc")
	if err != nil {
		return nil, err
	}
	out = append(out, heading("ROC curves"), fb)
	fb, err = b.figBlock("A reliability diagram needs class probabilities; the predictions have labels only.", "reliability")
	if err != nil {
		return nil, err
	}
	out = append(out, heading("Calibration"), fb)
	if t := b.table("calibration"); t != nil {
		out = append(out, block{Kind: "table", Table: t})
	}
	return out, nil
}
