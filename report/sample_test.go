package report

import (
	"flag"
	"fmt"
	"math"
	"os"
	"testing"
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
