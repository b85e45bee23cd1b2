package metrics

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"testing"

	"github.com/study-harness/study/study/predmat"
)

// referenceFile is produced by testdata/gen_reference.py (scikit-learn's
// cohen_kappa_score, numpy for the rest); the command is in its header.
type referenceFile struct {
	Cases []struct {
		Name     string                     `json:"name"`
		Classes  int                        `json:"classes"`
		Labels   []int32                    `json:"labels"`
		Preds    [][]int32                  `json:"preds"`
		Probs    [][][]float64              `json:"probs"`
		Expected map[string]json.RawMessage `json:"expected"`
	} `json:"cases"`
}

func TestMeasuresMatchScikitLearnAndNumpy(t *testing.T) {
	raw, err := os.ReadFile("testdata/reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref referenceFile
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref.Cases) == 0 {
		t.Fatal("no reference cases")
	}
	for _, rc := range ref.Cases {
		x := &predmat.Matrix{Classes: rc.Classes, Labels: rc.Labels}
		for i := range rc.Labels {
			x.Instances = append(x.Instances, fmt.Sprint(i))
		}
		for a, row := range rc.Preds {
			x.Models = append(x.Models, fmt.Sprint("m", a))
			x.Pred = append(x.Pred, row...)
			for _, inst := range rc.Probs[a] {
				for _, p := range inst {
					x.Prob = append(x.Prob, float32(p))
				}
			}
		}
		r, err := Compute(x, Options{Workers: 2})
		if err != nil {
			t.Fatalf("%s: %v", rc.Name, err)
		}
		mats := squares(&r.Pairwise)
		mats["jsd"], mats["capa"] = r.Pairwise.JSD, r.Pairwise.CAPA
		// JSD: the AVX2 kernel is float32, within about 1e-7 relative.
		tol := map[string]float64{"jsd": 1e-7, "capa": 1e-6}
		for name, want := range rc.Expected {
			t.Run(fmt.Sprintf("%s of %s matches", name, rc.Name), func(t *testing.T) {
				switch name {
				case "systemic_failure_rate", "fleiss_kappa":
					var w *float64
					if err := json.Unmarshal(want, &w); err != nil {
						t.Fatal(err)
					}
					got := float64(r.Ensemble.SystemicFailureRate)
					if name == "fleiss_kappa" {
						got = float64(r.Ensemble.FleissKappa)
					}
					if !close(got, deref(w), 1e-12) {
						t.Errorf("got %v, want %v", got, deref(w))
					}
					return
				}
				var w [][]*float64
				if err := json.Unmarshal(want, &w); err != nil {
					t.Fatal(err)
				}
				got, ok := mats[name]
				if !ok {
					t.Fatalf("no matrix %s", name)
				}
				eps := 1e-12
				if v, ok := tol[name]; ok {
					eps = v
				}
				for a := range w {
					for b := range w[a] {
						if !close(got[a][b], deref(w[a][b]), eps) {
							t.Errorf("[%d][%d] = %v, want %v", a, b, got[a][b], deref(w[a][b]))
						}
						if math.IsNaN(got[a][b]) && r.Reasons[fmt.Sprintf("pairwise.%s[%d][%d]", name, a, b)] == "" {
							t.Errorf("[%d][%d] is NaN without a reason", a, b)
						}
					}
				}
			})
		}
	}
}

func deref(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}
