package metrics

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/study-harness/study/study/predmat"
)

// The benchmark input follows scripts/peers/numpy_agreement.py: 1000
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

// BenchmarkMetricsStageCSV runs the metrics stage of `study analyze` on
// the predictions CSV named by $STUDY_BENCH_CSV: predmat.Read, Compute
// with the default options and metrics.json (to io.Discard). It reports
// the process's peak RSS (VmHWM), so run it alone with -test.benchtime 1x;
// scripts/measure-scaling (ANALYZE=1) does, on 1000 × 10 000 × 10. It is
// skipped without the variable.
func BenchmarkMetricsStageCSV(b *testing.B) {
	path := os.Getenv("STUDY_BENCH_CSV")
	if path == "" {
		b.Skip("STUDY_BENCH_CSV names no predictions CSV")
	}
	for b.Loop() {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		x, err := predmat.Read(path, f)
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
		r, err := Compute(x, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if err := r.Encode(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
	st, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return // no VmHWM here
	}
	for line := range strings.Lines(string(st)) {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb float64
			if _, err := fmt.Sscanf(strings.TrimSpace(v), "%g kB", &kb); err == nil {
				b.ReportMetric(kb/1024, "peak-RSS-MiB")
			}
		}
	}
}
