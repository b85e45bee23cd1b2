package predmat

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// layerMatrix returns a 2-model, n-instance matrix for ReadLayerDir.
func layerMatrix(n int) *Matrix {
	x := &Matrix{Models: []string{"arch=cnn seed=1", "mlp"}, Classes: 2}
	for i := range n {
		x.Instances = append(x.Instances, string(rune('a'+i%26))+strings.Repeat("x", i/26))
		x.Labels = append(x.Labels, int32(i%2))
	}
	x.Pred = make([]int32, 2*n)
	return x
}

func writeNPY(t *testing.T, dir, name string, b []byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestReadLayerDirKeepsTheRowsOfEachModel(t *testing.T) {
	dir := t.TempDir()
	// 3 instances × 2 dims, float64 and float32.
	writeNPY(t, dir, "arch=cnn seed=1.npy", npyOf("<f8", []int{3, 2}, []float64{1, 2, 3, 4, 5, 6}))
	x := layerMatrix(3)
	if err := ReadLayerDir(x, dir, "features", 0); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(x.FeatureIdx, []int{0, 1, 2}) {
		t.Errorf("FeatureIdx %v, want every instance", x.FeatureIdx)
	}
	if !reflect.DeepEqual(x.Features, [][]float32{{1, 2, 3, 4, 5, 6}, nil}) || !reflect.DeepEqual(x.FeatureDims, []int{2, 0}) {
		t.Errorf("features %v dims %v", x.Features, x.FeatureDims)
	}
	if x.NoFeatures[0] != "" || !strings.Contains(x.NoFeatures[1], "mlp.npy") {
		t.Errorf("notes %q", x.NoFeatures)
	}
	if err := x.Validate(); err != nil {
		t.Error(err)
	}
}

func TestReadLayerDirSubsetsLargeSets(t *testing.T) {
	n := FeatureSubset + 500
	dir := t.TempDir()
	vals := make([]float64, n)
	for i := range vals {
		vals[i] = float64(i)
	}
	writeNPY(t, dir, "mlp.npy", npyOf("<f4", []int{n, 1}, vals))
	x := layerMatrix(n)
	if err := ReadLayerDir(x, dir, "logits", 3); err != nil {
		t.Fatal(err)
	}
	if len(x.FeatureIdx) != FeatureSubset || !reflect.DeepEqual(x.FeatureIdx, SubsetIndex(n, 3)) {
		t.Fatalf("%d instances kept, want the %d of SubsetIndex", len(x.FeatureIdx), FeatureSubset)
	}
	for k, i := range x.FeatureIdx {
		if x.Logits[1][k] != float32(i) {
			t.Fatalf("row %d holds %v, want instance %d's", k, x.Logits[1][k], i)
		}
	}
}

func TestReadLayerDirErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string][]byte
		want  string
	}{
		{"a file naming no model", map[string][]byte{"mlp.npy": npyOf("<f4", []int{3, 1}, []float64{1, 2, 3}), "vit.npy": nil}, "vit.npy: bad name: names no model"},
		{"no file at all", map[string][]byte{"notes.txt": []byte("x")}, "missing row: no .npy file"},
		{"another number of rows", map[string][]byte{"mlp.npy": npyOf("<f4", []int{2, 1}, []float64{1, 2})}, "mlp.npy: bad NumPy array: dtype <f4 shape (2, 1), want float32 or float64 (3, D)"},
		{"a NaN", map[string][]byte{"mlp.npy": npyOf("<f8", []int{3, 1}, []float64{1, math.NaN(), 3})}, "mlp.npy: row 1, column 0: bad number: NaN"},
		{"integers", map[string][]byte{"mlp.npy": npyOf("<i8", []int{3, 1}, []int64{1, 2, 3})}, "want float32 or float64"},
		{"not a .npy", map[string][]byte{"mlp.npy": []byte("hello")}, "mlp.npy: bad NumPy array: not a .npy file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for f, b := range tc.files {
				writeNPY(t, dir, f, b)
			}
			err := ReadLayerDir(layerMatrix(3), dir, "features", 0)
			var pe *ParseError
			if !errors.As(err, &pe) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want a *ParseError containing %q", err, tc.want)
			}
		})
	}
}

func TestLayerFileNameRefusesUnsafeNames(t *testing.T) {
	for _, tc := range []struct {
		model string
		ok    bool
	}{
		{"arch=mlp seed=1", true}, {"résnet-18", true}, {"a/b", false}, {`a\b`, false}, {"..", false}, {"", false}, {"a\nb", false}, {strings.Repeat("x", 251), false},
	} {
		_, err := LayerFileName(tc.model)
		if (err == nil) != tc.ok {
			t.Errorf("LayerFileName(%.20q): err = %v, want ok %v", tc.model, err, tc.ok)
		}
	}
}
