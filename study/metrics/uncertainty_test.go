package metrics

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/study-harness/study/study/predmat"
)

// resample returns the matrix of x's instances drawn w[i] times each, in
// instance order: the explicit form of a bootstrap replicate.
func resample(x *predmat.Matrix, w []int32) *predmat.Matrix {
	y := &predmat.Matrix{Models: x.Models, Classes: x.Classes}
	n := x.N()
	for i, k := range w {
		for range k {
			y.Instances = append(y.Instances, fmt.Sprint(len(y.Instances)))
			y.Labels = append(y.Labels, x.Labels[i])
		}
	}
	for a := range x.M() {
		for i, k := range w {
			for range k {
				y.Pred = append(y.Pred, x.Pred[a*n+i])
			}
		}
	}
	return y
}

func TestBootstrapReplicatesMatchExplicitResamples(t *testing.T) {
	x := randomMatrix(11, 6, 333, 4, 0.6)
	p := pack(x)
	bs := newBootstrap(3, 4, x.N())
	right := bs.replicateRight(p, 2)
	pairs := allPairs(x.M())
	pb := bootPairs(x, p, bs, pairs, right, 2)
	inst := newInstanceStats(x)
	for r := range bs.w {
		y := resample(x, bs.w[r])
		t.Run(fmt.Sprintf("replicate %d gives the measures of its resampled matrix", r), func(t *testing.T) {
			if y.N() != x.N() {
				t.Fatalf("replicate has %d instances, want %d", y.N(), x.N())
			}
			want, _, err := Pairwise(y, 1)
			if err != nil {
				t.Fatal(err)
			}
			got := make([]float64, len(pairMeasureNames))
			for q, pr := range pairs {
				pb.measures(q, r, x.N(), x.Classes, got)
				for k, w := range pointMeasures(want, pr[0], pr[1]) {
					if !close(got[k], w, 1e-12) {
						t.Errorf("%s%v = %v, want %v", pairMeasureNames[k], pr, got[k], w)
					}
				}
			}
			we, _, err := Ensemble(y)
			if err != nil {
				t.Fatal(err)
			}
			ge, _ := inst.ensembleCounts(bs.w[r], right[r]).stats(x.Models)
			wn, gn := ensembleNums(we), ensembleNums(ge)
			for name, w := range wn {
				if !close(gn[name], w, 1e-12) {
					t.Errorf("ensemble %s = %v, want %v", name, gn[name], w)
				}
			}
		})
	}
}

// gridMatrix returns models on a grid of axes; instance predictions come
// from pred(config, instance).
func gridMatrix(n, c int, axes map[string][]string, pred func(cfg map[string]string, i int) int32) *predmat.Matrix {
	names := make([]string, 0, len(axes))
	for k := range axes {
		names = append(names, k)
	}
	slices.Sort(names)
	configs := []map[string]string{{}}
	for _, k := range names {
		var next []map[string]string
		for _, cfg := range configs {
			for _, v := range axes[k] {
				c2 := map[string]string{k: v}
				for kk, vv := range cfg {
					c2[kk] = vv
				}
				next = append(next, c2)
			}
		}
		configs = next
	}
	x := &predmat.Matrix{Classes: c, Labels: make([]int32, n), Configs: configs}
	for i := range n {
		x.Instances = append(x.Instances, fmt.Sprint(i))
		x.Labels[i] = int32(i % c)
	}
	for a, cfg := range configs {
		x.Models = append(x.Models, fmt.Sprint("m", a))
		for i := range n {
			x.Pred = append(x.Pred, pred(cfg, i))
		}
	}
	return x
}

// hashPred is a deterministic pseudo-random prediction: the label with
// probability acc, else another class, from the key.
func hashPred(key string, i, c int, acc float64) int32 {
	rng := rand.New(rand.NewPCG(uint64(len(key))*7919+uint64(i), hashString(key)))
	if rng.Float64() < acc {
		return int32(i % c)
	}
	return int32((i%c + 1 + rng.IntN(c-1)) % c)
}

func hashString(s string) uint64 {
	h := uint64(1469598103934665603)
	for _, b := range []byte(s) {
		h = (h ^ uint64(b)) * 1099511628211
	}
	return h
}

// onlyArchMatters predicts by architecture; the optimizer and the seed
// change 2% of the predictions.
func onlyArchMatters(cfg map[string]string, i int) int32 {
	if hashString(fmt.Sprint(cfg["opt"], cfg["seed"], i))%50 == 0 {
		return hashPred("noise"+cfg["opt"]+cfg["seed"], i, 5, 0.5)
	}
	return hashPred("arch"+cfg["arch"], i, 5, 0.7)
}

