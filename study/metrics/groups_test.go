package metrics

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/study-harness/study/study/predmat"
)

// picked is the synthetic study of the groups test: three models, group A
// of four instances where model 0 errs on A1, model 1 on A1 and A2 and
// model 2 never; group B of four instances that every model gets wrong.
// The instances of the two groups interleave.
func picked() *predmat.Matrix {
	// instance:     A1 B1 A2 B2 A3 B3 A4 B4
	groups := []string{"A", "B", "A", "B", "A", "B", "A", "B"}
	labels := []int32{0, 0, 0, 0, 0, 0, 0, 0}
	pred := []int32{
		1, 1, 0, 1, 0, 1, 0, 1, // model 0: wrong on A1 and every B
		1, 1, 1, 1, 0, 1, 0, 1, // model 1: wrong on A1, A2 and every B
		0, 1, 0, 1, 0, 1, 0, 1, // model 2: wrong on every B only
	}
	return &predmat.Matrix{
		Models: []string{"m0", "m1", "m2"}, Instances: []string{"A1", "B1", "A2", "B2", "A3", "B3", "A4", "B4"},
		Classes: 2, Labels: labels, Pred: pred, Groups: groups,
	}
}

func TestGroupsKnownAnswers(t *testing.T) {
	g, why := Groups(picked(), 200, 1)
	if len(g.Groups) != 2 || g.Groups[0].Name != "A" || g.Groups[1].Name != "B" {
		t.Fatalf("groups %+v", g.Groups)
	}
	a, b := g.Groups[0], g.Groups[1]
	near := func(got, want float64) bool { return math.Abs(got-want) < 1e-12 }
	vec := func(got Vec, want ...float64) bool {
		if len(got) != len(want) {
			return false
		}
		for i := range got {
			if !near(got[i], want[i]) {
				return false
			}
		}
		return true
	}
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"A: accuracies 0.75, 0.5, 1", vec(a.Accuracy, 0.75, 0.5, 1) && near(float64(a.MeanAccuracy), 0.75)},
		{"B: every model fails every instance", vec(b.Accuracy, 0, 0, 0) && near(float64(b.MeanAccuracy), 0)},
		{"A: no instance is failed by all", near(float64(a.SystemicFailureRate), 0) && near(float64(a.IndependentFailureRate), 0)},
		{"B: systemic failure rate 1, baseline 1", near(float64(b.SystemicFailureRate), 1) && near(float64(b.IndependentFailureRate), 1)},
		// Only m0 and m1 err on A: H = P(both wrong)/(e0·e1) = 0.25/(0.25·0.5).
		{"A: pairwise homogenization 2 over the one pair that errs", near(float64(a.HomogenizationPairwiseMean), 2)},
		{"B: pairwise homogenization 1", near(float64(b.HomogenizationPairwiseMean), 1)},
		{"A: failure counts 0,0,1,2 of 3", vec(a.FailureCountHistogram, 0.5, 0.25, 0.25, 0)},
		// e = (0.25, 0.5, 0): P(0) = 0.75·0.5, P(1) = 0.25·0.5 + 0.75·0.5, P(2) = 0.25·0.5.
		{"A: Poisson-binomial baseline", vec(a.PoissonBinomial, 0.375, 0.5, 0.125, 0)},
		{"B: every instance failed by all three", vec(b.FailureCountHistogram, 0, 0, 0, 1) && vec(b.PoissonBinomial, 0, 0, 0, 1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !tc.ok {
				t.Errorf("A %+v\nB %+v", a, b)
			}
		})
	}
	want := map[string]struct {
		max, min string
		gap      float64
	}{
		"mean_accuracy":                {"A", "B", 0.75},
		"systemic_failure_rate":        {"B", "A", 1},
		"homogenization_pairwise_mean": {"A", "B", 1},
	}
	for _, d := range g.Disparity {
		w := want[d.Measure]
		t.Run("disparity in "+d.Measure, func(t *testing.T) {
			if d.MaxGroup != w.max || d.MinGroup != w.min || !near(float64(d.Gap), w.gap) {
				t.Errorf("%+v; want %s − %s = %v", d, w.max, w.min, w.gap)
			}
			if !(d.GapCI[0] <= float64(d.Gap) && float64(d.Gap) <= d.GapCI[1]) {
				t.Errorf("interval %v does not hold the gap %v", d.GapCI, d.Gap)
			}
		})
	}
	// Group B is failed by everyone in every replicate and A by no one:
	// the systemic-failure gap is 1 in every resample.
	if ci := g.Disparity[1].GapCI; ci[0] != 1 || ci[1] != 1 {
		t.Errorf("systemic failure gap interval %v; want [1, 1]", ci)
	}
	if len(why) != 0 {
		t.Errorf("reasons %v for defined values", why)
	}
}

func TestGroupsInMetricsJSON(t *testing.T) {
	for _, tc := range []struct {
		name   string
		groups bool
	}{{"predictions with groups have a groups member", true}, {"predictions without groups have none", false}} {
		t.Run(tc.name, func(t *testing.T) {
			x := picked()
			if !tc.groups {
				x.Groups = nil
			}
			r, err := Compute(x, Options{Bootstrap: 50, Permutations: -1, Seed: 3})
			if err != nil {
				t.Fatal(err)
			}
			js, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Contains(string(js), `"groups":{"groups":[{"name":"A"`); got != tc.groups {
				t.Errorf("groups member present: %v; want %v", got, tc.groups)
			}
		})
	}
}

func TestGroupsReasons(t *testing.T) {
	x := picked()
	x.Groups = []string{"A", "A", "A", "A", "A", "A", "A", "A"}
	g, why := Groups(x, 10, 1)
	if len(g.Groups) != 1 || !math.IsNaN(float64(g.Disparity[0].Gap)) || why["groups.disparity[0].gap"] != "one group: no disparity" {
		t.Errorf("one group: disparity %+v, reasons %v", g.Disparity, why)
	}
}
