package explain

import (
	"testing"

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
