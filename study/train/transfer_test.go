package train

import (
	"context"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/study-harness/study/models"
	"github.com/study-harness/study/study/spec"
)

// pretrain trains a 4-class mlp and returns its weights by tensor name.
func pretrain(t *testing.T) map[string][]float32 {
	t.Helper()
	job := Job{Config: config("mlp", "adam", 0.05), Data: blobSet(4, 4, 6, 11), SaveWeights: true}
	res, err := Run(context.Background(), job)
	if err != nil {
		t.Fatal(err)
	}
	if res.Weights == nil {
		t.Fatal("SaveWeights returned no weights")
	}
	return models.Weights(res.Weights)
}

func TestTransfer(t *testing.T) {
	parent := pretrain(t)
	d := blobSet(3, 4, 6, 12) // 3 classes: the head differs in size
	cases := []struct {
		name      string
		freeze    []string
		wantCopy  []string
		unchanged []string // tensors bit-identical to the parent's after training
	}{
		{"matching tensors are copied and a head of another size is re-initialised", nil,
			[]string{"layer0.weight", "layer0.bias"}, nil},
		{"a frozen layer is bit-unchanged after training", []string{"layer0"},
			[]string{"layer0.weight", "layer0.bias"}, []string{"layer0.weight", "layer0.bias"}},
		{"freezing one tensor leaves its sibling trainable", []string{"layer0.weight"},
			[]string{"layer0.weight", "layer0.bias"}, []string{"layer0.weight"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			job := Job{Config: config("mlp", "adam", 0.05), Data: d, Init: parent, Freeze: c.freeze, SaveWeights: true}
			res, err := Run(context.Background(), job)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(res.Transferred, c.wantCopy) {
				t.Errorf("transferred %v, want %v", res.Transferred, c.wantCopy)
			}
			got := models.Weights(res.Weights)
			for name, w := range got {
				same := slices.Equal(w, parent[name])
				if want := slices.Contains(c.unchanged, name); same != want {
					t.Errorf("%s: unchanged=%v, want %v", name, same, want)
				}
			}
		})
	}
	t.Run("the head starts from the run's own initialisation and the backbone from the parent", func(t *testing.T) {
		// Freezing every tensor leaves the weights a run starts from, which
		// SaveWeights then returns.
		initial := func(t *testing.T, init map[string][]float32) (map[string][]float32, []string) {
			t.Helper()
			var freeze []string
			for name := range parent {
				freeze = append(freeze, name)
			}
			job := Job{Config: config("mlp", "adam", 0.05), SpecSeed: 5, Data: d, Init: init, Freeze: freeze, SaveWeights: true}
			res, err := Run(context.Background(), job)
			if err != nil {
				t.Fatal(err)
			}
			return models.Weights(res.Weights), res.Transferred
		}
		scratch, _ := initial(t, nil)
		child, transferred := initial(t, parent)
		if want := []string{"layer0.weight", "layer0.bias"}; !reflect.DeepEqual(transferred, want) {
			t.Fatalf("transferred %v, want %v", transferred, want)
		}
		if len(child) != len(scratch) || len(child) != 4 {
			t.Fatalf("child tensors %v, scratch tensors %v, want the 4 of a one-hidden-layer mlp", slices.Sorted(maps.Keys(child)), slices.Sorted(maps.Keys(scratch)))
		}
		for name, w := range child {
			from, source := scratch[name], "a scratch run's initialisation"
			if slices.Contains(transferred, name) {
				from, source = parent[name], "the parent's"
				// Otherwise the check could not tell a copy from a fresh start.
				if slices.Equal(parent[name], scratch[name]) {
					t.Fatalf("%s: the parent's weights equal a scratch run's", name)
				}
			}
			if !slices.Equal(w, from) {
				t.Errorf("%s starts from %v, want %s %v", name, w, source, from)
			}
		}
		// The parent's head (4 classes) overlaps the child's (3 classes):
		// a head copied, even in part, from the parent would differ here.
		for _, name := range []string{"layer1.weight", "layer1.bias"} {
			p, c := parent[name], child[name]
			if len(c) == 0 || len(p) <= len(c) {
				t.Fatalf("%s: parent has %d values, child %d; want a larger parent head", name, len(p), len(c))
			}
			if slices.Equal(c, p[:len(c)]) {
				t.Errorf("%s starts from the parent's values", name)
			}
		}
	})
	t.Run("weights that match nothing are an error", func(t *testing.T) {
		_, err := Run(context.Background(), Job{Config: config("mlp", "adam", 0.05), Data: d, Init: map[string][]float32{"other": {1}}})
		if err == nil || !strings.Contains(err.Error(), "no parameter") {
			t.Errorf("error %v, want no parameter matches", err)
		}
	})
	t.Run("a freeze prefix that matches nothing is an error", func(t *testing.T) {
		_, err := Run(context.Background(), Job{Config: config("mlp", "adam", 0.05), Data: d, Init: parent, Freeze: []string{"layer9"}})
		if err == nil || !strings.Contains(err.Error(), "matches no tensor") {
			t.Errorf("error %v, want matches no tensor", err)
		}
	})
}

