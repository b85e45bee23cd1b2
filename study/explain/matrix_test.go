package explain

import (
	"encoding/json"
	"math"
	"slices"
	"testing"
)

func TestAgreeMatchesNumpy(t *testing.T) {
	mx := loadAgreement(t).Matrix
	include, err := Consensus(mx.Correct, mx.M, mx.N)
	if err != nil {
		t.Fatal(err)
	}
	var got []int
	for i, in := range include {
		if in {
			got = append(got, i)
		}
	}
	if len(got) != len(mx.Consensus) {
		t.Fatalf("consensus set %v, numpy %v", got, mx.Consensus)
	}
	for i := range got {
		if got[i] != mx.Consensus[i] {
			t.Fatalf("consensus set %v, numpy %v", got, mx.Consensus)
		}
	}
	for _, set := range []struct {
		name    string
		include []bool
		want    map[string]json.RawMessage
	}{{"all instances", nil, mx.All}, {"consensus set", include, mx.ConsensusMeans}} {
		t.Run(set.name, func(t *testing.T) {
			r, err := Agree(mx.Attr, mx.M, mx.N, mx.D, AgreeOptions{K: mx.K, Include: set.include, Workers: 3})
			if err != nil {
				t.Fatal(err)
			}
			for name, m := range r.Members("") {
				var want [][]*float64
				if err := json.Unmarshal(set.want[name], &want); err != nil {
					t.Fatal(err)
				}
				for a := range mx.M {
					for b := range mx.M {
						if !sameValue(m[a*mx.M+b], want[a][b]) {
							t.Errorf("%s[%d][%d] = %.15g, numpy %v", name, a, b, m[a*mx.M+b], want[a][b])
						}
					}
				}
			}
			var wantN [][]int
			if err := json.Unmarshal(set.want["rank_correlation_n"], &wantN); err != nil {
				t.Fatal(err)
			}
			for a := range mx.M {
				for b := range mx.M {
					if r.RankCorrelationN[a*mx.M+b] != wantN[a][b] {
						t.Errorf("rank_correlation_n[%d][%d] = %d, numpy %d", a, b, r.RankCorrelationN[a*mx.M+b], wantN[a][b])
					}
				}
			}
		})
	}
}

// randomAttributions returns m×n×d attributions with ties and zeros,
// several models sharing a common component.
func randomAttributions(m, n, d int, seed uint64) []float32 {
	x := make([]float32, m*n*d)
	s := seed
	next := func() float32 { // xorshift, deterministic
		s ^= s << 13
		s ^= s >> 7
		s ^= s << 17
		return float32(int64(s%33)-16) / 8
	}
	common := make([]float32, n*d)
	for j := range common {
		common[j] = next()
	}
	for a := range m {
		for j := range n * d {
			x[a*n*d+j] = common[j] + next()
		}
	}
	return x
}

