package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// attributionRow is one axis of the factor attribution (metrics.json
// "attribution"). The members beyond Measures are absent from older
// metrics.json files and then read as NaN.
type attributionRow struct {
	Axis                 string                    `json:"axis"`
	Rank                 int                       `json:"rank"`
	Tied                 bool                      `json:"tied"`
	NPairs               int                       `json:"n_pairs"`
	MeanDisagreement     fnum                      `json:"mean_disagreement"`
	MeanDisagreementCI   interval                  `json:"mean_disagreement_ci"`
	AccuracyGap          fnum                      `json:"accuracy_gap"`
	ExcessDisagreement   fnum                      `json:"excess_disagreement"`
	ExcessDisagreementCI interval                  `json:"excess_disagreement_ci"`
	ErrorConsistency     fnum                      `json:"error_consistency"`
	ErrorConsistencyCI   interval                  `json:"error_consistency_ci"`
	ExcessOverSeed       fnum                      `json:"excess_over_seed"`
	ExcessOverSeedCI     interval                  `json:"excess_over_seed_ci"`
	Measures             map[string]measureSummary `json:"measures"`
	PrattImportance      fnum                      `json:"pratt_importance"`
	Cells                []attributionCell         `json:"cells"`
}

// UnmarshalJSON decodes r with absent numbers and intervals read as NaN
// (not computed), never as 0 or [0, 0].
func (r *attributionRow) UnmarshalJSON(b []byte) error {
	type plain attributionRow
	nan := fnum(nanInterval[0])
	p := plain{MeanDisagreementCI: nanInterval, ExcessDisagreementCI: nanInterval, ErrorConsistencyCI: nanInterval, ExcessOverSeedCI: nanInterval,
		AccuracyGap: nan, ExcessDisagreement: nan, ErrorConsistency: nan, ExcessOverSeed: nan, PrattImportance: nan}
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*r = attributionRow(p)
	return nil
}

// attributionCell is one axis within one cell of the other axes.
type attributionCell struct {
	Cell             string   `json:"cell"`
	NPairs           int      `json:"n_pairs"`
	Disagreement     fnum     `json:"disagreement"`
	DisagreementCI   interval `json:"disagreement_ci"`
	AccuracyGap      fnum     `json:"accuracy_gap"`
	ExcessOverSeed   fnum     `json:"excess_over_seed"`
	ExcessOverSeedCI interval `json:"excess_over_seed_ci"`
}

// UnmarshalJSON decodes c with absent intervals read as NaN.
func (c *attributionCell) UnmarshalJSON(b []byte) error {
	type plain attributionCell
	p := plain{DisagreementCI: nanInterval, ExcessOverSeedCI: nanInterval}
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*c = attributionCell(p)
	return nil
}

// attributionSummary is metrics.json "attribution_summary": how the
// intervals were made and the ranking they support.
type attributionSummary struct {
	Intervals      string     `json:"intervals"`
	IntervalsWhy   string     `json:"intervals_why"`
	ReplicateAxes  []string   `json:"replicate_axes"`
	ReplicateUnits int        `json:"replicate_units"`
	Tiers          [][]string `json:"tiers"`
	Ranking        string     `json:"ranking"`
	PrattR2        fnum       `json:"pratt_r2"`
}

// twoWay reports whether the intervals resample replicate runs too.
func (s *attributionSummary) twoWay() bool {
	return s != nil && s.Intervals == "instances and replicate runs"
}

// intervalsText says what the attribution's intervals resample.
func (s *attributionSummary) intervalsText() string {
	switch {
	case s.twoWay():
		return fmt.Sprintf("a two-way bootstrap that resamples the test instances and the %d replicate units (values of %s, each shared by every recipe), with Student-t bounds on %d degrees of freedom",
			s.ReplicateUnits, strings.Join(s.ReplicateAxes, ", "), s.ReplicateUnits-1)
	case s != nil && s.IntervalsWhy != "":
		return "a bootstrap over test instances only, so run-to-run variability is not in them (" + s.IntervalsWhy + ")"
	}
	return "a bootstrap over test instances only, so run-to-run variability is not in them"
}

// rankText shows a rank, marking ties.
func rankText(r attributionRow) string {
	if r.Tied {
		return strconv.Itoa(r.Rank) + " (tied)"
	}
	return strconv.Itoa(r.Rank)
}

