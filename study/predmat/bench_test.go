package predmat

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// benchMatrix returns m models × n instances × 10 classes of random
// predictions with probabilities.
func benchMatrix(m, n int) *Matrix {
	const c = 10
	rng := rand.New(rand.NewPCG(1, 2))
	x := &Matrix{Classes: c, Labels: make([]int32, n), Pred: make([]int32, m*n), Prob: make([]float32, m*n*c)}
	for a := range m {
		x.Models = append(x.Models, "model-"+string(rune('A'+a%26))+string(rune('a'+a/26%26))+string(rune('0'+a/676)))
	}
	for i := range n {
		x.Instances = append(x.Instances, "test/"+string(rune('a'+i%26))+string(rune('a'+i/26%26))+string(rune('a'+i/676%26))+string(rune('a'+i/17576)))
		x.Labels[i] = int32(rng.IntN(c))
	}
	for k := range x.Pred {
		x.Pred[k] = int32(rng.IntN(c))
		row := x.Prob[k*c : (k+1)*c]
		for j := range row {
			row[j] = 0.1
		}
	}
	return x
}

// BenchmarkRead reads 100 models × 10 000 instances × 10 classes (1M rows).
func BenchmarkRead(b *testing.B) {
	x := benchMatrix(100, 10000)
	var buf bytes.Buffer
	if err := Write(&buf, x); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Read("bench.csv", bytes.NewReader(buf.Bytes())); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(x.M()*x.N())*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkWrite writes 100 models × 10 000 instances × 10 classes.
func BenchmarkWrite(b *testing.B) {
	x := benchMatrix(100, 10000)
	b.ReportAllocs()
	for b.Loop() {
		var buf bytes.Buffer
		if err := Write(&buf, x); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(x.M()*x.N())*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
