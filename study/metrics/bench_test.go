package metrics

import (
	"sync"
	"testing"

	"github.com/study-harness/study/study/predmat"
)

// The benchmark input follows ../shared/peers/numpy_agreement.py: 1000
// models × 10 000 instances × 10 classes, predictions right 90% of the
// time, probabilities the softmax of N(0,1) logits with +3 on the
// predicted label. It takes 400 MB and is built once.
var (
	benchOnce sync.Once
	benchX    *predmat.Matrix
)

func bigMatrix() *predmat.Matrix {
	benchOnce.Do(func() { benchX = randomMatrix(0, 1000, 10000, 10, 0.9) })
	return benchX
}

func reportPairs(b *testing.B, m int) {
	b.ReportMetric(float64(m*(m+1)/2)*float64(b.N)/b.Elapsed().Seconds(), "pairs/s")
}

// BenchmarkPairwise1000x10000 times all pairs of agreement, κ and the
// correctness measures (packing included).
func BenchmarkPairwise1000x10000(b *testing.B) {
	x := bigMatrix()
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := Pairwise(x, 0); err != nil {
			b.Fatal(err)
		}
	}
	reportPairs(b, x.M())
}

// BenchmarkCAPA1000x10000 times CAPA for all pairs (the Gram matrix of the
// flattened probabilities dominates).
func BenchmarkCAPA1000x10000(b *testing.B) {
	x := bigMatrix()
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := CAPA(x, 0); err != nil {
			b.Fatal(err)
		}
	}
	m, k := float64(x.M()), float64(x.N()*x.Classes)
	// The tiles cover the upper triangle: about m²k/2 multiply-adds.
	b.ReportMetric((m*m*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	reportPairs(b, x.M())
}

// BenchmarkJSD1000x10000 times JSD for all pairs.
func BenchmarkJSD1000x10000(b *testing.B) {
	x := bigMatrix()
	b.ResetTimer()
	for b.Loop() {
		if _, err := JSD(x, 0); err != nil {
			b.Fatal(err)
		}
	}
	reportPairs(b, x.M())
}

// BenchmarkMixXlog2x times the JSD kernel Σ m log2 m on one chunk.
func BenchmarkMixXlog2x(b *testing.B) {
	a, c := make([]float32, jsdChunk), make([]float32, jsdChunk)
	for i := range a {
		a[i] = float32(i+1) / (2 * jsdChunk)
		c[i] = float32(jsdChunk-i) / (2 * jsdChunk)
	}
	for b.Loop() {
		mixXlog2x(a, c)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/jsdChunk, "ns/elem")
}
