package report

import (
	"encoding/json"
	"math"
	"os"
	"slices"
	"strconv"
	"testing"
)

func TestAgreementOrder(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name      string
		agreement [][]float64
		want      []int
	}{
		{"no models give an empty order", nil, nil},
		{"one model stays alone", [][]float64{{1}}, []int{0}},
		{"two models keep input order", [][]float64{{1, 0.5}, {0.5, 1}}, []int{0, 1}},
		{
			"interleaved groups are brought together",
			// {0, 2} agree and {1, 3} agree; the two groups do not.
			[][]float64{
				{1, 0.2, 0.9, 0.1},
				{0.2, 1, 0.15, 0.95},
				{0.9, 0.15, 1, 0.2},
				{0.1, 0.95, 0.2, 1},
			},
			// Merges: (1,3) at 0.05 into cluster 4, (0,2) at 0.1 into
			// cluster 5, then (4,5) with the older cluster first.
			[]int{1, 3, 0, 2},
		},
		{
			"an outlier goes last",
			[][]float64{
				{1, 0.3, 0.3},
				{0.3, 1, 0.9},
				{0.3, 0.9, 1},
			},
			// (1,2) merge into cluster 3; then (0,3), with 0 first.
			[]int{0, 1, 2},
		},
		{
			"average linkage, not single linkage, picks the merge",
			// 3 is very close to 0 only; single linkage would join 3 to
			// {0,1} first, average linkage joins {2} to {0,1} first and
			// {3} last.
			[][]float64{
				{1, 0.99, 0.8, 0.97},
				{0.99, 1, 0.8, 0.3},
				{0.8, 0.8, 1, 0.3},
				{0.97, 0.3, 0.3, 1},
			},
			[]int{3, 2, 0, 1},
		},
		{
			"a NaN pair is left out of the mean",
			// Without 0–1 the groups are {0,2} and {1,3}.
			[][]float64{
				{1, nan, 0.9, 0.2},
				{nan, 1, 0.2, 0.9},
				{0.9, 0.2, 1, 0.1},
				{0.2, 0.9, 0.1, 1},
			},
			[]int{0, 2, 1, 3},
		},
		{
			"clusters with only NaN between them merge last",
			[][]float64{
				{1, nan, 0.9},
				{nan, 1, nan},
				{0.9, nan, 1},
			},
			[]int{1, 0, 2},
		},
		{
			"all NaN merges in cluster order",
			// (0,1) into cluster 3, then (2,3) with leaf 2 first.
			[][]float64{{nan, nan, nan}, {nan, nan, nan}, {nan, nan, nan}},
			[]int{2, 0, 1},
		},
		{
			"ties go to the first pair",
			[][]float64{
				{1, 0.5, 0.5},
				{0.5, 1, 0.5},
				{0.5, 0.5, 1},
			},
			[]int{2, 0, 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := AgreementOrder(tt.agreement)
			if err != nil {
				t.Fatalf("AgreementOrder: %v", err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("order = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestAgreementOrderRejectsANonSquareMatrix(t *testing.T) {
	if _, err := AgreementOrder([][]float64{{1, 0.5}, {0.5}}); err == nil {
		t.Error("AgreementOrder accepted a ragged matrix")
	}
}

// TestAverageLinkageMatchesSciPy compares merges, heights and leaf order
// with SciPy on matrices without ties (testdata/gen_linkage.py).
func TestAverageLinkageMatchesSciPy(t *testing.T) {
	raw, err := os.ReadFile("testdata/linkage.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Cases []struct {
			Dist   [][]float64
			Merges [][4]float64
			Order  []int
		}
	}
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref.Cases) == 0 {
		t.Fatal("the reference file holds no cases")
	}
	for _, c := range ref.Cases {
		n := len(c.Dist)
		t.Run("with "+strconv.Itoa(n)+" items", func(t *testing.T) {
			merges, err := AverageLinkage(c.Dist)
			if err != nil {
				t.Fatalf("AverageLinkage: %v", err)
			}
			if len(merges) != len(c.Merges) {
				t.Fatalf("%d merges, want %d", len(merges), len(c.Merges))
			}
			for k, m := range merges {
				w := c.Merges[k]
				if m.A != int(w[0]) || m.B != int(w[1]) || m.Size != int(w[3]) || math.Abs(m.Height-w[2]) > 1e-12 {
					t.Errorf("merge %d = %+v, want {A:%v B:%v Height:%v Size:%v}", k, m, w[0], w[1], w[2], w[3])
				}
			}
			if got := LeafOrder(merges, n); !slices.Equal(got, c.Order) {
				t.Errorf("leaf order = %v, want %v", got, c.Order)
			}
		})
	}
}

func TestLeafOrderFallsBackOnABrokenTree(t *testing.T) {
	tests := []struct {
		name   string
		merges []Merge
	}{
		{"too few merges", []Merge{{A: 0, B: 1}}},
		{"a merge names a cluster not yet made", []Merge{{A: 0, B: 5}, {A: 2, B: 3}}},
		{"a merge names a negative cluster", []Merge{{A: -1, B: 1}, {A: 2, B: 3}}},
		{"a merge joins a cluster with itself", []Merge{{A: 1, B: 1}, {A: 0, B: 3}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := LeafOrder(tt.merges, 3); !slices.Equal(got, []int{0, 1, 2}) {
				t.Errorf("LeafOrder = %v, want input order [0 1 2]", got)
			}
		})
	}
}