// disagreementCI is the row's interval of the mean disagreement: the
// metrics stage's own, or else the mirror of the mean agreement's
// instance-only interval (older metrics.json).
func (r attributionRow) disagreementCI() interval {
	if r.MeanDisagreementCI.ok() {
		return r.MeanDisagreementCI
	}
	if ag, ok := r.Measures["agreement"]; ok && ag.CI.ok() {
		return interval{1 - ag.CI[1], 1 - ag.CI[0]}
	}
	return nanInterval
}

// attributionTable is the headline: per axis, how much changing that axis
// alone changes the predictions, ranked as far as the intervals allow.
func attributionTable(rows []attributionRow, sum *attributionSummary) *paperTable {
	t := &paperTable{
		Name:   "attribution",
		Header: []string{"rank", "axis", "pairs", "disagreement", "excess over accuracy gap", "excess over seed", "error consistency κ", "Pratt importance"},
		CSVHeader: []string{"rank", "tied", "axis", "n_pairs", "mean_disagreement", "mean_disagreement_ci_lo", "mean_disagreement_ci_hi",
			"accuracy_gap", "excess_disagreement", "excess_disagreement_ci_lo", "excess_disagreement_ci_hi",
			"excess_over_seed", "excess_over_seed_ci_lo", "excess_over_seed_ci_hi",
			"error_consistency", "error_consistency_ci_lo", "error_consistency_ci_hi",
			"cohen_kappa", "cohen_kappa_ci_lo", "cohen_kappa_ci_hi", "pratt_importance"},
	}
	anyCI := false
	for _, r := range rows {
		ck := r.Measures["cohen_kappa"]
		if ck.Mean == 0 && ck.NDefined == 0 {
			ck.Mean, ck.CI = fnum(nanInterval[0]), nanInterval
		}
		ec, eci := r.ErrorConsistency, r.ErrorConsistencyCI
		if !finite(float64(ec)) && !eci.ok() { // older metrics.json
			m := r.Measures["error_consistency"]
			if m.NDefined > 0 {
				ec, eci = m.Mean, m.CI
			}
		}
		dci := r.disagreementCI()
		anyCI = anyCI || dci.ok()
		row := []tcell{
			{Text: rankText(r)}, {Text: r.Axis}, {Text: strconv.Itoa(r.NPairs), Num: true},
			{Text: withCI(float64(r.MeanDisagreement), dci, 3), Num: true, Bold: r.Rank == 1},
			{Text: withCI(float64(r.ExcessDisagreement), r.ExcessDisagreementCI, 3), Num: true},
			{Text: withCI(float64(r.ExcessOverSeed), r.ExcessOverSeedCI, 3), Num: true},
			{Text: withCI(float64(ec), eci, 3), Num: true},
			{Text: num(float64(r.PrattImportance), 3), Num: true},
		}
		t.Rows = append(t.Rows, row)
		t.CSV = append(t.CSV, []string{strconv.Itoa(r.Rank), strconv.FormatBool(r.Tied), r.Axis, strconv.Itoa(r.NPairs),
			raw(float64(r.MeanDisagreement)), raw(float64(dci[0])), raw(float64(dci[1])),
			raw(float64(r.AccuracyGap)), raw(float64(r.ExcessDisagreement)), raw(float64(r.ExcessDisagreementCI[0])), raw(float64(r.ExcessDisagreementCI[1])),
			raw(float64(r.ExcessOverSeed)), raw(float64(r.ExcessOverSeedCI[0])), raw(float64(r.ExcessOverSeedCI[1])),
			raw(float64(ec)), raw(float64(eci[0])), raw(float64(eci[1])),
			raw(float64(ck.Mean)), raw(float64(ck.CI[0])), raw(float64(ck.CI[1])), raw(float64(r.PrattImportance))})
	}
	c := "What makes models disagree: for each axis, the pairs of runs that differ in that axis alone, mean over the pairs. " +
		"Excess over accuracy gap: disagreement minus |a_A − a_B|, which two models of accuracies a_A and a_B must disagree by at least. " +
		"Excess over seed: disagreement minus that of the seed pairs (runs that differ only in their seeds) of the same recipes; — for a seed axis or without one. "
	if anyCI {
		c += "[low, high]: 95% intervals from " + sum.intervalsText() + ". " +
			"Axes whose paired interval of the difference in disagreement contains 0 are tied and share a rank; rank 1 in bold. "
	} else {
		c += "Without intervals no axis is separated from another, so all are tied. "
	}
	c += "Pratt importance: from the additive least-squares regression of pairwise disagreement on one indicator per axis (the pair differs in it); " +
		"it ignores interactions, grows with an axis' number of levels and is not a share of variance"
	if sum != nil && finite(float64(sum.PrattR2)) {
		c += ": the importances sum to the regression's R² = " + num(float64(sum.PrattR2), 3) + ", not to 1"
	}
	t.Caption = c + "."
	return t
}

