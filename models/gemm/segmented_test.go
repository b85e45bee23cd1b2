package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// segmentedCase is one call of Segmented; the A strides include the
// overlapping views that a convolution passes (rsa < kseg·csa).
type segmentedCase struct {
	rows, cols, nseg, kseg int
	rsa, csa, sega         int
	rsb, segb, ldc         int
}

var segmentedCases = []segmentedCase{
	{14, 32, 3, 48, 16, 1, 16 * 16, 32, 48 * 32, 32},       // conv 16→32 forward: overlapping rows
	{14, 16, 3, 96, 32, 1, 16 * 32, 16, 96 * 16, 16},       // its input gradient
	{12, 32, 14, 14, 1, 16, 16 * 16, 32, 16 * 32, 32},      // its weight gradient: transposed A
	{14, 32, 1, 1, 1, 1, 0, 32, 0, 40},                     // one step, ldc wider than the tile
	{14, 16, 2, 7, 3, 5, 101, 19, 150, 17},                 // odd strides everywhere
	{12, 32, 1, 300, 300, 1, 0, 33, 0, 64},                 // plain row-major A, long
	{14, 32, 5, 3, 0, 1, 3, 32, 96, 32},                    // rsa 0: every row the same
	{12, 32, 2, 9, 2, 1, 4, 32, 9 * 32, 32},                // rows overlap within a segment
	{14, 16, 4, 16, 16 * 3, 3, 16 * 3 * 20, 16, 256, 16},   // strided columns of A
	{14, 32, 2, 4, 8, 2, 200, 36, 4 * 36, 32},              // B rows wider than the tile
	{12, 32, 3, 17, 17, 1, 17 * 12, 32, 17 * 32, 33},       // C rows not a multiple of 16 apart
	{14, 16, 1, 1000, 1, 14, 0, 16, 0, 16},                 // long k, A stored transposed
	{14, 32, 3, 144, 16, 1, 16 * 16 * 3, 32, 144 * 32, 32}, // deep segments
}

// operands returns random operands of c's sizes and the float64 sums.
func (c segmentedCase) operands(rng *rand.Rand) (a, b, out []float32, want []float64) {
	a = randSlice(rng, (c.nseg-1)*c.sega+(c.rows-1)*c.rsa+(c.kseg-1)*c.csa+1)
	b = randSlice(rng, (c.nseg-1)*c.segb+(c.kseg-1)*c.rsb+c.cols)
	out = randSlice(rng, (c.rows-1)*c.ldc+c.cols)
	want = make([]float64, len(out))
	for i, v := range out {
		want[i] = float64(v)
	}
	for i := 0; i < c.rows; i++ {
		for j := 0; j < c.cols; j++ {
			s := 0.0
			for g := 0; g < c.nseg; g++ {
				for p := 0; p < c.kseg; p++ {
					s += float64(a[g*c.sega+i*c.rsa+p*c.csa]) * float64(b[g*c.segb+p*c.rsb+j])
				}
			}
			want[i*c.ldc+j] += s
		}
	}
	return a, b, out, want
}

func TestSegmentedMatchesFloat64Sums(t *testing.T) {
	for _, tc := range segmentedCases {
		for _, withInit := range []bool{false, true} {
			name := fmt.Sprintf("%dx%d_%d_segments_of_%d_added_to_C", tc.rows, tc.cols, tc.nseg, tc.kseg)
			if withInit {
				name = fmt.Sprintf("%dx%d_%d_segments_of_%d_from_an_init_row", tc.rows, tc.cols, tc.nseg, tc.kseg)
			}
			t.Run(name, func(t *testing.T) {
				rng := rand.New(rand.NewPCG(uint64(tc.kseg), uint64(tc.nseg)))
				a, b, got, want := tc.operands(rng)
				var init []float32
				if withInit {
					// The tile starts from init, whatever C held (NaN here).
					init = randSlice(rng, tc.cols)
					for i := 0; i < tc.rows; i++ {
						for j := 0; j < tc.cols; j++ {
							want[i*tc.ldc+j] += float64(init[j]) - float64(got[i*tc.ldc+j])
							got[i*tc.ldc+j] = float32(math.NaN())
						}
					}
				}
				goOut := append([]float32(nil), got...)
				Segmented(tc.rows, tc.cols, tc.nseg, tc.kseg, a, tc.rsa, tc.csa, tc.sega, b, tc.rsb, tc.segb, got, tc.ldc, init)
				segmentedGo(tc.rows, tc.cols, tc.nseg, tc.kseg, a, tc.rsa, tc.csa, tc.sega, b, tc.rsb, tc.segb, goOut, tc.ldc, init)
				tol := 1e-5 * float64(tc.nseg*tc.kseg+1)
				for i := range got {
					if i%tc.ldc >= tc.cols {
						if math.Float32bits(got[i]) != math.Float32bits(goOut[i]) {
							t.Fatalf("element %d outside the tile changed", i)
						}
						continue
					}
					for name, v := range map[string]float32{"Segmented": got[i], "segmentedGo": goOut[i]} {
						if !(math.Abs(float64(v)-want[i]) <= tol*(1+math.Abs(want[i]))) {
							t.Fatalf("%s: c[%d] = %v, want %v", name, i, v, want[i])
						}
					}
				}
			})
		}
	}
}