func TestAttributionRanksTheOnlyAxisThatMattersFirst(t *testing.T) {
	x := gridMatrix(2000, 5, map[string][]string{"arch": {"mlp", "cnn", "gru"}, "opt": {"sgd", "adam"}, "seed": {"1", "2"}}, onlyArchMatters)
	r, err := Compute(x, Options{Workers: 2, Bootstrap: 50, Permutations: -1})
	if err != nil {
		t.Fatal(err)
	}
	at, ok := r.Extra["attribution"].([]AxisAttribution)
	if !ok || len(at) != 3 {
		t.Fatalf("attribution = %#v", r.Extra["attribution"])
	}
	wantPairs := map[string]int{"arch": 3 * 4, "opt": 6, "seed": 6} // pairs differing in one axis only
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"arch is ranked first", at[0].Axis == "arch" && at[0].Rank == 1},
		{"arch has almost all of the Pratt importance", float64(at[0].PrattImportance) > 0.8},
		{"the other axes have little", math.Abs(float64(at[1].PrattImportance)) < 0.05 && math.Abs(float64(at[2].PrattImportance)) < 0.05},
		{"each axis has the pairs that differ in it alone", at[0].NPairs == wantPairs[at[0].Axis] && at[1].NPairs == wantPairs[at[1].Axis] && at[2].NPairs == wantPairs[at[2].Axis]},
		{"arch's mean disagreement is 1 − its mean agreement", math.Abs(float64(at[0].MeanDisagreement+at[0].Measures["agreement"].Mean)-1) < 1e-15},
		{"the interval of arch's mean agreement contains the mean", at[0].Measures["agreement"].CI != nil &&
			at[0].Measures["agreement"].CI[0] <= float64(at[0].Measures["agreement"].Mean) && float64(at[0].Measures["agreement"].Mean) <= at[0].Measures["agreement"].CI[1]},
		{"min ≤ median ≤ max", at[0].Measures["cohen_kappa"].Min <= at[0].Measures["cohen_kappa"].Median && at[0].Measures["cohen_kappa"].Median <= at[0].Measures["cohen_kappa"].Max},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !tc.ok {
				b, _ := json.MarshalIndent(at, "", " ")
				t.Errorf("not so: %s", b)
			}
		})
	}
}

