package metrics

import (
	"encoding/json"
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/study-harness/study/study/predmat"
	"github.com/study-harness/study/study/seeds"
)

// raschMatrix draws m models × n instances whose errors are independent
// given the instance: P(model a wrong on i) = σ(skill_a + difficulty_i),
// a Rasch model, under which every matrix with the same margins is equally
// likely, so the curveball null holds exactly. With shared set, model 1
// copies model 0's correctness on 70% of the instances: a pair that shares
// errors beyond difficulty.
func raschMatrix(seed uint64, m, n int, shared bool) *predmat.Matrix {
	rng := rand.New(rand.NewPCG(seed, 16))
	x := &predmat.Matrix{Classes: 2, Labels: make([]int32, n), Pred: make([]int32, m*n)}
	diff := make([]float64, n)
	for i := range n {
		x.Instances = append(x.Instances, fmt.Sprint(i))
		diff[i] = -3.5 // easy
		if rng.Float64() < 0.25 {
			diff[i] = 1 // hard
		}
	}
	for a := range m {
		x.Models = append(x.Models, fmt.Sprint("m", a))
		skill := -0.5 + rng.Float64()
		for i := range n {
			if rng.Float64() < 1/(1+math.Exp(-(skill+diff[i]))) {
				x.Pred[a*n+i] = 1
			}
		}
	}
	if shared {
		for i := range n {
			if rng.Float64() < 0.7 {
				x.Pred[n+i] = x.Pred[i]
			}
		}
	}
	return x
}

func TestCurveballTradesKeepBothMargins(t *testing.T) {
	x := raschMatrix(1, 7, 333, false)
	p := pack(x)
	cols := func(corr []uint64) []int {
		c := make([]int, p.n)
		for a := range p.m {
			for i := range p.n {
				c[i] += int(corr[a*p.cw+i/64] >> (i % 64) & 1)
			}
		}
		return c
	}
	corr := append([]uint64(nil), p.corr...)
	curveballChain(corr, p.m, p.cw, 200, seeds.Stream("test", 1), nil)
	if slices.Equal(corr, p.corr) {
		t.Fatal("200 trades left the matrix as it was")
	}
	for a := range p.m {
		k := 0
		for _, w := range corr[a*p.cw : (a+1)*p.cw] {
			k += bits.OnesCount64(w)
		}
		if k != p.nCorrect[a] {
			t.Errorf("model %d: %d correct after the trades, %d before", a, k, p.nCorrect[a])
		}
	}
	if got, want := cols(corr), cols(p.corr); !slices.Equal(got, want) {
		t.Error("the number of models right on an instance changed")
	}
	if r := p.n % 64; r != 0 {
		for a := range p.m {
			if corr[(a+1)*p.cw-1]>>r != 0 {
				t.Errorf("model %d: a padding bit is set", a)
			}
		}
	}
}

// Models whose errors share only the instances' difficulty are
// "homogeneous" under the independent-errors null (the logreg
// against MLP pairs) but not under the curveball null, which keeps the
// difficulty; a pair that shares errors beyond difficulty is rejected by
// both.
func TestDifficultyNullSeparatesSharedErrorsFromDifficulty(t *testing.T) {
	x := raschMatrix(2, 8, 1500, true)
	r, err := Compute(x, Options{Workers: 2, Bootstrap: -1, Permutations: 199})
	if err != nil {
		t.Fatal(err)
	}
	indep := r.Pairwise.Extra["error_consistency_p"].(Square)
	diff := r.Pairwise.Extra["error_consistency_p_difficulty"].(Square)
	floor := 1.0 / 200
	var small, pairs int
	for a := range 8 {
		for b := a + 1; b < 8; b++ {
			if a == 0 && b == 1 {
				continue
			}
			pairs++
			if indep[a][b] > floor {
				t.Errorf("pair %d,%d: independent-null p = %v, want the floor %v (difficulty alone rejects it)", a, b, indep[a][b], floor)
			}
			if diff[a][b] < 0.05 {
				small++
			}
		}
	}
	// Under the null about 5% of the pairs fall below 0.05; allow 5 of 27.
	if small > 5 {
		t.Errorf("%d of %d pairs that share only difficulty have a difficulty-null p < 0.05", small, pairs)
	}
	if p := diff[0][1]; p > floor {
		t.Errorf("the pair that shares errors: difficulty-null p = %v, want the floor %v", p, floor)
	}
}

