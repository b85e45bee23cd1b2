package models_test

import (
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"

	"github.com/study-harness/study/models"
	"github.com/study-harness/study/optim"
)

// BenchmarkMLPStep times one training step (forward, loss, backward, Adam)
// of the seed MLP 784→64→32→10 on a batch of 64.
func BenchmarkMLPStep(b *testing.B) {
	const n, in, classes = 64, 784, 10
	rng := rand.New(rand.NewPCG(1, 2))
	m, err := models.New(models.Shape{In: in, Classes: classes, Out: classes}, models.Options{Arch: "mlp"}, rng)
	if err != nil {
		b.Fatal(err)
	}
	net := m.(models.Net)
	method, err := optim.New(optim.Settings{Optimizer: "adam", LR: 1e-3})
	if err != nil {
		b.Fatal(err)
	}
	x := make([]float32, n*in)
	for i := range x {
		x[i] = rng.Float32()
	}
	y := make([]int, n)
	for i := range y {
		y[i] = rng.IntN(classes)
	}
	grad := make([]float32, n*classes)
	for b.Loop() {
		logits := net.Forward(x, n, true)
		models.SoftmaxCrossEntropy(logits, y, n, classes, grad)
		net.Backward(grad)
		method.Step(net.Params(), 1e-3)
	}
	// Forward and the weight gradient of each layer: 2·2·n·Σ in·out; the
	// input gradient of the hidden layers adds 2·n·(64·32 + 32·10).
	flops := 4.0*n*(784*64+64*32+32*10) + 2.0*n*(64*32+32*10)
	b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// BenchmarkSgemm64x784x64 times the product shape of the MLP's first
// layer, C(64×64) = A(64×784)·Bᵀ, through blas32 (the single-threaded
// Sgemm that models installs).
func BenchmarkSgemm64x784x64(b *testing.B) {
	const m, k, n = 64, 784, 64
	rng := rand.New(rand.NewPCG(1, 2))
	a, bb, c := make([]float32, m*k), make([]float32, n*k), make([]float32, m*n)
	for i := range a {
		a[i] = rng.Float32()
	}
	for i := range bb {
		bb[i] = rng.Float32()
	}
	impl := blas32.Implementation()
	for b.Loop() {
		impl.Sgemm(blas.NoTrans, blas.Trans, m, n, k, 1, a, k, bb, k, 0, c, n)
	}
	b.ReportMetric(2*m*n*k*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}
