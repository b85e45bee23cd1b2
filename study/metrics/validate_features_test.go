package metrics

import (
	"strings"
	"testing"

	"github.com/study-harness/study/study/predmat"
)

// Compute validates the feature fields before Representations indexes
// FeatureDims by model, so inconsistent shapes are an error, not a panic.
func TestComputeRejectsInconsistentFeatures(t *testing.T) {
	four := []float32{1, 2, 3, 5}
	for _, tc := range []struct {
		name string
		x    *predmat.Matrix
		want string
	}{
		{"two feature rows and one dimension", featureMatrix([][]float32{four, four}, []int{1}, 4), "1 feature dimensions for 2 models"},
		{"features without dimensions", featureMatrix([][]float32{four, four}, nil, 4), "has features but the matrix has no feature dimensions"},
		{"features for one of two models", func() *predmat.Matrix {
			x := featureMatrix([][]float32{four, four}, []int{1, 1}, 4)
			x.Features = x.Features[:1]
			return x
		}(), "features for 1 models, want 2"},
		{"too few feature values", featureMatrix([][]float32{four, {1, 2}}, []int{1, 1}, 4), `model "m1" has 2 feature values, want 4 instances × 1 dims`},
		{"a feature index past the instances", func() *predmat.Matrix {
			x := featureMatrix([][]float32{four, four}, []int{1, 1}, 4)
			x.FeatureIdx[3] = 4
			return x
		}(), "feature index 3: instance 4 outside [0, 4)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if p := recover(); p != nil {
					t.Fatalf("Compute panicked: %v", p)
				}
			}()
			_, err := Compute(tc.x, Options{Bootstrap: -1, Permutations: -1})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Compute: err = %v, want one containing %q", err, tc.want)
			}
		})
	}
}