// maxCellRows bounds the rows of the per-cell table; metrics.json holds
// every cell.
const maxCellRows = 64

// attributionCellsTable shows each axis within each cell of the other
// axes, which shows interactions; nil when no row has cells.
func attributionCellsTable(rows []attributionRow) *paperTable {
	t := &paperTable{
		Name:      "attribution-cells",
		Header:    []string{"axis", "within", "pairs", "disagreement", "accuracy gap", "excess over seed"},
		CSVHeader: []string{"axis", "cell", "n_pairs", "disagreement", "disagreement_ci_lo", "disagreement_ci_hi", "accuracy_gap", "excess_over_seed", "excess_over_seed_ci_lo", "excess_over_seed_ci_hi"},
	}
	total := 0
	for _, r := range rows {
		for _, c := range r.Cells {
			total++
			t.CSV = append(t.CSV, []string{r.Axis, c.Cell, strconv.Itoa(c.NPairs), raw(float64(c.Disagreement)), raw(float64(c.DisagreementCI[0])), raw(float64(c.DisagreementCI[1])),
				raw(float64(c.AccuracyGap)), raw(float64(c.ExcessOverSeed)), raw(float64(c.ExcessOverSeedCI[0])), raw(float64(c.ExcessOverSeedCI[1]))})
			if len(t.Rows) >= maxCellRows {
				continue
			}
			within := c.Cell
			if within == "" {
				within = "(no other axis)"
			}
			t.Rows = append(t.Rows, []tcell{{Text: r.Axis}, {Text: within}, {Text: strconv.Itoa(c.NPairs), Num: true},
				{Text: withCI(float64(c.Disagreement), c.DisagreementCI, 3), Num: true},
				{Text: num(float64(c.AccuracyGap), 3), Num: true},
				{Text: withCI(float64(c.ExcessOverSeed), c.ExcessOverSeedCI, 3), Num: true}})
		}
	}
	if total == 0 {
		return nil
	}
	t.Caption = "Interactions: each axis' pairs within each cell of the other axes (seeds pooled). An axis whose disagreement differs between cells interacts with the axes that define them, so its mean in the table above depends on the grid. Accuracy gap: mean |a_A − a_B| of the pairs. Excess over seed: as above, within the cell."
	for _, r := range t.Rows {
		if strings.Contains(r[3].Text, "[") {
			t.Caption += " Intervals: as above."
			break
		}
	}
	if total > len(t.Rows) {
		t.Caption += fmt.Sprintf(" The first %d of %d cells; metrics.json and tables/attribution-cells.csv hold all.", len(t.Rows), total)
	}
	return t
}

// rankingText writes the ranking with each axis' mean disagreement, as
// "a 0.166 > {b 0.053, c 0.051 tied}": axes of one rank form a tier.
func rankingText(rows []attributionRow) string {
	var parts []string
	for k := 0; k < len(rows); {
		j := k + 1
		for j < len(rows) && rows[j].Rank == rows[k].Rank {
			j++
		}
		var tier []string
		for _, r := range rows[k:j] {
			tier = append(tier, r.Axis+" "+num(float64(r.MeanDisagreement), 4))
		}
		if len(tier) == 1 {
			parts = append(parts, tier[0])
		} else {
			parts = append(parts, "{"+strings.Join(tier, ", ")+" tied}")
		}
		k = j
	}
	return strings.Join(parts, " > ")
}

