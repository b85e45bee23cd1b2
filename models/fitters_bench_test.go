package models_test

import (
	"math/rand/v2"
	"testing"

	"github.com/study-harness/study/models"
)

// mnistLike returns n rows of 784 features with 256 levels and about a
// fifth non-zero, and labels from 10 classes tied to the features, so that
// trees grow as on MNIST.
func mnistLike(n int, rng *rand.Rand) ([]float32, []int) {
	x := make([]float32, n*784)
	y := make([]int, n)
	for i := range n {
		y[i] = rng.IntN(10)
		for j := range 784 {
			if (j+y[i]*37)%5 == 0 || rng.IntN(10) == 0 {
				x[i*784+j] = float32(rng.IntN(256)) / 255
			}
		}
	}
	return x, y
}

// BenchmarkTreeFit times fitting an unlimited tree on 5 000 MNIST-shaped
// rows.
func BenchmarkTreeFit(b *testing.B) {
	x, y := mnistLike(5000, rand.New(rand.NewPCG(1, 2)))
	s := models.Shape{In: 784, Classes: 10, Out: 10}
	for b.Loop() {
		if err := models.NewTree(s, 0, 1).Fit(x, y, len(y)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(y))*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkKNNProba times the neighbour search of 256 test rows against
// 8 192 training rows of 784 features: one test block.
func BenchmarkKNNProba(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	x, y := mnistLike(8192, rng)
	test, _ := mnistLike(256, rng)
	s := models.Shape{In: 784, Classes: 10, Out: 10}
	m := models.NewKNN(s, 5)
	if err := m.Fit(x, y, len(y)); err != nil {
		b.Fatal(err)
	}
	out := make([]float32, 256*10)
	for b.Loop() {
		m.Proba(test, 256, out)
	}
	flops := 2.0 * 256 * 8192 * 784
	b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}
