package metrics

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"slices"
	"testing"

	"github.com/study-harness/study/study/predmat"
)

// attributionReference is testdata/attribution_twoway.json, made by
// testdata/gen_attribution.py (numpy and scipy).
type attributionReference struct {
	Configs    []map[string]string `json:"configs"`
	Labels     []int32             `json:"labels"`
	Preds      [][]int32           `json:"preds"`
	Classes    int                 `json:"classes"`
	InstCounts [][]int32           `json:"inst_counts"`
	UnitCounts [][]int             `json:"unit_counts"`
	Expected   struct {
		Axes []struct {
			Axis                       string
			NPairs                     int `json:"n_pairs"`
			Dis, Gap, Excess, EC, Over *float64
			DisCI                      *[2]float64 `json:"dis_ci"`
			GapCI                      *[2]float64 `json:"gap_ci"`
			ExcessCI                   *[2]float64 `json:"excess_ci"`
			ECCI                       *[2]float64 `json:"ec_ci"`
			OverCI                     *[2]float64 `json:"over_ci"`
			Cells                      []struct {
				Cell           string
				NPairs         int `json:"n_pairs"`
				Dis, Gap, Over *float64
				DisCI          *[2]float64 `json:"dis_ci"`
				OverCI         *[2]float64 `json:"over_ci"`
			}
		}
		Differences []struct {
			A, B       string
			Difference float64
			CI         *[2]float64
			Separated  bool
		}
		Tiers [][]string
	}
}

