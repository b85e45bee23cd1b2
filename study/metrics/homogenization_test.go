package metrics

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"testing"

	"github.com/study-harness/study/study/predmat"
)

// homogenizationCase is a case of testdata/homogenization.json, made by
// testdata/gen_homogenization.py (the command is in its header).
type homogenizationCase struct {
	Name         string       `json:"name"`
	Classes      int          `json:"classes"`
	Labels       []int32      `json:"labels"`
	Preds        [][]int32    `json:"preds"`
	Pairwise     [][]*float64 `json:"pairwise"`
	PairwiseMean *float64     `json:"pairwise_mean"`
	HK           map[string]struct {
		H      *float64 `json:"h"`
		Groups int      `json:"groups"`
	} `json:"h_k"`
}

func (hc homogenizationCase) matrix() *predmat.Matrix {
	x := &predmat.Matrix{Classes: hc.Classes, Labels: hc.Labels}
	for i := range hc.Labels {
		x.Instances = append(x.Instances, fmt.Sprint(i))
	}
	for a, row := range hc.Preds {
		x.Models = append(x.Models, fmt.Sprint("m", a))
		x.Pred = append(x.Pred, row...)
	}
	return x
}

func TestHomogenizationMatchesNumpy(t *testing.T) {
	var ref struct{ Cases []homogenizationCase }
	if err := json.Unmarshal(mustRead(t, "testdata/homogenization.json"), &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref.Cases) == 0 {
		t.Fatal("no cases")
	}
	for _, hc := range ref.Cases {
		for ks, want := range hc.HK {
			var k int
			fmt.Sscan(ks, &k)
			t.Run(fmt.Sprintf("%s, k = %d", hc.Name, k), func(t *testing.T) {
				r, err := Compute(hc.matrix(), Options{Workers: 2, HomogenizationK: k, Bootstrap: 20, Permutations: -1})
				if err != nil {
					t.Fatal(err)
				}
				for a, row := range hc.Pairwise {
					for b, w := range row {
						got := r.Pairwise.Homogenization[a][b]
						if !close(got, deref(w), 1e-12*math.Max(1, math.Abs(got))) {
							t.Errorf("pairwise.homogenization[%d][%d] = %v, want %v", a, b, got, deref(w))
						}
						if math.IsNaN(got) && r.Reasons[fmt.Sprintf("pairwise.homogenization[%d][%d]", a, b)] == "" {
							t.Errorf("pairwise.homogenization[%d][%d] is NaN without a reason", a, b)
						}
					}
				}
				for name, w := range map[string]*float64{"homogenization_pairwise_mean": hc.PairwiseMean, "homogenization_k": want.H} {
					got := float64(r.Ensemble.Extra[name].(Num))
					if !close(got, deref(w), 1e-12*math.Max(1, math.Abs(got))) {
						t.Errorf("%s = %v, want %v", name, got, deref(w))
					}
					if math.IsNaN(got) && r.Reasons["ensemble."+name] == "" {
						t.Errorf("%s is NaN without a reason", name)
					}
				}
				if got := r.Ensemble.Extra["homogenization_k_groups"].(Num); int(got) != want.Groups {
					t.Errorf("homogenization_k_groups = %v, want %d", got, want.Groups)
				}
				if got := r.Ensemble.Extra["homogenization_k_size"]; got != k {
					t.Errorf("homogenization_k_size = %v, want %d", got, k)
				}
			})
		}
	}
}

// bruteGroupH is H_k on instance weights w by enumerating the groups.
func bruteGroupH(wrong [][]bool, w []int32, k int) float64 {
	m, n := len(wrong), 0
	for _, v := range w {
		n += int(v)
	}
	e := make([]float64, m)
	for a := range m {
		for i, v := range w {
			if wrong[a][i] {
				e[a] += float64(v)
			}
		}
		e[a] /= float64(n)
	}
	sum, groups := 0.0, 0
	g := make([]int, k)
	var rec func(start, depth int)
	rec = func(start, depth int) {
		if depth == k {
			den := 1.0
			for _, a := range g {
				den *= e[a]
			}
			if den == 0 {
				return
			}
			all := 0
			for i, v := range w {
				ok := true
				for _, a := range g {
					ok = ok && wrong[a][i]
				}
				if ok {
					all += int(v)
				}
			}
			sum += float64(all) / float64(n) / den
			groups++
			return
		}
		for a := start; a < m; a++ {
			g[depth] = a
			rec(a+1, depth+1)
		}
	}
	rec(0, 0)
	if groups == 0 {
		return math.NaN()
	}
	return sum / float64(groups)
}

// The intervals come from the same replicates as every other interval:
// each replicate's H_k, by the polynomial route, equals the mean over the
// enumerated groups on that replicate's instance weights.
func TestGroupHomogenizationReplicatesMatchEnumeration(t *testing.T) {
	x := randomMatrix(7, 6, 90, 3, 0.7)
	p := pack(x)
	s := newSampler(x, p, 30, 5, 2)
	f := newFailureSets(x)
	wrong := make([][]bool, x.M())
	for a := range wrong {
		wrong[a] = make([]bool, x.N())
		for i, v := range x.Row(a) {
			wrong[a][i] = v != x.Labels[i]
		}
	}
	for _, k := range []int{2, 3, 4} {
		for rep, w := range s.bs.w {
			got, _ := f.groupH(k, w, s.right[rep], x.N())
			if want := bruteGroupH(wrong, w, k); !close(got, want, 1e-12*math.Max(1, want)) {
				t.Fatalf("k = %d, replicate %d: H_k = %v, enumeration %v", k, rep, got, want)
			}
		}
	}
}

func TestGroupHomogenizationIntervalsIgnoreWorkers(t *testing.T) {
	x := randomMatrix(3, 9, 120, 4, 0.75)
	var first map[string]any
	for _, w := range []int{1, 2, 5} {
		r, err := Compute(x, Options{Workers: w, Bootstrap: 40, Permutations: -1, Seed: 9})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]any{}
		for _, k := range []string{"homogenization_pairwise_mean_ci", "homogenization_k_ci"} {
			got[k] = r.Ensemble.Extra[k]
		}
		if first == nil {
			first = got
		} else if !reflect.DeepEqual(got, first) {
			t.Errorf("workers %d: %v, want %v", w, got, first)
		}
	}
}