func TestPermutationMemberDescribesEveryPValue(t *testing.T) {
	x := raschMatrix(3, 5, 400, true)
	r, err := Compute(x, Options{Workers: 2, Bootstrap: -1, Permutations: 99})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Permutation struct {
			Permutations    int               `json:"permutations"`
			PFloor          float64           `json:"p_floor"`
			CurveballTrades int               `json:"curveball_trades"`
			Nulls           map[string]string `json:"nulls"`
			Adjustments     map[string]string `json:"adjustments"`
		} `json:"permutation"`
		Ensemble     map[string]json.RawMessage `json:"ensemble"`
		Pairwise     map[string]json.RawMessage `json:"pairwise"`
		PairwiseMean map[string]json.RawMessage `json:"pairwise_mean"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	pm := doc.Permutation
	if pm.Permutations != 99 || pm.PFloor != 0.01 || pm.CurveballTrades != curveballTradesPerModel*5 {
		t.Errorf("permutation = %+v, want 99 permutations, floor 0.01, %d trades", pm, curveballTradesPerModel*5)
	}
	members := map[string]map[string]json.RawMessage{"ensemble": doc.Ensemble, "pairwise": doc.Pairwise, "pairwise_mean": doc.PairwiseMean}
	for part, ms := range members {
		for k := range ms {
			path := part + "." + k
			_, isNull := pm.Nulls[path]
			_, isAdj := pm.Adjustments[path]
			p := strings.HasSuffix(k, "_p") || strings.HasSuffix(k, "_p_difficulty")
			adj := strings.HasSuffix(k, "_adj") || strings.HasSuffix(k, "_holm")
			if p && !isNull {
				t.Errorf("%s has no null in permutation.nulls", path)
			}
			if adj && !isAdj {
				t.Errorf("%s has no correction in permutation.adjustments", path)
			}
		}
	}
	for path := range pm.Nulls {
		part, k, _ := strings.Cut(path, ".")
		if _, ok := members[part][k]; !ok {
			t.Errorf("permutation.nulls names %s, which metrics.json does not hold", path)
		}
	}
}

func TestAdjustmentsMatchNumpy(t *testing.T) {
	var ref struct {
		Cases []struct {
			Name   string     `json:"name"`
			Models int        `json:"models"`
			P      []*float64 `json:"p"`
			BH     []*float64 `json:"bh"`
			Holm   []*float64 `json:"holm"`
		}
	}
	if err := json.Unmarshal(mustRead(t, "testdata/adjust.json"), &ref); err != nil {
		t.Fatal(err)
	}
	for _, c := range ref.Cases {
		t.Run(c.Name, func(t *testing.T) {
			p := NewSquare(c.Models)
			for a := range c.Models {
				p[a][a] = math.NaN()
			}
			q := 0
			for a := range c.Models {
				for b := a + 1; b < c.Models; b++ {
					p[a][b], p[b][a] = deref(c.P[q]), deref(c.P[q])
					q++
				}
			}
			bh, holm := adjustPairs(p)
			q = 0
			for a := range c.Models {
				if !math.IsNaN(bh[a][a]) || !math.IsNaN(holm[a][a]) {
					t.Errorf("diagonal [%d][%d] is not NaN", a, a)
				}
				for b := a + 1; b < c.Models; b++ {
					for _, v := range []struct {
						name string
						got  Square
						want *float64
					}{{"BH", bh, c.BH[q]}, {"Holm", holm, c.Holm[q]}} {
						if !close(v.got[a][b], deref(v.want), 1e-15) || !close(v.got[b][a], deref(v.want), 1e-15) {
							t.Errorf("%s [%d][%d] = %v, want %v", v.name, a, b, v.got[a][b], deref(v.want))
						}
					}
					q++
				}
			}
		})
	}
}
