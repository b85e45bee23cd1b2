package metrics

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/study-harness/study/study/attack"
)

// TestAddRobustnessWritesNullWithAReason checks metrics.json's
// robustness.<attack>: the white-box accuracies in model order, null for a
// model that was not attacked with its reason under the JSON path.
func TestAddRobustnessWritesNullWithAReason(t *testing.T) {
	r := &Result{Models: []string{"a", "b"}}
	a := attack.Attack{Name: "fgsm_01", Method: "fgsm", Eps: 0.1}
	AddRobustness(r, []attack.Attack{a}, 7, [][]float64{{0.25, math.NaN()}}, [][]string{{"", "arch=tree has none"}})
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Robustness map[string]struct {
			N   int        `json:"n_instances"`
			Acc []*float64 `json:"adv_accuracy"`
		} `json:"robustness"`
		Reasons map[string]string `json:"reasons"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	f := got.Robustness["fgsm_01"]
	if f.N != 7 || len(f.Acc) != 2 || f.Acc[0] == nil || *f.Acc[0] != 0.25 || f.Acc[1] != nil {
		t.Fatalf("robustness.fgsm_01 = %s", b)
	}
	if why := got.Reasons["robustness.fgsm_01.adv_accuracy[1]"]; !strings.Contains(why, "arch=tree") {
		t.Fatalf("reasons = %v", got.Reasons)
	}
	if len(got.Reasons) != 1 {
		t.Fatalf("reasons = %v, want only the tree's", got.Reasons)
	}
}
