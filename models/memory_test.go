package models_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/study-harness/study/models"
)

// TestEstimateMemoryCountsTheParameters checks the estimate's parameter
// count against the parameters each net architecture builds, on MNIST's
// shape with the defaults and with sizes of their own.
func TestEstimateMemoryCountsTheParameters(t *testing.T) {
	s := models.Shape{In: 784, Height: 28, Width: 28, Channels: 1, Classes: 10, Out: 10}
	for _, o := range []models.Options{
		{Arch: "logreg"}, {Arch: "mlp"}, {Arch: "mlp", Widths: []int{300, 100, 50}},
		{Arch: "resmlp"}, {Arch: "resmlp", Width: 32, Depth: 3}, {Arch: "cnn"}, {Arch: "cnn", Width: 8, Depth: 3},
		{Arch: "gru"}, {Arch: "gru", Width: 20}, {Arch: "transformer"}, {Arch: "transformer", Width: 32, Depth: 1, Heads: 2, Patch: 4},
	} {
		m, err := models.New(s, o, rand.New(rand.NewPCG(1, 1)))
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, p := range m.(models.Net).Params() {
			n += len(p.W)
		}
		est := models.EstimateMemory(s, o)
		if math.Abs(est.Count-float64(n)) > 0.01*float64(n) {
			t.Errorf("%+v: estimated %v parameters, built %d", o, est.Count, n)
		}
		if est.Params != 8*est.Count || est.PerRow <= 0 {
			t.Errorf("%+v: params %v bytes for %v parameters, %v bytes per row", o, est.Params, est.Count, est.PerRow)
		}
	}
}
