package metrics

import (
	"fmt"
	"math"
	"testing"
)

// TestFloat32GramStaysCloseToTheExactGram checks the float32 GEMM path of
// gram, taken above gramExact multiply-adds, against gram64 in float64 on
// probability rows, and that its bits do not depend on the workers.
func TestFloat32GramStaysCloseToTheExactGram(t *testing.T) {
	for _, c := range []struct{ m, n, classes int }{
		{40, 1100, 10}, // one tile, several column chunks and a ragged one
		{300, 200, 10}, // two tiles per side, the second ragged
		{257, 700, 3},  // a one-row ragged tile
	} {
		t.Run(fmt.Sprintf("%d models × %d instances × %d classes agree with float64 to 1e-6", c.m, c.n, c.classes), func(t *testing.T) {
			k := c.n * c.classes
			if c.m*c.m*k <= gramExact {
				t.Fatalf("case too small to take the float32 path: %d ≤ %d", c.m*c.m*k, gramExact)
			}
			x := randomMatrix(uint64(c.m), c.m, c.n, c.classes, 0.8)
			f64 := make([]float64, len(x.Prob))
			for i, v := range x.Prob {
				f64[i] = float64(v)
			}
			want := gram64(f64, c.m, k, 1)
			got := gram(x.Prob, c.m, k, 1)
			for i, w := range want {
				if math.Abs(got[i]-w) > 1e-6*math.Abs(w) {
					t.Fatalf("cell (%d, %d) = %v, float64 %v", i/c.m, i%c.m, got[i], w)
				}
			}
			again := gram(x.Prob, c.m, k, 3)
			for i := range got {
				if math.Float64bits(got[i]) != math.Float64bits(again[i]) {
					t.Fatalf("cell (%d, %d) = %v on 1 worker, %v on 3", i/c.m, i%c.m, got[i], again[i])
				}
			}
		})
	}
}
