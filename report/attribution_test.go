package report

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/study-harness/study/study/metrics"
)

// craftedAttribution is metrics.json's attribution with augment
// separated from a tie of seed and optimizer/lr.
const craftedAttribution = `[
 {"axis":"augment","rank":1,"tied":false,"n_pairs":12,"mean_disagreement":0.166,"mean_disagreement_ci":[0.148,0.184],
  "accuracy_gap":0.119,"excess_disagreement":0.047,"excess_disagreement_ci":[0.036,0.057],"error_consistency":0.311,"error_consistency_ci":[0.248,0.374],
  "excess_over_seed":0.113,"excess_over_seed_ci":[0.097,0.130],"pratt_importance":0.159,"measures":{},
  "cells":[{"cell":"arch=logreg","n_pairs":6,"disagreement":0.24,"disagreement_ci":[0.21,0.27],"accuracy_gap":0.18,"excess_over_seed":0.19,"excess_over_seed_ci":[0.15,0.23]},
           {"cell":"arch=mlp","n_pairs":6,"disagreement":0.09,"disagreement_ci":[0.07,0.11],"accuracy_gap":0.06,"excess_over_seed":0.03,"excess_over_seed_ci":[0.01,0.04]}]},
 {"axis":"seed","rank":2,"tied":true,"n_pairs":24,"mean_disagreement":0.0526,"mean_disagreement_ci":[0.042,0.063],
  "accuracy_gap":0.004,"excess_disagreement":0.049,"excess_disagreement_ci":[0.037,0.060],"error_consistency":0.737,"error_consistency_ci":[0.694,0.780],
  "excess_over_seed":null,"pratt_importance":0.0005,"measures":{},"cells":[]},
 {"axis":"optimizer/lr","rank":2,"tied":true,"n_pairs":12,"mean_disagreement":0.0510,"mean_disagreement_ci":[0.029,0.073],
  "accuracy_gap":0.005,"excess_disagreement":0.046,"excess_disagreement_ci":[0.024,0.069],"error_consistency":0.747,"error_consistency_ci":[0.653,0.842],
  "excess_over_seed":-0.002,"excess_over_seed_ci":[-0.013,0.010],"pratt_importance":0.0001,"measures":{},"cells":[]}
]`

const craftedSummary = `{"intervals":"instances and replicate runs","replicate_axes":["seed"],"replicate_units":3,
 "tiers":[["augment"],["seed","optimizer/lr"]],"ranking":"augment > {seed, optimizer/lr tied}","pratt_r2":0.25}`

// craftedInput is the metrics sample with the crafted attribution.
func craftedInput(t *testing.T) *Input {
	in := metricsInputWith(t, metrics.Options{Bootstrap: 20, Permutations: -1})
	var at, sum any
	if err := json.Unmarshal([]byte(craftedAttribution), &at); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(craftedSummary), &sum); err != nil {
		t.Fatal(err)
	}
	in.Metrics.Extra["attribution"], in.Metrics.Extra["attribution_summary"] = at, sum
	return in
}

func TestSummaryAttributionShowsTiesExcessAndPratt(t *testing.T) {
	var b strings.Builder
	if err := Summary(&b, craftedInput(t)); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, tc := range []struct {
		name, want string
		count      int
	}{
		{"the excess over the accuracy gap is a column", "excess over accuracy gap", 1},
		{"the excess over seed is a column", "excess over seed", 1},
		{"the disagreement has its two-way interval", "0.166 [0.148, 0.184]", 1},
		{"Pratt importance replaces the variance share", "Pratt importance", 2},
		{"R² is printed once", "R² = 0.250", 1},
		{"tied axes share a rank marked as tied", "2 (tied)", 2},
		{"the ranking groups ties", "ranking: augment 0.1660 > {seed 0.0526, optimizer/lr 0.0510 tied}", 1},
		{"the intervals say what they resample", "resamples the test instances and the 3 replicate units (values of seed", 1},
		{"no variance share is claimed", "variance share", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := strings.Count(out, tc.want); got != tc.count {
				t.Errorf("%q appears %d times, want %d:\n%s", tc.want, got, tc.count, out)
			}
		})
	}
}

func TestAttributionHeadlineClaimsOnlyWhatIsSeparated(t *testing.T) {
	var rows []attributionRow
	if err := json.Unmarshal([]byte(craftedAttribution), &rows); err != nil {
		t.Fatal(err)
	}
	tiedTop := []attributionRow{rows[1], rows[2]}
	tiedTop[0].Rank, tiedTop[1].Rank = 1, 1
	for _, tc := range []struct {
		name string
		rows []attributionRow
		want []string
		not  []string
	}{
		{"a separated top axis is named with its excess", rows,
			[]string{"Changing augment alone changes the most predictions", "0.166 [0.148, 0.184]", "separated from every other axis", "leaving an excess of 0.047", "by 0.113", "{seed 0.0526, optimizer/lr 0.0510 tied}"},
			[]string{"No single axis"}},
		{"a tied top names no winner", tiedTop,
			[]string{"No single axis changes the most predictions: seed and optimizer/lr are tied (the intervals of their differences contain 0)"},
			[]string{"Changing"}},
		{"without intervals nothing is separated", noCI(tiedTop),
			[]string{"are tied (no intervals were computed, so none is separated)"},
			[]string{"Changing", "contain 0"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := attributionHeadline(tc.rows, nil)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("headline lacks %q: %s", w, got)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(got, w) {
					t.Errorf("headline has %q: %s", w, got)
				}
			}
		})
	}
}

// noCI returns rows without intervals, as with the bootstrap off.
func noCI(rows []attributionRow) []attributionRow {
	out := slices.Clone(rows)
	for k := range out {
		out[k].MeanDisagreementCI = nanInterval
	}
	return out
}

func TestAttributionCellsTable(t *testing.T) {
	var rows []attributionRow
	if err := json.Unmarshal([]byte(craftedAttribution), &rows); err != nil {
		t.Fatal(err)
	}
	t.Run("one row per cell, with its interval", func(t *testing.T) {
		tb := attributionCellsTable(rows)
		if tb == nil || len(tb.Rows) != 2 || tb.Rows[0][1].Text != "arch=logreg" || tb.Rows[0][3].Text != "0.240 [0.210, 0.270]" || len(tb.CSV) != 2 {
			t.Errorf("table = %+v", tb)
		}
	})
	t.Run("no cells, no table", func(t *testing.T) {
		if tb := attributionCellsTable(rows[1:]); tb != nil {
			t.Errorf("table = %+v", tb)
		}
	})
	t.Run("many cells are capped in the paper but not in the CSV", func(t *testing.T) {
		big := rows[0]
		big.Cells = nil
		for k := range maxCellRows + 5 {
			big.Cells = append(big.Cells, attributionCell{Cell: fmt.Sprint("x=", k), NPairs: 1, Disagreement: 0.1, DisagreementCI: nanInterval, ExcessOverSeedCI: nanInterval})
		}
		tb := attributionCellsTable([]attributionRow{big})
		if len(tb.Rows) != maxCellRows || len(tb.CSV) != maxCellRows+5 || !strings.Contains(tb.Caption, fmt.Sprintf("The first %d of %d cells", maxCellRows, maxCellRows+5)) {
			t.Errorf("%d rows, %d CSV rows, caption %q", len(tb.Rows), len(tb.CSV), tb.Caption)
		}
	})
}
