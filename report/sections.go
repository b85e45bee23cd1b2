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
// the Input into that template's data. A new section is a new template
// file plus one entry in sections.
type section struct {
	id, title, tmpl string
	data            func(in *Input) (any, error)
}

// sections lists the built-in sections in page order. Input.Sections
// follow them.
var sections = []section{
	{"summary", "Summary", "summary", summaryData},
	{"runs", "Runs", "runs", runsData},
	{"agreement", "Pairwise agreement", "agreement", agreementData},
	{"curves", "Training curves", "curves", curvesData},
}

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

func summaryData(in *Input) (any, error) {
	v := summaryView{Runs: len(in.Runs), Models: len(in.Models), Axes: in.Axes, Spec: in.SpecYAML}
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
		v.AgreeNaN = len(in.Models)*(len(in.Models)-1) - n
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

func runsData(in *Input) (any, error) {
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
	return v, nil
}

type cellView struct {
	Text string
	NaN  bool
}

type agreementRow struct {
	Name   string
	Values []cellView
}

type agreementView struct {
	Models []string
	SVG    template.HTML
	Lo, Hi string
	NaN    int
	Order  []string
	Cells  []agreementRow
}

func agreementData(in *Input) (any, error) {
	v := agreementView{Models: in.Models}
	if len(in.Models) == 0 || in.Agreement == nil {
		return v, nil
	}
	order, err := AgreementOrder(in.Agreement)
	if err != nil {
		return nil, err
	}
	f, err := agreementFigure(in.Models, in.Agreement, order, heatmapSize{cell: htmlCell(len(order))})
	if err != nil {
		return nil, err
	}
	svg, err := inlineSVG(f)
	if err != nil {
		return nil, err
	}
	// The SVG comes from gonum's SVG backend, which escapes every text
	// it draws (html.EscapeString), so it is trusted here.
	v.SVG = template.HTML(svg)
	lo, hi := agreementRange(in.Agreement)
	v.Lo, v.Hi = fmt.Sprintf("%.3f", lo), fmt.Sprintf("%.3f", hi)
	for _, i := range order {
		v.Order = append(v.Order, in.Models[i])
	}
	for _, i := range order {
		row := agreementRow{Name: in.Models[i]}
		for _, j := range order {
			a := in.Agreement[i][j]
			if math.IsNaN(a) {
				row.Values = append(row.Values, cellView{Text: "n/a", NaN: true})
				v.NaN++
				continue
			}
			row.Values = append(row.Values, cellView{Text: fmt.Sprintf("%.3f", a)})
		}
		v.Cells = append(v.Cells, row)
	}
	return v, nil
}

// htmlCell is the heatmap cell side on the page: big for few models,
// shrinking so that the heatmap stays about 480pt wide, never below 4pt.
func htmlCell(m int) vg.Length {
	return vg.Length(max(4, min(48, 480/float64(m))))
}

type curvesView struct {
	SVG          template.HTML
	Shown, Total int
	Legend       bool
}

func curvesData(in *Input) (any, error) {
	idx, total := curveRuns(in.Runs)
	v := curvesView{Shown: len(idx), Total: total, Legend: len(idx) <= maxLegend}
	if len(idx) == 0 {
		return v, nil
	}
	f, err := lossFigure(in.Runs, idx, 6*vg.Inch, 3.5*vg.Inch)
	if err != nil {
		return nil, err
	}
	svg, err := inlineSVG(f)
	if err != nil {
		return nil, err
	}
	v.SVG = template.HTML(svg) // escaped by the SVG backend, as above
	return v, nil
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
