package metrics

import (
	"encoding/json"
	"fmt"
	"math"
	"testing"

	"github.com/study-harness/study/study/predmat"
)

// TestCACEMatchesNumpy checks CACE against testdata/cace.json (made by
// testdata/gen_cace.py, which computes Jiang et al.'s definition level by
// level) on several ensembles of 2 to 6 models, and checks Theorem 4.3 on
// each: |test error − (n−1)/n · disagreement| ≤ CACE.
func TestCACEMatchesNumpy(t *testing.T) {
	var ref struct {
		Labels  []int32   `json:"labels"`
		Classes int       `json:"classes"`
		Pred    [][]int32 `json:"pred"`
		Cases   []struct {
			Models       []int   `json:"models"`
			CACE         float64 `json:"cace"`
			TestError    float64 `json:"test_error"`
			Disagreement float64 `json:"disagreement"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(mustRead(t, "testdata/cace.json"), &ref); err != nil {
		t.Fatal(err)
	}
	x := &predmat.Matrix{Classes: ref.Classes, Labels: ref.Labels}
	for i := range ref.Labels {
		x.Instances = append(x.Instances, fmt.Sprint(i))
	}
	for m, p := range ref.Pred {
		x.Models = append(x.Models, fmt.Sprint("m", m))
		x.Pred = append(x.Pred, p...)
	}
	for _, c := range ref.Cases {
		t.Run(fmt.Sprintf("the ensemble of models %v", c.Models), func(t *testing.T) {
			got := CACE(x, c.Models)
			if math.Abs(got-c.CACE) > 1e-12 {
				t.Errorf("CACE %v, numpy %v", got, c.CACE)
			}
			n := float64(len(c.Models))
			if gap := math.Abs(c.TestError - (n-1)/n*c.Disagreement); gap > got+1e-12 {
				t.Errorf("|error − (n−1)/n·disagreement| = %v exceeds CACE %v", gap, got)
			}
		})
	}
	t.Run("one model has no ensemble", func(t *testing.T) {
		if got := CACE(x, []int{0}); !math.IsNaN(got) {
			t.Errorf("CACE of one model %v, want NaN", got)
		}
	})
}