func TestPairsDifferingInOneAxisKeepEverythingElseEqual(t *testing.T) {
	configs := []map[string]string{
		{"arch": "a", "seed": "1"}, {"arch": "b", "seed": "1"}, {"arch": "a", "seed": "2"},
		{"arch": "b", "seed": "2", "extra": "x"}, {"arch": "c", "seed": "1"},
	}
	axes := axesOf(configs)
	for _, tc := range []struct {
		axis string
		want [][2]int
	}{
		{"arch", [][2]int{{0, 1}, {0, 4}, {1, 4}}},
		{"seed", [][2]int{{0, 2}}},
		{"extra", nil}, // 1 and 3 also differ in seed
	} {
		t.Run("pairs that differ only in "+tc.axis, func(t *testing.T) {
			if got := pairsDifferingIn(configs, axes, tc.axis); !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestGeneralizationDisagreementGroupsRunsByRecipe(t *testing.T) {
	x := gridMatrix(500, 4, map[string][]string{"arch": {"mlp", "cnn"}, "seed": {"1", "2", "3"}}, func(cfg map[string]string, i int) int32 {
		return hashPred(cfg["arch"]+cfg["seed"], i, 4, 0.8)
	})
	// A third architecture with a single run is not a recipe with seeds.
	x.Configs = append(x.Configs, map[string]string{"arch": "gru", "seed": "1"})
	x.Models = append(x.Models, "lonely")
	for i := range x.N() {
		x.Pred = append(x.Pred, x.Labels[i])
	}
	r, err := Compute(x, Options{Workers: 2, Bootstrap: 50, Permutations: -1})
	if err != nil {
		t.Fatal(err)
	}
	gd := r.Extra["generalization_disagreement"].([]RecipeDisagreement)
	if len(gd) != 2 {
		t.Fatalf("%d recipes, want 2: %+v", len(gd), gd)
	}
	for _, rd := range gd {
		t.Run("recipe "+rd.Recipe+" averages its seed runs", func(t *testing.T) {
			if rd.NModels != 3 || rd.NPairs != 3 {
				t.Errorf("n_models %d, n_pairs %d, want 3 and 3", rd.NModels, rd.NPairs)
			}
			var idx []int
			for a, name := range x.Models {
				if slices.Contains(rd.Models, name) {
					idx = append(idx, a)
				}
			}
			e, d := 0.0, 0.0
			for j, a := range idx {
				e += r.PerModel.Error[a] / 3
				for _, b := range idx[j+1:] {
					d += (1 - r.Pairwise.Agreement[a][b]) / 3
				}
			}
			if math.Abs(float64(rd.TestError)-e) > 1e-12 || math.Abs(float64(rd.Disagreement)-d) > 1e-12 {
				t.Errorf("test error %v, disagreement %v; want %v, %v", rd.TestError, rd.Disagreement, e, d)
			}
			if rd.TestErrorSeedCI[0] > e || e > rd.TestErrorSeedCI[1] || rd.TestErrorCI == nil || rd.DisagreementCI == nil ||
				rd.TestErrorCI[0] > e || e > rd.TestErrorCI[1] || rd.DisagreementCI[0] > d || d > rd.DisagreementCI[1] {
				t.Errorf("intervals do not contain the estimates: %+v", rd)
			}
			if got := float64(rd.CACE); got != CACE(x, idx) || !(got > 0) {
				t.Errorf("cace %v, want the CACE of its runs %v", got, CACE(x, idx))
			}
			if r := rd.DisagreementSeedRange; !(r[0] <= d && d <= r[1] && r[0] < r[1]) {
				t.Errorf("disagreement seed range %v does not spread around %v", r, d)
			}
			if rd.Recipe != "arch="+rd.Config["arch"] {
				t.Errorf("recipe %q for config %v", rd.Recipe, rd.Config)
			}
		})
	}
}

// failures returns m models on n instances, 2 classes, each wrong on
// shared[i] (the same instances for every model) or, for independent
// models, on its own random fraction e of the instances.
func failures(m, n int, e float64, shared bool) *predmat.Matrix {
	x := constant(m, n, 2, 0, 0)
	rng := rand.New(rand.NewPCG(5, uint64(m)))
	common := make([]bool, n)
	for i := range common {
		common[i] = rng.Float64() < e
	}
	for a := range m {
		for i := range n {
			wrong := rng.Float64() < e
			if shared {
				wrong = common[i] != (rng.Float64() < 0.01)
			}
			if wrong {
				x.Pred[a*n+i] = 1
			}
		}
	}
	return x
}

func TestPermutationPValues(t *testing.T) {
	for _, tc := range []struct {
		name      string
		x         *predmat.Matrix
		small     bool
		wantBelow float64
	}{
		{"models that fail on the same instances have small p-values", failures(5, 1000, 0.2, true), true, 0.01},
		{"independent models do not have small p-values", failures(5, 1000, 0.2, false), false, 0.05},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Compute(tc.x, Options{Workers: 2, Bootstrap: -1, Permutations: 199})
			if err != nil {
				t.Fatal(err)
			}
			hp := float64(r.Ensemble.Extra["homogenization_p"].(Num))
			ecp := float64(r.Extra["pairwise_mean"].(map[string]any)["error_consistency_p"].(Num))
			pair := r.Pairwise.Extra["error_consistency_p"].(Square)[0][1]
			for name, p := range map[string]float64{"homogenization_p": hp, "mean error_consistency_p": ecp, "error_consistency_p[0][1]": pair} {
				if p < 1.0/200 || p > 1 {
					t.Errorf("%s = %v outside [1/(P+1), 1]", name, p)
				}
				if tc.small && p >= tc.wantBelow {
					t.Errorf("%s = %v, want < %v", name, p, tc.wantBelow)
				}
				if !tc.small && p < tc.wantBelow {
					t.Errorf("%s = %v, want ≥ %v", name, p, tc.wantBelow)
				}
			}
		})
	}
}

func TestIntervalsAreDeterministicAndContainTheEstimates(t *testing.T) {
	x := randomMatrix(21, 7, 800, 5, 0.6)
	opts := Options{Workers: 1, Bootstrap: 100, Permutations: 50, Seed: 4}
	r1, err := Compute(x, opts)
	if err != nil {
		t.Fatal(err)
	}
	opts.Workers = 3
	r3, _ := Compute(x, opts)
	opts.Seed = 5
	r5, _ := Compute(x, opts)
	b1, _ := json.Marshal(r1)
	b3, _ := json.Marshal(r3)
	b5, _ := json.Marshal(r5)
	t.Run("the same seed gives the same bytes with 1 and 3 workers", func(t *testing.T) {
		if string(b1) != string(b3) {
			t.Error("bytes differ")
		}
	})
	t.Run("another seed gives other intervals", func(t *testing.T) {
		if string(b1) == string(b5) {
			t.Error("bytes equal")
		}
	})
	check := func(name string, v float64, ci any) {
		t.Run(name+"'s interval contains its value", func(t *testing.T) {
			iv, ok := ci.(Interval)
			if !ok {
				t.Fatalf("no interval: %#v", ci)
			}
			if !(iv[0] <= v && v <= iv[1]) {
				t.Errorf("%v not in %v", v, iv)
			}
		})
	}
	for name, v := range ensembleNums(&r1.Ensemble) {
		if name == "independent_failure_rate" || name == "independent_all_correct_rate" || name == "homogenization" {
			continue // products over models: skewed, the point may sit at an end
		}
		check("ensemble."+name, v, r1.Ensemble.Extra[name+"_ci"])
	}
	pm := r1.Extra["pairwise_mean"].(map[string]any)
	for _, name := range append(slices.Clone(pairMeasureNames), "jsd") {
		check("pairwise_mean."+name, float64(pm[name].(Num)), pm[name+"_ci"])
	}
	for a, iv := range r1.PerModel.Extra["accuracy_ci"].([]Interval) {
		check(fmt.Sprintf("accuracy of model %d", a), r1.PerModel.Accuracy[a], iv)
	}
}

func TestPercentile95(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		name string
		v    []float64
		want Interval
	}{
		{"one value is its own interval", []float64{3}, Interval{3, 3}},
		{"0..40 interpolates like numpy", seq(41), Interval{1, 39}},
		{"NaNs are dropped when fewer than half", append(seq(41), nan, nan), Interval{1, 39}},
		{"mostly NaN is undefined", []float64{1, nan, nan}, Interval{nan, nan}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := percentile95(slices.Clone(tc.v))
			if !close(got[0], tc.want[0], 1e-12) || !close(got[1], tc.want[1], 1e-12) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func seq(n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = float64(i)
	}
	return v
}

func TestJSDGoFallbackIsExact(t *testing.T) {
	if !useAVX2 {
		t.Skip("the fallback is the only kernel here; TestFastKernelsMatchTheNaiveDefinitions covers it")
	}
	x := randomMatrix(2, 5, 300, 7, 0.7)
	fast, _ := JSD(x, 2)
	useAVX2 = false
	defer func() { useAVX2 = true }()
	slow, _ := JSD(x, 2)
	for a := range x.M() {
		for b := range x.M() {
			t.Run(fmt.Sprintf("pair %d,%d agrees with the definition to 1e-12 without AVX2 and to 1e-6 relative with it", a, b), func(t *testing.T) {
				w := naiveJSD(x, a, b)
				if !close(slow[a][b], w, 1e-12) || !close(fast[a][b], w, 1e-6*w+1e-12) {
					t.Errorf("fallback %v, avx2 %v, naive %v", slow[a][b], fast[a][b], w)
				}
			})
		}
	}
}

// gridWithFeatures is a small study: two axes, probabilities, features.
func gridWithFeatures() *predmat.Matrix {
	x := gridMatrix(60, 3, map[string][]string{"arch": {"a", "b"}, "seed": {"1", "2"}}, func(cfg map[string]string, i int) int32 {
		return hashPred(cfg["arch"]+cfg["seed"], i, 3, 0.7)
	})
	r := randomMatrix(3, x.M(), x.N(), 3, 0.5)
	x.Prob = r.Prob
	rng := rand.New(rand.NewPCG(1, 2))
	for range x.M() {
		f := make([]float32, 20*4)
		for k := range f {
			f[k] = float32(rng.NormFloat64())
		}
		x.Features = append(x.Features, f)
		x.FeatureDims = append(x.FeatureDims, 4)
	}
	for i := range 20 {
		x.FeatureIdx = append(x.FeatureIdx, 3*i)
	}
	return x
}

// pointMeasures returns the point values of pairMeasureNames for pair (a, b).
func pointMeasures(pm *PairMatrices, a, b int) []float64 {
	sq := pointSquares(pm)
	v := make([]float64, len(sq))
	for k, s := range sq {
		v[k] = s[a][b]
	}
	return v
}
