package report

import (
	"math"
	"slices"
	"testing"

	"github.com/study-harness/study/study/metrics"
)

func TestShiftSection(t *testing.T) {
	res := func(acc, sfr, h, h2, hk float64, agree metrics.Square) *metrics.Result {
		r := &metrics.Result{}
		r.Ensemble.MeanAccuracy = metrics.Num(acc)
		r.Ensemble.SystemicFailureRate = metrics.Num(sfr)
		r.Ensemble.Homogenization = metrics.Num(h)
		r.Ensemble.Extra = map[string]any{
			"homogenization_pairwise_mean": metrics.Num(h2), "homogenization_pairwise_mean_ci": metrics.Interval{h2 - 0.1, h2 + 0.1},
			"homogenization_k": metrics.Num(hk), "homogenization_k_size": 3,
		}
		r.Pairwise.Agreement = agree
		return r
	}
	clean := res(0.9, 0.01, 1.5e22, 6.5, 40, metrics.Square{{1, 0.9}, {0.8, 1}})
	shifted := map[string]*metrics.Result{
		"noise":    res(0.6, 0.2, 1.25e12, 2.25, 5, metrics.Square{{1, 0.7}, {0.7, 1}}),
		"rotation": res(0.7, 0.1, math.NaN(), math.NaN(), math.NaN(), metrics.Square{{1, math.NaN()}, {math.NaN(), 1}}),
	}
	s := ShiftSection(clean, []string{"rotation", "noise"}, shifted)
	if s.ID != "shift" || s.Figure != "shift" || s.Table == nil {
		t.Fatalf("section %q, figure %q, table %v; want shift, shift and a table", s.ID, s.Figure, s.Table)
	}
	if h := s.Table.Header; h[4] != "mean pairwise H [95% CI]" || h[5] != "H_3 (groups of 3) [95% CI]" {
		t.Errorf("header %q: want the mean pairwise H and H_3 as the homogenization columns", h)
	}
	// The whole-set H (1.5e22, 1.25e12) grows with the number of models
	// and does not compare across sets: it is not in the table.
	want := [][]string{
		{"clean test set", "0.9000", "0.9000", "0.0100", "6.500 [6.400, 6.600]", "40.000"},
		{"rotation", "0.7000", "NaN", "0.1000", "—", "—"}, // agreement: the mean of no pairs
		{"noise", "0.6000", "0.7000", "0.2000", "2.250 [2.150, 2.350]", "5.000"},
	}
	for i, row := range s.Table.Rows {
		if i >= len(want) || !slices.Equal(row, want[i]) {
			t.Errorf("row %d %q, want %q", i, row, want[min(i, len(want)-1)])
		}
	}
	if len(s.Table.Rows) != len(want) {
		t.Errorf("%d rows, want %d", len(s.Table.Rows), len(want))
	}
}

func TestSharingSection(t *testing.T) {
	s := SharingSection(&metrics.SharingStats{Bootstrap: 200, Permutations: 200, Axes: []metrics.SharingAxis{
		{Key: "init", Sentence: "init sentence", Conditions: []metrics.SharingCondition{
			{Condition: "scratch", Kind: "scratch", Models: []string{"a", "b"}, MeanAccuracy: 0.9, SFR: 0.02, SFRCI: [2]float64{0.01, 0.03},
				PairwiseH: 1.2, PairwiseHCI: [2]float64{1.1, 1.3}, PairwiseHP: 0.5, ErrorConsistency: 0.1, ECCI: [2]float64{0.05, 0.15}, ECP: 1.0 / 201},
			{Condition: "from(seed=100)", Kind: "shared", Models: []string{"c"}, PairwiseHP: metrics.Num(math.NaN()), ECP: metrics.Num(math.NaN())},
		}},
		{Key: "data_subset", Sentence: "data sentence", Conditions: []metrics.SharingCondition{
			{Condition: "disjoint halves", Kind: "disjoint"},
		}},
	}})
	cases := []struct {
		name string
		row  int
		want []string
	}{
		{"a scratch condition is not labelled twice", 0, []string{"init", "scratch", "2", "0.9000", "0.0200 [0.0100, 0.0300]", "1.200 [1.100, 1.300]", "0.500", "0.100 [0.050, 0.150]", "≤ 0.00498 (200 permutations)"}},
		{"an init condition is labelled with its kind", 1, []string{"init", "from(seed=100) (shared)", "1", "0.0000", "0.0000 [0.0000, 0.0000]", "0.000 [0.000, 0.000]", "—", "0.000 [0.000, 0.000]", "—"}},
		{"a data condition is not labelled with its kind", 2, []string{"data_subset", "disjoint halves", "0", "0.0000", "0.0000 [0.0000, 0.0000]", "0.000 [0.000, 0.000]", "≤ 0.00498 (200 permutations)", "0.000 [0.000, 0.000]", "≤ 0.00498 (200 permutations)"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.row >= len(s.Table.Rows) || !slices.Equal(s.Table.Rows[c.row], c.want) {
				t.Errorf("rows %q, want row %d %q", s.Table.Rows, c.row, c.want)
			}
		})
	}
	if s.ID != "sharing" || len(s.Text) != 3 || s.Text[1] != "init sentence" || s.Text[2] != "data sentence" {
		t.Errorf("section %q with text %q, want sharing with the method and each axis' sentence", s.ID, s.Text)
	}
}
