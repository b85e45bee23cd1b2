package report

import (
	"flag"
	"fmt"
	"math"
	"os"
	"testing"

	"github.com/study-harness/study/study/metrics"
	"github.com/study-harness/study/study/predmat"
)

var sampleOut = flag.String("sample", "", "also write the sample report to this HTML `file`, to look at")

// sampleInput is a small study: two axes, six runs of which one failed
// and one was skipped, agreement with one NaN pair, and hostile names.
func sampleInput() *Input {
	in := &Input{
		Title:    "mlp width × seed on MNIST",
		SpecYAML: "name: demo\nsweep:\n  model.width: [32, 64]\n  seed: [1, 2, 3]\n# <script>alert(1)</script>\n",
		Axes: []Axis{
			{Key: "model.width", Values: []string{"32", "64"}},
			{Key: "seed", Values: []string{"1", "2", "3"}},
		},
		Environment: map[string]string{
			"go":         "go1.26.8",
			"gomaxprocs": "2",
			"cpu":        "AMD EPYC",
			"commit":     "4f5c5f8",
			"start":      "2025-11-29T11:14:00Z",
		},
	}
	names := []string{"w32-s1", "w32-s2", "w32-s3", "<script>alert(1)</script>", "50%_{x}&", "w64-s3"}
	for i, n := range names {
		r := Run{
			Name:         n,
			ID:           fmt.Sprintf("run%02d", i),
			Config:       map[string]string{"model.width": []string{"32", "64"}[i/3], "seed": fmt.Sprint(i%3 + 1)},
			Status:       StatusOK,
			TestAccuracy: 0.95 + 0.005*float64(i),
			ValAccuracy:  0.94 + 0.004*float64(i),
			WallSeconds:  30 + 17*float64(i),
		}
		for e := range 10 {
			r.Loss = append(r.Loss, 2.3*math.Exp(-0.3*float64(e))/(1+0.1*float64(i))+0.05)
		}
		in.Runs = append(in.Runs, r)
	}
	in.Runs[2].Status, in.Runs[2].Reason = StatusFailed, "loss is NaN at epoch 3 <b>&</b>"
	in.Runs[2].TestAccuracy, in.Runs[2].ValAccuracy = 0, 0
	in.Runs[5].Status, in.Runs[5].Reason = StatusSkipped, "cancelled"
	in.Runs[5].Loss = nil
	for _, r := range in.Runs {
		if r.Status == StatusOK {
			in.Models = append(in.Models, r.Name)
		}
	}
	// Two groups: {w32-s1, w32-s2} and the two hostile names, whose
	// pair has no value.
	in.Agreement = [][]float64{
		{1, 0.97, 0.90, 0.91},
		{0.97, 1, 0.89, 0.90},
		{0.90, 0.89, 1, math.NaN()},
		{0.91, 0.90, math.NaN(), 1},
	}
	return in
}

func TestSampleReportRenders(t *testing.T) {
	b, err := RenderHTML(sampleInput())
	if err != nil {
		t.Fatalf("RenderHTML: %v", err)
	}
	if *sampleOut != "" {
		if err := os.WriteFile(*sampleOut, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// syntheticMatrix returns m models of two families on n instances of c
// classes: each model copies the true label with a probability that
// depends on its family, with probabilities peaked on its prediction. It
// is deterministic.
func syntheticMatrix(m, n, c int, names []string) *predmat.Matrix {
	x := &predmat.Matrix{Classes: c, Models: names}
	state := uint64(12345)
	rnd := func() float64 {
		state ^= state << 13
		state ^= state >> 7
		state ^= state << 17
		return float64(state>>11) / (1 << 53)
	}
	hard := make([]float64, n) // some instances are hard for everyone
	for i := range n {
		x.Instances = append(x.Instances, fmt.Sprint(i))
		x.Labels = append(x.Labels, int32(i%c))
		hard[i] = rnd()
	}
	for k := range m {
		arch := []string{"mlp", "logreg"}[k%2]
		x.Configs = append(x.Configs, map[string]string{"arch": arch, "seed": fmt.Sprint(k/2 + 1)})
		skill := 0.9 - 0.2*float64(k%2)
		for i := range n {
			p := x.Labels[i]
			if hard[i] > skill || rnd() > 0.95 {
				p = int32((int(p) + 1 + int(rnd()*float64(c-1))) % c)
			}
			x.Pred = append(x.Pred, p)
			conf := 0.5 + 0.45*rnd()
			for j := range c {
				v := (1 - conf) / float64(c-1)
				if int32(j) == p {
					v = conf
				}
				x.Prob = append(x.Prob, float32(v))
			}
		}
	}
	return x
}

// metricsInput is sampleInput with a prediction matrix, its metrics and a
// distribution-shift section: everything the report can show. Fewer
// replicates and permutations than the defaults keep the tests short.
func metricsInput(t testing.TB) *Input {
	return metricsInputWith(t, metrics.Options{Bootstrap: 200, Permutations: 199})
}

// metricsInputWith is metricsInput with the metrics computed with opts.
func metricsInputWith(t testing.TB, opts metrics.Options) *Input {
	in := sampleInput()
	names := []string{"mlp-s1", "logreg-s1", "mlp-s2", "logreg-s2", "<script>alert(1)</script>", "50%_{x}&"}
	x := syntheticMatrix(len(names), 400, 3, names)
	res, err := metrics.Compute(x, opts)
	if err != nil {
		t.Fatalf("metrics.Compute: %v", err)
	}
	in.Matrix, in.Metrics = x, res
	in.Models, in.Agreement = nil, nil
	in.Runs = nil
	for m, name := range names {
		in.Runs = append(in.Runs, Run{Name: name, ID: fmt.Sprint("r", m), Config: x.Configs[m], Status: StatusOK,
			TestAccuracy: res.PerModel.Accuracy[m], ValAccuracy: math.NaN(), WallSeconds: 1, Loss: []float64{1, 0.5, 0.3}})
	}
	in.Axes = []Axis{{Key: "arch", Values: []string{"mlp", "logreg"}}, {Key: "seed", Values: []string{"1", "2", "3"}}}
	// Agreement on the line for one evaluation set, as metrics.json holds it.
	if res.Extra == nil {
		res.Extra = map[string]any{}
	}
	res.Extra["agreement_on_the_line"] = map[string]any{
		"noise & <b>": map[string]any{
			"id_accuracy": []float64{0.9, 0.7, 0.88, 0.72}, "ood_accuracy": []float64{0.8, 0.5, 0.77, 0.55},
			"id_agreement": []float64{0.75, 0.95, 0.74}, "ood_agreement": []float64{0.6, 0.88, 0.58},
			"accuracy_line":  map[string]any{"slope": 1.1, "intercept": -0.4},
			"agreement_line": map[string]any{"slope": 1.0, "intercept": -0.35},
		},
	}
	in.Sections = append(in.Sections, Section{ID: "shift", Title: "Distribution shift", Text: []string{"Corrupted copies."},
		Table:  &Table{Header: []string{"evaluation set", "mean accuracy"}, Rows: [][]string{{"clean test set", "0.8"}, {"noise & <b>", "0.65"}}},
		Figure: "shift"})
	return in
}
