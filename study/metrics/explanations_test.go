package metrics

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/study-harness/study/study/explain"
	"github.com/study-harness/study/study/predmat"
)

// explainMatrix is 6 models (arch a, b, c × seed 1, 2) on 40 instances
// of 3 classes, with occlusion attributions for every model and saliency
// for all but the last, on the first 25 instances of a feature subset
// of 30, 12 features each. Models of one arch share most of their
// attributions, so their pairs agree more.
func explainMatrix(seed uint64) *predmat.Matrix {
	rng := rand.New(rand.NewPCG(seed, 1))
	const m, n, c, rows, d = 6, 40, 3, 25, 12
	x := &predmat.Matrix{Classes: c}
	for i := range n {
		x.Instances = append(x.Instances, string(rune('a'+i%26))+string(rune('a'+i/26)))
		x.Labels = append(x.Labels, int32(i%c))
	}
	for i := range 30 {
		x.FeatureIdx = append(x.FeatureIdx, i)
	}
	a := &predmat.Attributions{Methods: []string{"saliency", "occlusion"}, Target: "pred", K: 0.25, Rows: rows, Dim: d,
		Values: make([][][]float32, 2), Why: make([][]string, 2)}
	base := make([][]float32, 3)
	for g := range base {
		for range rows * d {
			base[g] = append(base[g], float32(rng.NormFloat64()))
		}
	}
	for mi := range m {
		arch := []string{"a", "b", "c"}[mi/2]
		x.Models = append(x.Models, arch+"-"+string(rune('1'+mi%2)))
		x.Configs = append(x.Configs, map[string]string{"arch": arch, "seed": string(rune('1' + mi%2))})
		for i := range n {
			p := int32(i % c)
			if rng.Float64() < 0.2 {
				p = int32(rng.IntN(c))
			}
			x.Pred = append(x.Pred, p)
		}
		for k := range 2 {
			v := make([]float32, rows*d)
			for j := range v {
				v[j] = base[mi/2][j] + 0.5*float32(rng.NormFloat64())
			}
			why := ""
			if k == 0 && mi == m-1 {
				v, why = nil, "arch=c is fitted"
			}
			a.Values[k] = append(a.Values[k], v)
			a.Why[k] = append(a.Why[k], why)
		}
	}
	x.Attributions = a
	return x
}

