package metrics

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/study-harness/study/study/predmat"
)

// featureMatrix returns a matrix of len(feats) models on n instances
// whose features on all n instances are feats (row-major n×dims[m]).
func featureMatrix(feats [][]float32, dims []int, n int) *predmat.Matrix {
	x := constant(len(feats), n, 2, 1, 0)
	x.Features, x.FeatureDims = feats, dims
	for i := range n {
		x.FeatureIdx = append(x.FeatureIdx, i)
	}
	return x
}

func TestCKAMatchesTheWorkedExample(t *testing.T) {
	var ref struct {
		CKA struct {
			X, Y            [][]float32
			Expected, Sheet map[string]float64
		} `json:"cka"`
	}
	raw, err := os.ReadFile(workedExampleFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	c := ref.CKA
	if len(c.X) != 5 || len(c.Y) != 5 || len(c.Expected) != 2 || len(c.Sheet) != 2 {
		t.Fatalf("%s: the CKA example has %d and %d rows, %d computed and %d sheet values; want 5, 5, 2, 2", workedExampleFile, len(c.X), len(c.Y), len(c.Expected), len(c.Sheet))
	}
	var fx, fy []float32
	for i := range c.X {
		fx, fy = append(fx, c.X[i]...), append(fy, c.Y[i]...)
	}
	x := featureMatrix([][]float32{fx, fy}, []int{len(c.X[0]), len(c.Y[0])}, len(c.X))
	rep, why := Representations(x, 0, 0, 2)
	if rep == nil {
		t.Fatalf("no representation: %v", why)
	}
	lin, deb := c.Expected["linear CKA(X,Y)"], c.Expected["debiased linear CKA(X,Y)"]
	for _, tc := range []struct {
		name      string
		got, want float64
	}{
		{"linear CKA(X, Y)", rep.CKALinear[0][1], lin},
		{"linear CKA(Y, X)", rep.CKALinear[1][0], lin},
		{"debiased linear CKA(X, Y)", rep.CKADebiased[0][1], deb},
		{"linear CKA(X, X)", rep.CKALinear[0][0], 1},
		{"debiased CKA(Y, Y)", rep.CKADebiased[1][1], 1},
		// The generator's numpy against the six digits the sheet prints.
		{"numpy's linear CKA against the sheet", lin, c.Sheet["linear CKA(X,Y)"]},
		{"numpy's debiased CKA against the sheet", deb, c.Sheet["debiased linear CKA(X,Y)"]},
	} {
		t.Run(tc.name+" matches", func(t *testing.T) {
			if math.Abs(tc.got-tc.want) > 1e-6 {
				t.Errorf("got %.9g, want %.9g", tc.got, tc.want)
			}
		})
	}
}

func TestRepresentationsMatchNumpy(t *testing.T) {
	var ref struct {
		N        int                    `json:"n"`
		K        int                    `json:"k"`
		Features [][][]float64          `json:"features"`
		Dims     []int                  `json:"dims"`
		Expected map[string][][]float64 `json:"expected"`
	}
	if err := json.Unmarshal(mustRead(t, "testdata/representation.json"), &ref); err != nil {
		t.Fatal(err)
	}
	var feats [][]float32
	for _, f := range ref.Features {
		var flat []float32
		for _, row := range f {
			for _, v := range row {
				flat = append(flat, float32(v))
			}
		}
		feats = append(feats, flat)
	}
	rep, why := Representations(featureMatrix(feats, ref.Dims, ref.N), ref.K, 0, 2)
	if rep == nil {
		t.Fatalf("no representation: %v", why)
	}
	got := map[string]Square{"cka_linear": rep.CKALinear, "cka_debiased": rep.CKADebiased, "cka_rbf": rep.CKARBF, "mutual_knn": rep.MutualKNN}
	if len(ref.Expected) != len(got) {
		t.Fatalf("the reference file holds %d measures, want the %d computed here", len(ref.Expected), len(got))
	}
	for name, want := range ref.Expected {
		t.Run(name+" matches numpy", func(t *testing.T) {
			for a := range want {
				for b := range want[a] {
					if g := got[name][a][b]; math.Abs(g-want[a][b]) > 1e-9 {
						t.Errorf("[%d][%d] = %.12g, want %.12g", a, b, g, want[a][b])
					}
				}
			}
		})
	}
}

func TestRepresentationsExplainWhenUndefined(t *testing.T) {
	for _, tc := range []struct {
		name string
		x    *predmat.Matrix
		path string
	}{
		{"a matrix without features", constant(2, 10, 2, 1, 0), "representation"},
		{"a feature subset of 3 instances", featureMatrix([][]float32{{1, 2, 3}, {3, 1, 2}}, []int{1, 1}, 3), "representation"},
		{"a model without features", featureMatrix([][]float32{{1, 2, 3, 5}, nil}, []int{1, 0}, 4), "representation.cka_linear[0][1]"},
		{"a model with constant features", featureMatrix([][]float32{{1, 2, 3, 5}, {1, 1, 1, 1}}, []int{1, 1}, 4), "representation.cka_rbf[0][1]"},
	} {
		t.Run(tc.name+" gives a reason at "+tc.path, func(t *testing.T) {
			r, err := Compute(tc.x, Options{Bootstrap: -1, Permutations: -1})
			if err != nil {
				t.Fatal(err)
			}
			if r.Reasons[tc.path] == "" {
				t.Errorf("no reason at %s; reasons: %v", tc.path, r.Reasons)
			}
			b, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			var doc map[string]any
			if err := json.Unmarshal(b, &doc); err != nil {
				t.Fatal(err)
			}
			nulls := map[string]bool{}
			walkNulls(doc, "", nulls)
			if !nulls[tc.path] {
				t.Errorf("%s is not null", tc.path)
			}
		})
	}
}
