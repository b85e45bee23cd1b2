package metrics

import (
	"reflect"
	"testing"

	"github.com/study-harness/study/study/predmat"
)

func TestDuplicatesGroupsIdenticalModels(t *testing.T) {
	// Four instances, two classes. Models 0, 2 and 3 predict the same
	// labels; 0 and 3 also have the same probabilities, 2 differs in one
	// probability's last bit. Models 1 and 4 differ from them in a label
	// and from each other in their probabilities.
	pred := []int32{0, 1, 1, 0, 0, 1, 1, 1, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 1}
	row := []float32{0.9, 0.1, 0.2, 0.8, 0.3, 0.7, 0.6, 0.4}
	prob := make([]float32, 0, 5*8)
	for m := range 5 {
		r := append([]float32(nil), row...)
		switch m {
		case 1:
			r[6], r[7] = 0.4, 0.6
		case 2:
			r[0] = 0.90000004
		case 4:
			r = []float32{0.1, 0.9, 0.9, 0.1, 0.6, 0.4, 0.7, 0.3}
		}
		prob = append(prob, r...)
	}
	x := &predmat.Matrix{
		Models:    []string{"a", "b", "c", "d", "e"},
		Instances: []string{"0", "1", "2", "3"},
		Classes:   2,
		Labels:    []int32{0, 1, 1, 0},
		Pred:      pred,
		Prob:      prob,
	}
	configs := []map[string]string{
		{"arch": "logreg", "widths": "[]", "seed": "1"},
		{"arch": "mlp", "widths": "[]", "seed": "1"},
		{"arch": "logreg", "widths": "64+32", "seed": "2"},
		{"arch": "logreg", "widths": "64+32", "seed": "1"},
		{"arch": "mlp", "widths": "64+32", "seed": "1"},
	}
	tests := []struct {
		name    string
		prob    bool
		configs []map[string]string
		want    []DuplicateGroup
	}{
		{"probabilities must match bit for bit", true, configs, []DuplicateGroup{
			{Models: []string{"a", "d"}, Indices: []int{0, 3}, Fields: []string{"widths"}},
		}},
		{"labels alone decide without probabilities", false, configs, []DuplicateGroup{
			{Models: []string{"a", "c", "d"}, Indices: []int{0, 2, 3}, Fields: []string{"seed", "widths"}},
			{Models: []string{"b", "e"}, Indices: []int{1, 4}, Fields: []string{"widths"}},
		}},
		{"without configs no field is named", true, nil, []DuplicateGroup{
			{Models: []string{"a", "d"}, Indices: []int{0, 3}, Fields: []string{}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			y := *x
			y.Configs = tt.configs
			if !tt.prob {
				y.Prob = nil
			}
			if got := Duplicates(&y); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
	t.Run("distinct models give an empty list, not null", func(t *testing.T) {
		y := *x
		y.Models, y.Pred, y.Prob = x.Models[:2], x.Pred[:8], x.Prob[:16]
		if got := Duplicates(&y); got == nil || len(got) != 0 {
			t.Errorf("got %#v, want an empty list", got)
		}
	})
}