func TestTwoWayAttributionMatchesNumpy(t *testing.T) {
	b, err := os.ReadFile("testdata/attribution_twoway.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref attributionReference
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	n := len(ref.Labels)
	x := &predmat.Matrix{Classes: ref.Classes, Labels: ref.Labels, Configs: ref.Configs}
	for a, row := range ref.Preds {
		x.Models = append(x.Models, fmt.Sprint("m", a))
		x.Pred = append(x.Pred, row...)
	}
	for i := range n {
		x.Instances = append(x.Instances, fmt.Sprint(i))
	}
	pm, _, err := Pairwise(x, 1)
	if err != nil {
		t.Fatal(err)
	}
	acc := make([]float64, x.M())
	for a := range acc {
		for i := range n {
			if x.Correct(a, i) {
				acc[a]++
			}
		}
		acc[a] /= float64(n)
	}
	s := &sampler{x: x, p: pack(x), bs: bootstrapFrom(ref.InstCounts, n), workers: 2}
	s.right = s.bs.replicateRight(s.p, 2)
	at, sum, why := attribution(x.Configs, acc, pm, s, ref.UnitCounts, nil)

	const tol = 1e-9
	same := func(got float64, want *float64) bool {
		if want == nil {
			return math.IsNaN(got)
		}
		return math.Abs(got-*want) <= tol
	}
	sameCI := func(got *Interval, want *[2]float64) bool {
		if got == nil {
			return false
		}
		if want == nil {
			return math.IsNaN(got[0]) && math.IsNaN(got[1])
		}
		return math.Abs(got[0]-want[0]) <= tol && math.Abs(got[1]-want[1]) <= tol
	}
	if len(at) != len(ref.Expected.Axes) {
		t.Fatalf("%d axes, want %d", len(at), len(ref.Expected.Axes))
	}
	for g, w := range ref.Expected.Axes {
		a := at[g]
		t.Run(w.Axis, func(t *testing.T) {
			checks := []struct {
				name string
				ok   bool
			}{
				{"is in numpy's order", a.Axis == w.Axis && a.NPairs == w.NPairs},
				{"mean disagreement", same(float64(a.MeanDisagreement), w.Dis) && sameCI(a.MeanDisagreementCI, w.DisCI)},
				{"accuracy gap", same(float64(a.AccuracyGap), w.Gap) && sameCI(a.AccuracyGapCI, w.GapCI)},
				{"excess over the accuracy gap", same(float64(a.ExcessDisagreement), w.Excess) && sameCI(a.ExcessDisagreementCI, w.ExcessCI)},
				{"error consistency", same(float64(a.ErrorConsistency), w.EC) && sameCI(a.ErrorConsistencyCI, w.ECCI)},
				{"excess over seed", same(float64(a.ExcessOverSeed), w.Over) && sameCI(a.ExcessOverSeedCI, w.OverCI)},
				{"number of cells", len(a.Cells) == len(w.Cells)},
			}
			for c := range min(len(a.Cells), len(w.Cells)) {
				ac, wc := a.Cells[c], w.Cells[c]
				checks = append(checks, struct {
					name string
					ok   bool
				}{"cell " + wc.Cell, ac.Cell == wc.Cell && ac.NPairs == wc.NPairs && same(float64(ac.Disagreement), wc.Dis) &&
					sameCI(ac.DisagreementCI, wc.DisCI) && same(float64(ac.AccuracyGap), wc.Gap) &&
					same(float64(ac.ExcessOverSeed), wc.Over) && sameCI(ac.ExcessOverSeedCI, wc.OverCI)})
			}
			for _, c := range checks {
				if !c.ok {
					got, _ := json.Marshal(a)
					t.Errorf("%s differs from numpy: got %s", c.name, got)
				}
			}
		})
	}
	t.Run("differences between axes", func(t *testing.T) {
		if len(sum.Differences) != len(ref.Expected.Differences) {
			t.Fatalf("%d differences, want %d", len(sum.Differences), len(ref.Expected.Differences))
		}
		for k, w := range ref.Expected.Differences {
			d := sum.Differences[k]
			if d.A != w.A || d.B != w.B || math.Abs(float64(d.Difference)-w.Difference) > tol || !sameCI(d.CI, w.CI) || d.Separated != w.Separated {
				t.Errorf("difference %d = %+v %v, numpy %+v", k, d, *d.CI, w)
			}
		}
	})
	t.Run("tiers and ranks", func(t *testing.T) {
		if !slices.EqualFunc(sum.Tiers, ref.Expected.Tiers, slices.Equal) {
			t.Errorf("tiers %v, numpy %v", sum.Tiers, ref.Expected.Tiers)
		}
		// The reference is crafted so that one axis is separated and two
		// are tied.
		if sum.Ranking != "a > {b, seed tied}" || at[0].Rank != 1 || at[0].Tied || at[1].Rank != 2 || !at[1].Tied || at[2].Rank != 2 {
			t.Errorf("ranking %q, ranks %d %d %d", sum.Ranking, at[0].Rank, at[1].Rank, at[2].Rank)
		}
	})
	t.Run("intervals are two-way and the seed axis has no excess over itself", func(t *testing.T) {
		if sum.Intervals != "instances and replicate runs" || sum.ReplicateUnits != 3 {
			t.Errorf("summary %+v", sum)
		}
		for g, a := range at {
			if a.Axis == "seed" && why[fmt.Sprintf("attribution[%d].excess_over_seed", g)] == "" {
				t.Errorf("no reason for the seed axis' excess over seed")
			}
		}
	})
}

func TestTiersSeparateOnlyWhatTheIntervalsSeparate(t *testing.T) {
	for _, tc := range []struct {
		name string
		n    int
		sep  [][2]int // separated pairs (i, j), i < j
		want []int
	}{
		{"one axis is one tier", 1, nil, []int{0}},
		{"nothing separated: all tied", 3, nil, []int{0, 0, 0}},
		{"everything separated: a strict order", 3, [][2]int{{0, 1}, {0, 2}, {1, 2}}, []int{0, 1, 2}},
		{"the last two tied", 3, [][2]int{{0, 1}, {0, 2}}, []int{0, 1, 1}},
		{"the first two tied", 3, [][2]int{{0, 2}, {1, 2}}, []int{0, 0, 1}},
		// 2 is separated from 1 but not from 0, so 0 > 1 cannot stand.
		{"a later axis tied with an earlier tier merges the tiers", 3, [][2]int{{0, 1}, {1, 2}}, []int{0, 0, 0}},
		{"a chain of ties is one tier", 4, [][2]int{{0, 2}, {0, 3}, {1, 3}}, []int{0, 0, 0, 0}},
		{"two tied pairs", 4, [][2]int{{0, 2}, {0, 3}, {1, 2}, {1, 3}}, []int{0, 0, 1, 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := tiers(tc.n, func(i, j int) bool { return slices.Contains(tc.sep, [2]int{i, j}) })
			if !slices.Equal(got, tc.want) {
				t.Errorf("tiers = %v, want %v", got, tc.want)
			}
			for i := range tc.n {
				for j := i + 1; j < tc.n; j++ {
					if got[i] != got[j] && !slices.Contains(tc.sep, [2]int{i, j}) {
						t.Errorf("axes %d and %d are in different tiers but not separated", i, j)
					}
				}
			}
		})
	}
}

func TestAttributionWithoutReplicateAxisFallsBackToInstances(t *testing.T) {
	x := gridMatrix(500, 5, map[string][]string{"arch": {"mlp", "cnn"}, "opt": {"sgd", "adam"}}, onlyArchMatters)
	r, err := Compute(x, Options{Workers: 2, Bootstrap: 30, Permutations: -1})
	if err != nil {
		t.Fatal(err)
	}
	sum, ok := r.Extra["attribution_summary"].(*AttributionSummary)
	if !ok {
		t.Fatalf("attribution_summary = %#v", r.Extra["attribution_summary"])
	}
	if sum.Intervals != "instances only" || sum.IntervalsWhy == "" {
		t.Errorf("intervals %q (%q), want instances only with a reason", sum.Intervals, sum.IntervalsWhy)
	}
	at := r.Extra["attribution"].([]AxisAttribution)
	for g, a := range at {
		if !math.IsNaN(float64(a.ExcessOverSeed)) || r.Reasons[fmt.Sprintf("attribution[%d].excess_over_seed", g)] == "" {
			t.Errorf("%s: excess over seed %v without a seed axis, reason %q", a.Axis, a.ExcessOverSeed, r.Reasons[fmt.Sprintf("attribution[%d].excess_over_seed", g)])
		}
		if a.MeanDisagreementCI == nil || !(a.MeanDisagreementCI[0] <= float64(a.MeanDisagreement) && float64(a.MeanDisagreement) <= a.MeanDisagreementCI[1]) {
			t.Errorf("%s: interval %v does not hold %v", a.Axis, a.MeanDisagreementCI, a.MeanDisagreement)
		}
	}
}

func TestAttributionIsBitIdenticalFromCallToCall(t *testing.T) {
	// Four axes whose Pratt importances sum to different last bits in
	// different orders.
	x := gridMatrix(300, 5, map[string][]string{"arch": {"mlp", "cnn", "gru"}, "opt": {"sgd", "adam"}, "aug": {"none", "flip"}, "seed": {"1", "2"}}, onlyArchMatters)
	pm, _, err := Pairwise(x, 1)
	if err != nil {
		t.Fatal(err)
	}
	acc := make([]float64, x.M())
	var first []byte
	for k := range 50 {
		at, sum, _ := Attribution(x.Configs, acc, pm, nil)
		b, err := json.Marshal([]any{at, sum})
		if err != nil {
			t.Fatal(err)
		}
		if k == 0 {
			first = b
		} else if string(b) != string(first) {
			t.Fatalf("call %d differs from the first:\n%s\n%s", k, b, first)
		}
	}
}
