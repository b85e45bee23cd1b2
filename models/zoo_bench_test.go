package models_test

import (
	"math/rand/v2"
	"testing"

	"github.com/study-harness/study/models"
	"github.com/study-harness/study/optim"
)

// BenchmarkZooStep times one training step (forward, loss, backward,
// Adam) of each default zoo architecture on a batch of 64 MNIST-shaped
// images, and reports images per second.
func BenchmarkZooStep(b *testing.B) {
	const n = 64
	s := models.Shape{In: 784, Height: 28, Width: 28, Channels: 1, Classes: 10, Out: 10}
	for _, arch := range []string{"cnn", "gru", "transformer", "resmlp"} {
		b.Run(arch, func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			m, err := models.New(s, models.Options{Arch: arch}, rng)
			if err != nil {
				b.Fatal(err)
			}
			net := m.(models.Net)
			method, err := optim.New(optim.Settings{Optimizer: "adam", LR: 1e-3})
			if err != nil {
				b.Fatal(err)
			}
			x := make([]float32, n*s.In)
			for i := range x {
				x[i] = rng.Float32()
			}
			y := make([]int, n)
			for i := range y {
				y[i] = rng.IntN(s.Classes)
			}
			grad := make([]float32, n*s.Out)
			for b.Loop() {
				models.SoftmaxCrossEntropy(net.Forward(x, n, true), y, n, s.Out, grad)
				net.Backward(grad)
				method.Step(net.Params(), 1e-3)
			}
			b.ReportMetric(n*float64(b.N)/b.Elapsed().Seconds(), "images/s")
		})
	}
}
