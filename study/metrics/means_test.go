package metrics

import (
	"math"
	"math/rand/v2"
	"testing"
)

// randomSquare returns an m×m matrix with about a fraction nan of NaN and
// a few infinite cells.
func randomSquare(seed uint64, m int, nan float64) Square {
	rng := rand.New(rand.NewPCG(seed, 3))
	s := NewSquare(m)
	for a := range m {
		for b := range m {
			switch u := rng.Float64(); {
			case u < nan:
				s[a][b] = math.NaN()
			case u < nan+0.01:
				s[a][b] = math.Inf(1)
			default:
				s[a][b] = rng.NormFloat64() * math.Pow(10, float64(rng.IntN(12)-6))
			}
		}
	}
	return s
}

// The pairwise means are accumulated cell by cell rather than over a
// slice of all pairs; they must be the same bits as nanMean over allPairs.
func TestUpperMeanEqualsNanMeanOverAllPairs(t *testing.T) {
	for _, tc := range []struct {
		name string
		m    int
		nan  float64
	}{
		{"one model: no pairs", 1, 0},
		{"two models", 2, 0},
		{"no NaN", 40, 0},
		{"some NaN", 57, 0.2},
		{"all NaN", 9, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := randomSquare(uint64(tc.m), tc.m, tc.nan)
			var v []float64
			for _, pr := range allPairs(tc.m) {
				v = append(v, s[pr[0]][pr[1]])
			}
			want, _ := nanMean(v)
			got := upperMean(s)
			if math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) {
				t.Errorf("upperMean = %v, nanMean over allPairs = %v", got, want)
			}
		})
	}
}

func TestDistinctPairsAndUsedModelsCountAsAMapWould(t *testing.T) {
	for _, tc := range []struct {
		name   string
		m      int
		groups [][][2]int
	}{
		{"no groups", 5, nil},
		{"all pairs", 6, [][][2]int{allPairs(6)}},
		{"overlapping groups", 8, [][][2]int{{{0, 1}, {0, 2}, {1, 2}}, {{0, 2}, {5, 7}}, {{1, 2}}}},
		{"a pair and its reverse are distinct", 4, [][][2]int{{{1, 3}, {3, 1}, {1, 3}}}},
		{"empty groups", 3, [][][2]int{{}, {{0, 2}}, {}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pairs, models := map[[2]int]bool{}, map[int]bool{}
			for _, g := range tc.groups {
				for _, pr := range g {
					pairs[pr] = true
					models[pr[0]], models[pr[1]] = true, true
				}
			}
			if got := distinctPairs(tc.groups); got != len(pairs) {
				t.Errorf("distinctPairs = %d, want %d", got, len(pairs))
			}
			if got := usedModels(tc.groups, tc.m); got != len(models) {
				t.Errorf("usedModels = %d, want %d", got, len(models))
			}
		})
	}
}
