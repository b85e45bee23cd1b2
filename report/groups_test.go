package report

import (
	"fmt"
	"strings"
	"testing"

	"github.com/study-harness/study/study/metrics"
	"github.com/study-harness/study/study/predmat"
)

func TestGroupsSection(t *testing.T) {
	x := &predmat.Matrix{
		Models: []string{"m0", "m1", "m2"}, Instances: []string{"a1", "b1", "a2", "b2"}, Classes: 2,
		Labels: []int32{0, 0, 0, 0},
		Pred:   []int32{1, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1},
		Groups: []string{"A", "B", "A", "B"},
	}
	for _, tc := range []struct {
		name   string
		groups bool
	}{{"a matrix with groups has the section", true}, {"a matrix without groups has none", false}} {
		t.Run(tc.name, func(t *testing.T) {
			y := *x
			if !tc.groups {
				y.Groups = nil
			}
			r, err := metrics.Compute(&y, metrics.Options{Bootstrap: 20, Permutations: -1})
			if err != nil {
				t.Fatal(err)
			}
			s, ok := GroupsSection(r)
			if ok != tc.groups {
				t.Fatalf("section present %v; want %v", ok, tc.groups)
			}
			if !ok {
				return
			}
			if len(s.Table.Rows) != 2 || s.Table.Rows[1][0] != "B" || s.Table.Rows[1][4] != "1.0000" || s.Table.Rows[0][4] != "0.0000" {
				t.Errorf("rows %q; want B failed by every model, A by none", s.Table.Rows)
			}
			all := strings.Join(s.Text, "\n")
			if !strings.Contains(all, "Gap in systemic_failure_rate, largest minus smallest group: 1.0000 [1.0000, 1.0000] (B over A)") {
				t.Errorf("text:\n%s", all)
			}
		})
	}
}

func TestGroupsSectionListsAtMostMaxRows(t *testing.T) {
	n := maxGroupRows + 50
	x := &predmat.Matrix{Models: []string{"m0", "m1"}, Classes: 2, Labels: make([]int32, n), Pred: make([]int32, 2*n), Groups: make([]string, n)}
	for i := range n {
		x.Instances = append(x.Instances, fmt.Sprint(i))
		x.Groups[i] = fmt.Sprintf("g%03d", i)
	}
	r, err := metrics.Compute(x, metrics.Options{Bootstrap: -1, Permutations: -1})
	if err != nil {
		t.Fatal(err)
	}
	s, _ := GroupsSection(r)
	if len(s.Table.Rows) != maxGroupRows+1 || s.Table.Rows[maxGroupRows][0] != "… 50 more groups in metrics.json" {
		t.Errorf("%d rows, last %q", len(s.Table.Rows), s.Table.Rows[len(s.Table.Rows)-1])
	}
}
