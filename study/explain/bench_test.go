package explain

import (
	"math/rand/v2"
	"testing"

	"github.com/study-harness/study/models"
	"github.com/study-harness/study/study/seeds"
)

// normalAttributions returns m×n×d attributions: a component common to
// every model, per instance, plus each model's own Gaussian noise, so
// that the models agree partly, as real ones do.
func normalAttributions(m, n, d int) []float32 {
	r := seeds.Stream("explain/bench", 1)
	common := make([]float32, n*d)
	for j := range common {
		common[j] = float32(r.NormFloat64())
	}
	x := make([]float32, m*n*d)
	for a := range m {
		for j, c := range common {
			x[a*n*d+j] = c + float32(r.NormFloat64())
		}
	}
	return x
}

// BenchmarkExplanationAgreement100x1000x784 is the target: the
// six measures for every pair of 100 models on 1000 MNIST-sized
// attributions at k = 0.25 (196 features), on two workers.
func BenchmarkExplanationAgreement100x1000x784(b *testing.B) {
	const m, n, d = 100, 1000, 784
	attr := normalAttributions(m, n, d)
	k, err := ResolveK(0.25, d)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Agree(attr, m, n, d, AgreeOptions{K: k, Workers: 2}); err != nil {
			b.Fatal(err)
		}
	}
	pairs := float64(m*(m+1)/2) * n
	b.ReportMetric(pairs*float64(b.N)/b.Elapsed().Seconds(), "pair-instances/s")
}

// benchNet returns the seed MLP (784→64→32→10) or the default CNN (two
// 3×3 conv stages of 16 and 32 channels, dense 128) on MNIST's shape,
// randomly initialised, as an explain.Model, and 1000 random images.
func benchNet(b *testing.B, arch string) (Model, []float32, []int) {
	b.Helper()
	shape := models.Shape{In: 784, Height: 28, Width: 28, Channels: 1, Classes: 10, Out: 10}
	m, err := models.New(shape, models.Options{Arch: arch}, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		b.Fatal(err)
	}
	net := m.(models.Net)
	model := Model{In: 784, Classes: 10,
		Grad: func(x []float32, n int, class []int, dx []float32) {
			g := net.InputGrad(x, n, func(_, grad []float32) {
				for i, c := range class {
					grad[i*10+c] = 1
				}
			})
			copy(dx, g[:n*784])
		},
		Logits: func(x []float32, n int, dst []float32) { copy(dst, net.Forward(x, n, false)[:n*10]) },
	}
	r := seeds.Stream("explain/bench", 2)
	x := make([]float32, 1000*784)
	for j := range x {
		x[j] = float32(r.Float64())
	}
	class := make([]int, 1000)
	for i := range class {
		class[i] = i % 10
	}
	return model, x, class
}

// BenchmarkGradientAttributions1000MNIST times saliency and integrated
// gradients (50 Gauss–Legendre points) of 1000 MNIST images on the seed
// MLP and the CNN, 100 images per call as the runs stage batches them,
// on one goroutine. scripts/peers/torch_explain.py is PyTorch's peer.
func BenchmarkGradientAttributions1000MNIST(b *testing.B) {
	for _, arch := range []string{"mlp", "cnn"} {
		for _, method := range []Method{MethodSaliency, MethodIntegratedGradients} {
			b.Run(arch+"/"+string(method), func(b *testing.B) {
				m, x, class := benchNet(b, arch)
				for b.Loop() {
					for s := 0; s < 1000; s += 100 {
						if _, err := Attribute(method, m, x[s*784:(s+100)*784], class[s:s+100], nil, Settings{}); err != nil {
							b.Fatal(err)
						}
					}
				}
				b.ReportMetric(1000*float64(b.N)/b.Elapsed().Seconds(), "images/s")
			})
		}
	}
}