func TestExplanationsMatchAgreeAndSayWhy(t *testing.T) {
	x := explainMatrix(1)
	r, err := Compute(x, Options{Bootstrap: 200, Permutations: 99, Seed: 4, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	all := r.Extra["explanations"].(map[string]*Explanation)
	sal := all["saliency"]
	if sal.K != 3 || sal.NInstances != 25 || sal.NModels != 5 || sal.Features != 12 {
		t.Fatalf("saliency: k %d, n %d, models %d, D %d", sal.K, sal.NInstances, sal.NModels, sal.Features)
	}
	// The cells of the models with saliency are Agree's.
	a := x.Attributions
	var attr []float32
	for _, v := range a.Values[0][:5] {
		attr = append(attr, v...)
	}
	want, err := explain.Agree(attr, 5, 25, 12, explain.AgreeOptions{K: 3})
	if err != nil {
		t.Fatal(err)
	}
	for p := range 5 {
		for q := range 5 {
			if sal.FeatureAgreement[p][q] != want.FeatureAgreement[p*5+q] || sal.PairwiseRankAgreement[p][q] != want.PairwiseRankAgreement[p*5+q] {
				t.Fatalf("cell (%d, %d) differs from Agree", p, q)
			}
		}
		if !math.IsNaN(sal.FeatureAgreement[5][p]) || !math.IsNaN(sal.RankCorrelationConsensus[p][5]) {
			t.Fatalf("the model without saliency has a value against model %d", p)
		}
	}
	if why := r.Reasons["explanations.saliency.feature_agreement[5]"]; !strings.Contains(why, "arch=c is fitted") {
		t.Fatalf("reason %q", why)
	}
	// The consensus set: the attributed instances every model gets right.
	nc := 0
	for i := range 25 {
		ok := true
		for mi := range 6 {
			ok = ok && x.Correct(mi, i)
		}
		if ok {
			nc++
		}
	}
	if sal.NConsensus != nc || all["occlusion"].NConsensus != nc {
		t.Fatalf("consensus %d, want %d", sal.NConsensus, nc)
	}
	// The mean over pairs lies in its interval, and models of one arch
	// agree more than the others (the noise floor is the seed pairs).
	for name, v := range sal.MeanOverPairs {
		iv := sal.MeanOverPairsCI[name]
		if !(iv[0] <= float64(v) && float64(v) <= iv[1]) {
			t.Errorf("%s: mean %v outside its interval %v", name, v, iv)
		}
	}
	occ := all["occlusion"]
	if f := occ.NoiseFloor; f == nil || f.SeedPairs != 3 || f.OtherPairs != 12 || !(f.Seed["feature_agreement"] > f.Other["feature_agreement"]) {
		t.Fatalf("noise floor %+v", occ.NoiseFloor)
	}
	if len(occ.Attribution) != 2 || occ.Attribution[0].Axis != "arch" || occ.Attribution[0].NPairs != 6 || occ.Attribution[1].NPairs != 3 {
		t.Fatalf("attribution %+v", occ.Attribution)
	}
	// The same model under two methods: saliency's and occlusion's share
	// the arch's component, so agree partly; the model without saliency
	// is null, with the reason.
	cm := occ.CrossMethod["saliency"]
	if len(cm) != 6 || !math.IsNaN(cm[5]) || r.Reasons["explanations.occlusion.cross_method.saliency[5]"] == "" || !(cm[0] > 0 && cm[0] < 1) || cm[0] != sal.CrossMethod["occlusion"][0] {
		t.Fatalf("cross method %v", cm)
	}
	if p := occ.Predictions; p == nil || p.NPairs != 15 || p.CI == nil || p.Permutations != 99 || !(p.MantelP >= 0.01 && p.MantelP <= 1) {
		t.Fatalf("predictions %+v", occ.Predictions)
	}
}

// TestExplanationIntervalsHoldTheirMeans checks that each mean over
// pairs lies in its interval when rank correlation is undefined on some
// instances (constant attributions, as occlusion gives a tree), where
// its cells average over different instances.
func TestExplanationIntervalsHoldTheirMeans(t *testing.T) {
	x := explainMatrix(3)
	occ := x.Attributions.Values[1]
	// Models 0 and 1: constant on 15 of 25 instances, and on the others
	// ranked against every other model.
	for _, m := range []int{0, 1} {
		for i := range 25 {
			row := occ[m][i*12 : (i+1)*12]
			for j := range row {
				if i < 15 {
					row[j] = 0
				} else {
					row[j] = 10 - float32(math.Abs(float64(occ[2][i*12+j])))
				}
			}
		}
	}
	r, err := Compute(x, Options{Bootstrap: 300, Permutations: -1, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	e := r.Extra["explanations"].(map[string]*Explanation)["occlusion"]
	for name, v := range e.MeanOverPairs {
		iv := e.MeanOverPairsCI[name]
		if !(iv[0] <= float64(v) && float64(v) <= iv[1]) {
			t.Errorf("%s: mean %v outside its interval %v", name, v, iv)
		}
	}
}

func TestExplanationsAreTheSameForAnyWorkerCount(t *testing.T) {
	var ref []byte
	for _, w := range []int{1, 3} {
		r, err := Compute(explainMatrix(2), Options{Bootstrap: 100, Permutations: 49, Seed: 1, Workers: w})
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(map[string]any{"e": r.Extra["explanations"], "why": r.Reasons})
		if err != nil {
			t.Fatal(err)
		}
		if ref == nil {
			ref = b
		} else if !bytes.Equal(ref, b) {
			t.Fatal("explanations differ between one and three workers")
		}
	}
}

func TestPairIndexRoundTrips(t *testing.T) {
	for _, mw := range []int{2, 3, 7} {
		q := 0
		for p := range mw {
			for r := p + 1; r < mw; r++ {
				if got := pairIndex(p, r, mw); got != q {
					t.Fatalf("pairIndex(%d, %d, %d) = %d, want %d", p, r, mw, got, q)
				}
				if a, b := pairOf(q, mw); a != p || b != r {
					t.Fatalf("pairOf(%d, %d) = %d, %d, want %d, %d", q, mw, a, b, p, r)
				}
				q++
			}
		}
	}
}

// TestCrossMethodOfAModelWithItself checks the within-model floor: a
// model whose two methods' attributions are the same agrees fully.
func TestCrossMethodOfAModelWithItself(t *testing.T) {
	x := explainMatrix(6)
	a := x.Attributions
	a.Values[1][2] = append([]float32(nil), a.Values[0][2]...)
	r, err := Compute(x, Options{Bootstrap: -1, Permutations: -1})
	if err != nil {
		t.Fatal(err)
	}
	cm := r.Extra["explanations"].(map[string]*Explanation)["saliency"].CrossMethod["occlusion"]
	if cm[2] != 1 || cm[0] == 1 {
		t.Fatalf("cross method %v: want 1 for model 2 alone", cm)
	}
}