func TestSegmentedIsDeterministic(t *testing.T) {
	tc := segmentedCases[0]
	rng := rand.New(rand.NewPCG(3, 4))
	a, b, c1, _ := tc.operands(rng)
	c2 := append([]float32(nil), c1...)
	Segmented(tc.rows, tc.cols, tc.nseg, tc.kseg, a, tc.rsa, tc.csa, tc.sega, b, tc.rsb, tc.segb, c1, tc.ldc, nil)
	Segmented(tc.rows, tc.cols, tc.nseg, tc.kseg, a, tc.rsa, tc.csa, tc.sega, b, tc.rsb, tc.segb, c2, tc.ldc, nil)
	for i := range c1 {
		if math.Float32bits(c1[i]) != math.Float32bits(c2[i]) {
			t.Fatalf("c[%d]: %v then %v", i, c1[i], c2[i])
		}
	}
}

func TestSegmentedPanicsOnBadArguments(t *testing.T) {
	ok := segmentedCases[0]
	a, b, c, _ := ok.operands(rand.New(rand.NewPCG(1, 1)))
	panics(t, []badCall{
		{"an unsupported tile", func() { Segmented(6, 32, 1, 1, a, 1, 1, 0, b, 32, 0, c, 32, nil) }},
		{"no segments", func() { Segmented(14, 32, 0, 48, a, 16, 1, 256, b, 32, 0, c, 32, nil) }},
		{"no steps", func() { Segmented(14, 32, 3, 0, a, 16, 1, 256, b, 32, 0, c, 32, nil) }},
		{"a negative stride", func() { Segmented(14, 32, 3, 48, a, -16, 1, 256, b, 32, 1536, c, 32, nil) }},
		{"C rows narrower than the tile", func() { Segmented(14, 32, 3, 48, a, 16, 1, 256, b, 32, 1536, c, 16, nil) }},
		{"A too short", func() { Segmented(14, 32, 3, 48, a[:len(a)-1], 16, 1, 256, b, 32, 1536, c, 32, nil) }},
		{"B too short", func() { Segmented(14, 32, 3, 48, a, 16, 1, 256, b[:len(b)-1], 32, 1536, c, 32, nil) }},
		{"C too short", func() { Segmented(14, 32, 3, 48, a, 16, 1, 256, b, 32, 1536, c[:len(c)-1], 32, nil) }},
		{"init too short", func() { Segmented(14, 32, 3, 48, a, 16, 1, 256, b, 32, 1536, c, 32, make([]float32, 31)) }},
	})
}

// BenchmarkSegmented reports the GFLOP/s of each kernel on the calls of
// the 14×14×16 → 32 convolution (the first three segmentedCases).
func BenchmarkSegmented(b *testing.B) {
	for _, tc := range segmentedCases[:3] {
		b.Run(fmt.Sprintf("%dx%d", tc.rows, tc.cols), func(b *testing.B) {
			a, bm, c, _ := tc.operands(rand.New(rand.NewPCG(1, 2)))
			for b.Loop() {
				Segmented(tc.rows, tc.cols, tc.nseg, tc.kseg, a, tc.rsa, tc.csa, tc.sega, bm, tc.rsb, tc.segb, c, tc.ldc, nil)
			}
			flops := 2 * float64(tc.rows*tc.cols*tc.nseg*tc.kseg) * float64(b.N)
			b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