// attributionHeadline is the sentence above the attribution table.
func attributionHeadline(rows []attributionRow, sum *attributionSummary) string {
	var top []attributionRow
	for _, a := range rows {
		if a.Rank == 1 {
			top = append(top, a)
		}
	}
	if len(top) == 0 {
		top = rows[:1]
	}
	if len(top) > 1 || len(rows) == 1 && top[0].Tied {
		var names []string
		for _, a := range top {
			names = append(names, a.Axis)
		}
		why := "the intervals of their differences contain 0"
		if !top[0].disagreementCI().ok() {
			why = "no intervals were computed, so none is separated"
		}
		return fmt.Sprintf("No single axis changes the most predictions: %s are tied (%s). Ranking: %s.", joinAnd(names), why, rankingText(rows))
	}
	a := top[0]
	s := fmt.Sprintf("Changing %s alone changes the most predictions: a mean disagreement of %s over %d pairs of runs that differ in nothing else", a.Axis, withCI(float64(a.MeanDisagreement), a.disagreementCI(), 3), a.NPairs)
	if len(rows) > 1 {
		s += ", separated from every other axis by the paired intervals of the differences"
	}
	s += "."
	if finite(float64(a.AccuracyGap)) {
		s += fmt.Sprintf(" Of it, %s is forced by the gap between the two runs' accuracies (|a_A − a_B|), leaving an excess of %s", num(float64(a.AccuracyGap), 3), num(float64(a.ExcessDisagreement), 3))
		if finite(float64(a.ExcessOverSeed)) {
			s += fmt.Sprintf("; it exceeds the disagreement of seed replicates in the same cells by %s", num(float64(a.ExcessOverSeed), 3))
		}
		s += "."
	}
	return s + " Ranking: " + rankingText(rows) + "."
}

// attributionNote explains the attribution tables; the sentence on their
// intervals only when the bootstrap computed some.
func attributionNote(intervals bool, sum *attributionSummary) string {
	s := "Pairs of runs that differ in exactly one axis, everything else equal. "
	if intervals {
		s += "Intervals come from " + sum.intervalsText() + "; pairs of runs are never resampled as if independent, since pairs that share a run are not. "
		s += "An axis is ranked above another only when the paired interval of the difference of their mean disagreements excludes 0 (95%, not adjusted for the number of comparisons). "
	}
	return s + "Pratt importance is not a share of variance: the importances sum to the R² of an additive model that ignores interactions, and the table of cells shows them."
}

// attributionFootnotes writes, under the terminal's attribution table,
// the ranking, what the intervals resample and R² of the Pratt
// importances.
func attributionFootnotes(w io.Writer, rows []attributionRow, sum *attributionSummary, intervals bool) error {
	ew := &errWriter{w: w}
	rk := "ranking: " + rankingText(rows)
	if intervals {
		rk += " (an axis is ranked above another only when the 95% paired interval of their difference excludes 0)"
	} else {
		rk += " (no intervals: nothing is separated)"
	}
	fmt.Fprintln(ew, rk)
	if intervals {
		fmt.Fprintln(ew, "intervals: "+sum.intervalsText())
	}
	if sum != nil && finite(float64(sum.PrattR2)) {
		fmt.Fprintf(ew, "Pratt importance: additive model, not a share of variance; the importances sum to R² = %s\n", num(float64(sum.PrattR2), 3))
	}
	return ew.err
}

// attributionMethods is the methods sentence on the factor attribution;
// cite returns the citation of its keys.
func attributionMethods(sum *attributionSummary, intervals bool, cite func(...string) string) string {
	s := "To attribute disagreement to the axes of the grid, we compare the pairs of runs that differ in exactly one axis, everything else equal. " +
		"Beside their mean disagreement we report the excess over the accuracy gap (disagreement minus |a_A − a_B|, its lower bound), the excess over the seed pairs of the same recipes, error consistency, and each axis within each cell of the other axes."
	if intervals {
		s += " The intervals of the attribution come from " + sum.intervalsText() + "; axes are ranked only where the paired interval of their difference excludes 0, and are tied otherwise."
		if sum.twoWay() {
			s += " The run resample draws seeds with replacement, the same draw for every recipe so that matched pairs stay matched, as a pigeonhole bootstrap of instances × runs " + cite("owen2007pigeonhole") + ", with the few-cluster correction √(G/(G−1)) and t quantiles on G − 1 degrees of freedom for G seeds " + cite("cameron2015practitioner") + "."
		}
	}
	return s
}
