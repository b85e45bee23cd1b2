package predmat

import (
	"math"
	"strings"
	"testing"
)

// withFeatures returns small() with features for model a on instances 0
// and 2 (2 dims) and none for model b, as study/runs.Collect builds them.
func withFeatures() *Matrix {
	x := small()
	x.Features = [][]float32{{1, 2, 3, 4}, nil}
	x.FeatureDims = []int{2, 0}
	x.FeatureIdx = []int{0, 2}
	return x
}

func TestValidateAcceptsConsistentFeatures(t *testing.T) {
	for _, tc := range []struct {
		name  string
		shape func(x *Matrix)
	}{
		{"one model with features, one without", func(x *Matrix) {}},
		{"both models with features of different widths", func(x *Matrix) {
			x.Features[1], x.FeatureDims[1] = []float32{1, 2, 3, 4, 5, 6}, 3
		}},
		{"no features at all", func(x *Matrix) { x.Features, x.FeatureDims, x.FeatureIdx = nil, nil, nil }},
		{"a feature subset but no model with features", func(x *Matrix) {
			x.Features, x.FeatureDims = [][]float32{nil, nil}, []int{0, 0}
		}},
		{"a feature subset without the per-model slices", func(x *Matrix) { x.Features, x.FeatureDims = nil, nil }},
		{"dimensions without features", func(x *Matrix) { x.Features, x.FeatureIdx = nil, nil }},
		{"the subset in any order", func(x *Matrix) { x.FeatureIdx = []int{2, 0} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x := withFeatures()
			tc.shape(x)
			if err := x.Validate(); err != nil {
				t.Errorf("Validate: %v", err)
			}
		})
	}
}

func TestValidateRejectsInconsistentFeatures(t *testing.T) {
	for _, tc := range []struct {
		name  string
		spoil func(x *Matrix)
		want  string
	}{
		{"features for more models than there are", func(x *Matrix) { x.Features = append(x.Features, nil) }, "features for 3 models, want 2"},
		{"features for fewer models than there are", func(x *Matrix) { x.Features = x.Features[:1] }, "features for 1 models, want 2"},
		// metrics.Representations indexed FeatureDims[1] and panicked.
		{"two feature rows and one dimension", func(x *Matrix) {
			x.Features[1], x.FeatureDims = []float32{5, 6, 7, 8}, []int{2}
		}, "1 feature dimensions for 2 models"},
		{"more dimensions than models", func(x *Matrix) { x.FeatureDims = append(x.FeatureDims, 2) }, "3 feature dimensions for 2 models"},
		{"features without dimensions", func(x *Matrix) { x.FeatureDims = nil }, `model "a" has features but the matrix has no feature dimensions`},
		{"a negative dimension of a model with features", func(x *Matrix) {
			x.Features[0], x.FeatureDims[0] = []float32{}, -1
		}, `model "a": feature dimension -1 is negative`},
		{"a negative dimension of a model without features", func(x *Matrix) { x.FeatureDims[1] = -3 }, `model "b,\"quoted\"": feature dimension -3 is negative`},
		{"features of dimension zero", func(x *Matrix) { x.Features[0], x.FeatureDims[0] = []float32{}, 0 }, `model "a" has features of dimension 0, want at least 1`},
		{"too few feature values", func(x *Matrix) { x.Features[0] = x.Features[0][:3] }, `model "a" has 3 feature values, want 2 instances × 2 dims`},
		{"too many feature values", func(x *Matrix) { x.Features[0] = append(x.Features[0], 5) }, `model "a" has 5 feature values, want 2 instances × 2 dims`},
		{"values that fit another dimension", func(x *Matrix) { x.FeatureDims[0] = 1 }, `model "a" has 4 feature values, want 2 instances × 1 dims`},
		{"values that fit another subset size", func(x *Matrix) { x.FeatureIdx = []int{1} }, `model "a" has 4 feature values, want 1 instances × 2 dims`},
		{"features with an empty subset", func(x *Matrix) { x.FeatureIdx = nil }, `model "a" has 4 feature values, want 0 instances × 2 dims`},
		// 3 × (2⁶⁴+2)/3 wraps to 2 in 64-bit ints: the product alone would pass.
		{"a dimension whose product with the subset overflows", func(x *Matrix) {
			x.Features[0], x.FeatureDims[0], x.FeatureIdx = []float32{1, 2}, int(uint64(math.MaxUint64)/3+1), []int{0, 1, 2}
		}, `model "a" has 2 feature values, want 3 instances × `},
		{"a negative feature index", func(x *Matrix) { x.FeatureIdx[0] = -1 }, "feature index 0: instance -1 outside [0, 3)"},
		{"a feature index past the instances", func(x *Matrix) { x.FeatureIdx[1] = 3 }, "feature index 1: instance 3 outside [0, 3)"},
		{"a repeated feature index", func(x *Matrix) { x.FeatureIdx[1] = 0 }, `feature index 1: instance "i0" repeats feature index 0`},
		{"a bad feature index without any features", func(x *Matrix) {
			x.Features, x.FeatureDims, x.FeatureIdx = nil, nil, []int{7}
		}, "feature index 0: instance 7 outside [0, 3)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x := withFeatures()
			tc.spoil(x)
			if err := x.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Validate: err = %v, want one containing %q", err, tc.want)
			}
		})
	}
}