func TestAgreeIsTheSameForAnyWorkerCountAndChunk(t *testing.T) {
	// 70 instances span three chunks; 19 models span several tiles.
	const m, n, d = 19, 70, 40
	attr := randomAttributions(m, n, d, 7)
	ref, err := Agree(attr, m, n, d, AgreeOptions{K: 10, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []int{2, 3, 8} {
		got, err := Agree(attr, m, n, d, AgreeOptions{K: 10, Workers: w})
		if err != nil {
			t.Fatal(err)
		}
		for name, want := range ref.Members("") {
			g := got.Members("")[name]
			for i := range want {
				if math.Float64bits(g[i]) != math.Float64bits(want[i]) {
					t.Fatalf("%d workers: %s[%d] = %v, 1 worker %v", w, name, i, g[i], want[i])
				}
			}
		}
	}
	// Nor on the instances per chunk.
	for _, chunk := range []int{1, 5, 70} {
		got, err := agree(attr, m, n, d, AgreeOptions{K: 10, Workers: 2}, chunk)
		if err != nil {
			t.Fatal(err)
		}
		for name, want := range ref.Members("") {
			g := got.Members("")[name]
			for i := range want {
				if math.Float64bits(g[i]) != math.Float64bits(want[i]) {
					t.Fatalf("chunks of %d: %s[%d] = %v, chunks of 32: %v", chunk, name, i, g[i], want[i])
				}
			}
		}
	}
	// And each cell is the mean of Compare over the instances.
	for _, cell := range [][2]int{{0, 0}, {0, 18}, {7, 12}, {18, 3}} {
		a, b := cell[0], cell[1]
		var sum [6]float64
		for i := range n {
			c, err := Compare(attr[(a*n+i)*d:(a*n+i+1)*d], attr[(b*n+i)*d:(b*n+i+1)*d], 10)
			if err != nil {
				t.Fatal(err)
			}
			for j, v := range []float64{c.FeatureAgreement, c.RankAgreement, c.SignAgreement, c.SignedRankAgreement, c.RankCorrelation, c.PairwiseRankAgreement} {
				sum[j] += v
			}
		}
		for j, name := range MeasureNames {
			if got := ref.Members("")[name][a*m+b]; math.Abs(got-sum[j]/n) > 1e-12 {
				t.Errorf("%s[%d][%d] = %v, mean of Compare %v", name, a, b, got, sum[j]/n)
			}
		}
	}
}

func TestAgreeOnNoInstancesIsNaN(t *testing.T) {
	attr := randomAttributions(2, 3, 4, 1)
	r, err := Agree(attr, 2, 3, 4, AgreeOptions{K: 2, Include: make([]bool, 3)})
	if err != nil {
		t.Fatal(err)
	}
	for name, m := range r.Members("_consensus") {
		for i, v := range m {
			if !math.IsNaN(v) {
				t.Errorf("%s[%d] = %v on no instances, want NaN", name, i, v)
			}
		}
	}
}

func TestDiscordantCountsTheDisagreeingPairs(t *testing.T) {
	// Both paths (up to 1024 features in registers, beyond in slices),
	// at the word and lane boundaries, against a brute-force count.
	for _, d := range []int{1, 2, 63, 64, 65, 257, 1024, 1025, 1500} {
		attr := randomAttributions(2, 1, d, uint64(d))
		for j := range attr {
			attr[j] += float32(j%d) * 1e-3 // few ties: positions spread out
		}
		ps := newProfiles(2, d, 1)
		buf := make([]uint64, 2*d)
		for i := range 2 {
			if err := ps.set(i, attr[i*d:(i+1)*d], buf); err != nil {
				t.Fatal(err)
			}
		}
		pa, pb := ps.pos[:d], ps.pos[d:]
		var want int64
		for i := range d {
			for j := i + 1; j < d; j++ {
				if (pa[i] < pa[j]) != (pb[i] < pb[j]) {
					want++
				}
			}
		}
		if got := discordant(pa, ps.code[d:], newScratch(d)); got != want {
			t.Errorf("d=%d: %d discordant pairs, brute force %d", d, got, want)
		}
	}
}

func TestRadixSortIsStable(t *testing.T) {
	for _, d := range []int{1, 5, 300, 784} {
		attr := randomAttributions(1, 1, d, uint64(d)+3)
		keys, want := make([]uint64, d), make([]uint64, d)
		for j, v := range attr {
			keys[j] = uint64(^(math.Float32bits(v)&^(1<<31)))<<32 | uint64(j)
		}
		copy(want, keys)
		slices.Sort(want) // the low half, the index, orders ties
		radixSort(keys, make([]uint64, d))
		if !slices.Equal(keys, want) {
			t.Errorf("d=%d: radix order differs from the index-stable order", d)
		}
	}
}

func TestChunkSizeBoundsTheProfiles(t *testing.T) {
	tests := []struct{ m, d, want int }{
		{100, 784, 32},
		{100, 150528, 1}, // ImageNet-sized: one instance at a time
		{2, 1, 32},
	}
	for _, tt := range tests {
		if got := chunkSize(tt.m, tt.d); got != tt.want {
			t.Errorf("chunkSize(%d, %d) = %d, want %d", tt.m, tt.d, got, tt.want)
		}
	}
}

// TestAgreePairGivesCompareOfEveryPairAndInstance checks the Pair hook:
// each pair a < b and included instance exactly once, with Compare's
// measures, and nothing for the excluded instances or the diagonal.
func TestAgreePairGivesCompareOfEveryPairAndInstance(t *testing.T) {
	const m, n, d, k = 11, 40, 30, 7
	attr := randomAttributions(m, n, d, 3)
	include := make([]bool, n)
	for i := range include {
		include[i] = i%3 != 0
	}
	got := make([]Agreement, m*m*n)
	seen := make([]int, m*m*n)
	_, err := Agree(attr, m, n, d, AgreeOptions{K: k, Include: include, Workers: 3, Pair: func(a, b, i int, g Agreement) {
		got[(a*m+b)*n+i] = g
		seen[(a*m+b)*n+i]++
	}})
	if err != nil {
		t.Fatal(err)
	}
	for a := range m {
		for b := range m {
			for i := range n {
				q := (a*m+b)*n + i
				if want := a < b && include[i]; (seen[q] == 1) != want || seen[q] > 1 {
					t.Fatalf("pair (%d, %d) instance %d seen %d times", a, b, i, seen[q])
				}
				if seen[q] == 0 {
					continue
				}
				want, err := Compare(attr[(a*n+i)*d:(a*n+i+1)*d], attr[(b*n+i)*d:(b*n+i+1)*d], k)
				if err != nil {
					t.Fatal(err)
				}
				if g := got[q]; g != want && !(math.IsNaN(g.RankCorrelation) && math.IsNaN(want.RankCorrelation)) {
					t.Fatalf("pair (%d, %d) instance %d: %+v, Compare %+v", a, b, i, g, want)
				}
			}
		}
	}
}
