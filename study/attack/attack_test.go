package attack_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/study-harness/study/models"
	"github.com/study-harness/study/study/attack"
)

// logreg is the binary logistic regression p = σ(wᵀx) of the reference
// sheet's test vectors (no bias), as a one-output models.Net.
func logreg(t *testing.T, w ...float32) models.Net {
	t.Helper()
	d := models.NewDense(len(w), 1, rand.New(rand.NewPCG(1, 1)))
	copy(d.W.W, w)
	d.B.W[0] = 0
	s, err := models.NewStack(len(w), d)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestCraftMatchesTheReferenceVectors checks FGSM and PGD on the binary
// logistic regression w = (2, −1, 0.5), y = 1 (sign ∇L = −sign w), from
// docs/reference/robustness-interpretability.md §2, and sign(0) = 0 on a
// zero weight.
func TestCraftMatchesTheReferenceVectors(t *testing.T) {
	tests := []struct {
		name string
		w    []float32
		a    attack.Attack
		x    []float32
		want []float32
	}{
		{"fgsm at eps 0.1", []float32{2, -1, 0.5}, attack.Attack{Name: "f", Method: "fgsm", Eps: 0.1},
			[]float32{.5, .5, .5}, []float32{.4, .6, .4}},
		{"pgd, 5 steps of 0.1 in the 0.3 ball", []float32{2, -1, 0.5}, attack.Attack{Name: "p", Method: "pgd", Eps: 0.3, Alpha: 0.1, Steps: 5},
			[]float32{.5, .5, .5}, []float32{.2, .8, .2}},
		{"pgd clipped to [0, 1] and to the ball", []float32{2, -1, 0.5}, attack.Attack{Name: "p", Method: "pgd", Eps: 0.3, Alpha: 0.1, Steps: 5},
			[]float32{.1, .9, .5}, []float32{0, 1, .2}},
		{"fgsm leaves a feature of zero gradient alone (sign 0 = 0)", []float32{2, -1, 0}, attack.Attack{Name: "f", Method: "fgsm", Eps: 0.1},
			[]float32{.5, .5, .5}, []float32{.4, .6, .5}},
		{"pgd leaves a feature of zero gradient alone (sign 0 = 0)", []float32{2, 0, 0.5}, attack.Attack{Name: "p", Method: "pgd", Eps: 0.3, Alpha: 0.1, Steps: 5},
			[]float32{.5, .5, .5}, []float32{.2, .5, .2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.a.Validate(); err != nil {
				t.Fatal(err)
			}
			got := attack.Craft(logreg(t, tt.w...).(models.LossGrader), tt.x, []int{1}, 1, len(tt.x), tt.a, nil)
			for j := range got {
				if math.Abs(float64(got[j]-tt.want[j])) > 1e-6 {
					t.Fatalf("got %v, want %v", got, tt.want)
				}
			}
		})
	}
}

// TestPGDL2StaysInTheBall checks PGDL2's projection: every row ends within
// ε of its clean input in L2 and in [0, 1], a row whose gradient is zero
// does not move (torchattacks' 1e-10 and min(1, ε/0) = 1), and a long
// step lands on the sphere of radius ε when no pixel is clipped.
func TestPGDL2StaysInTheBall(t *testing.T) {
	net := logreg(t, 3, -2, 1, 0.5)
	x := []float32{.5, .5, .5, .5, .4, .6, .5, .5}
	a := attack.Attack{Name: "l2", Method: "pgd", Eps: 0.2, Alpha: 0.5, Steps: 3, Norm: attack.L2}
	adv := attack.Craft(net.(models.LossGrader), x, []int{1, 0}, 2, 4, a, nil)
	for i := range 2 {
		var s float64
		for j := range 4 {
			v := adv[i*4+j]
			if v < 0 || v > 1 {
				t.Fatalf("row %d: %v outside [0, 1]", i, adv[i*4:i*4+4])
			}
			s += math.Pow(float64(v-x[i*4+j]), 2)
		}
		if math.Abs(math.Sqrt(s)-0.2) > 1e-6 {
			t.Fatalf("row %d moved %v, want the ball's radius 0.2", i, math.Sqrt(s))
		}
	}
	zero := logreg(t, 0, 0)
	still := attack.Craft(zero.(models.LossGrader), []float32{.3, .7}, []int{1}, 1, 2, a, nil)
	if !slices.Equal(still, []float32{.3, .7}) {
		t.Fatalf("a zero gradient moved the input to %v", still)
	}
}

// TestRandomStartIsSeeded checks that a random start comes from the
// stream given: the same stream gives the same bits, and another stream
// other ones; every entry stays within ε and [0, 1].
func TestRandomStartIsSeeded(t *testing.T) {
	net := logreg(t, 2, -1, 0.5)
	x := []float32{.5, .5, .5, .05, .95, .5}
	for _, norm := range []int{attack.LInf, attack.L2} {
		a := attack.Attack{Name: "r", Method: "pgd", Eps: 0.1, Alpha: 0.01, Steps: 1, RandomStart: true, Norm: norm}
		run := func(seed int64) []float32 {
			return attack.Craft(net.(models.LossGrader), x, []int{1, 0}, 2, 3, a, attack.Stream("r", seed))
		}
		one, again, other := run(1), run(1), run(2)
		if !slices.Equal(one, again) {
			t.Fatalf("norm %d: the same stream gave %v and %v", norm, one, again)
		}
		if slices.Equal(one, other) {
			t.Fatalf("norm %d: two streams gave the same start %v", norm, one)
		}
		for j, v := range one {
			if v < 0 || v > 1 || math.Abs(float64(v-x[j])) > 0.1+1e-6 {
				t.Fatalf("norm %d: entry %d is %v, outside [0, 1] or the 0.1 ball around %v", norm, j, v, x[j])
			}
		}
	}
}

func TestSubsetIsFixedAndSorted(t *testing.T) {
	a, b := attack.Subset(7, 50, 10), attack.Subset(7, 50, 10)
	if !slices.Equal(a, b) || len(a) != 10 || !slices.IsSorted(a) {
		t.Fatalf("subsets %v and %v", a, b)
	}
	if all := attack.Subset(7, 5, 10); !slices.Equal(all, []int{0, 1, 2, 3, 4}) {
		t.Fatalf("a test set smaller than the subset gave %v, want all of it", all)
	}
}

func TestValidateNamesTheField(t *testing.T) {
	tests := []struct {
		a     attack.Attack
		field string
	}{
		{attack.Attack{Name: "A b", Method: "fgsm", Eps: 0.1}, "name"},
		{attack.Attack{Name: "a", Method: "cw", Eps: 0.1}, "method"},
		{attack.Attack{Name: "a", Method: "fgsm"}, "eps"},
		{attack.Attack{Name: "a", Method: "fgsm", Eps: math.NaN()}, "eps"},
		{attack.Attack{Name: "a", Method: "pgd", Eps: 0.1, Norm: 1}, "norm"},
		{attack.Attack{Name: "a", Method: "fgsm", Eps: 0.1, Norm: 2}, "norm"},
		{attack.Attack{Name: "a", Method: "fgsm", Eps: 0.1, Steps: 3}, "steps"},
		{attack.Attack{Name: "a", Method: "fgsm", Eps: 0.1, RandomStart: true}, "random_start"},
		{attack.Attack{Name: "a", Method: "pgd", Eps: 0.1, Steps: -1}, "steps"},
		{attack.Attack{Name: "a", Method: "pgd", Eps: 0.1, Alpha: -1}, "alpha"},
		{attack.Attack{Name: "a", Method: "pgd", Eps: 0.1, Steps: 10, Alpha: 0.02, RandomStart: true, Norm: 2}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.a.Name+"/"+tt.a.Method+"/"+tt.field, func(t *testing.T) {
			err := tt.a.Validate()
			var fe *models.FieldError
			switch {
			case tt.field == "" && err != nil:
				t.Fatalf("valid attack refused: %v", err)
			case tt.field != "" && (!errors.As(err, &fe) || fe.Field != tt.field):
				t.Fatalf("error %v, want one on field %s", err, tt.field)
			}
		})
	}
}