func TestOverlapSubsets(t *testing.T) {
	for _, n := range []int{8, 100, 1001} {
		a, _ := SubsetRows(spec.SubsetOverlapA, n, 1, 2)
		b, _ := SubsetRows(spec.SubsetOverlapB, n, 1, 2)
		ha, _ := SubsetRows(spec.SubsetHalfA, n, 1, 2)
		hb, _ := SubsetRows(spec.SubsetHalfB, n, 1, 2)
		t.Run("overlap-a and overlap-b share exactly half their rows for n="+itoa(n), func(t *testing.T) {
			if len(a) != 2*(n/4) || len(b) != len(a) {
				t.Fatalf("sizes %d, %d, want %d", len(a), len(b), 2*(n/4))
			}
			if got := common(a, b); got != n/4 {
				t.Errorf("%d rows in common, want %d", got, n/4)
			}
			if got := common(ha, hb); got != 0 {
				t.Errorf("half-a and half-b share %d rows, want 0", got)
			}
		})
	}
}

func common(a, b []int) int {
	in := map[int]bool{}
	for _, r := range a {
		in[r] = true
	}
	k := 0
	for _, r := range b {
		if in[r] {
			k++
		}
	}
	return k
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestView(t *testing.T) {
	d := blobSet(4, 4, 3, 13)
	cases := []struct {
		name           string
		labels, pos    []int
		classes, nTest int
		wantY          []int // the test labels of the view
	}{
		{"labels keep only their classes, remapped in order", []int{2, 0}, nil, 2, 6, []int{1, 0, 1, 0, 1, 0}},
		{"positive makes a binary task over every row", nil, []int{1, 3}, 2, 12, []int{0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, rows, err := View(d, c.labels, c.pos)
			if err != nil {
				t.Fatal(err)
			}
			if v.Classes != c.classes || v.NTest() != c.nTest || len(rows) != c.nTest {
				t.Fatalf("classes %d, test rows %d (%d), want %d, %d", v.Classes, v.NTest(), len(rows), c.classes, c.nTest)
			}
			if !slices.Equal(v.TestY, c.wantY) {
				t.Errorf("test labels %v, want %v", v.TestY, c.wantY)
			}
			for i, r := range rows {
				if !slices.Equal(v.TestX[i*4:(i+1)*4], d.TestX[r*4:(r+1)*4]) {
					t.Fatalf("view test row %d is not original row %d", i, r)
				}
			}
		})
	}
	t.Run("a class outside the data is an error", func(t *testing.T) {
		if _, _, err := View(d, []int{0, 9}, nil); err == nil {
			t.Error("no error")
		}
	})
}
