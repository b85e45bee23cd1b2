package train

import (
	"context"
	"slices"
	"testing"

	"github.com/study-harness/study/study/attack"
)

// TestRunAttacksModelsWithAnInputGradient checks that a trained run
// attacks its model on the attack rows when it has an input gradient
// (logreg, mlp, naive_bayes) and not otherwise (tree, knn): the
// adversarial inputs stay in the ε-ball and in [0, 1], the white-box
// accuracy under PGD is below the clean one, and the examples are the
// same bits when the run is trained again.
func TestRunAttacksModelsWithAnInputGradient(t *testing.T) {
	d := blobSet(3, 4, 40, 2)
	for _, xs := range [][]float32{d.TrainX, d.ValX, d.TestX} { // into [0, 1]
		for i, v := range xs {
			xs[i] = min(1, max(0, (v+1.5)/6))
		}
	}
	idx := []int{0, 5, 9, 17, 40, 77, 101, 119}
	attacks := []attack.Attack{{Name: "f", Method: "fgsm", Eps: 0.1}, {Name: "p", Method: "pgd", Eps: 0.4, Steps: 10, RandomStart: true}}
	tests := []struct {
		arch     string
		attacked bool
	}{{"logreg", true}, {"mlp", true}, {"naive_bayes", true}, {"tree", false}, {"knn", false}}
	for _, tt := range tests {
		t.Run(tt.arch, func(t *testing.T) {
			job := Job{Config: config(tt.arch, "adam", 0.05), SpecSeed: 3, Data: d, Attacks: attacks, AttackIdx: idx}
			res, err := Run(context.Background(), job)
			if err != nil {
				t.Fatal(err)
			}
			if !tt.attacked {
				if res.Adversarial != nil {
					t.Fatalf("a %s was attacked", tt.arch)
				}
				return
			}
			if len(res.Adversarial) != 2 {
				t.Fatalf("%d attack results, want 2", len(res.Adversarial))
			}
			clean := 0
			for _, r := range idx {
				if res.TestPred[r] == int32(d.TestY[r]) {
					clean++
				}
			}
			for k, a := range res.Adversarial {
				for i, r := range idx {
					for j := range d.In {
						v, x0 := a.X[i*d.In+j], d.TestX[r*d.In+j]
						if v < 0 || v > 1 || v-x0 > float32(attacks[k].Eps)+1e-6 || x0-v > float32(attacks[k].Eps)+1e-6 {
							t.Fatalf("attack %s row %d: %v outside the ball around %v", attacks[k].Name, r, v, x0)
						}
					}
				}
				if len(a.Pred) != len(idx) {
					t.Fatalf("%d predictions, want %d", len(a.Pred), len(idx))
				}
			}
			if pgd := res.Adversarial[1].Accuracy; pgd >= float64(clean)/float64(len(idx)) {
				t.Fatalf("white-box PGD accuracy %v is not below the clean %v", pgd, float64(clean)/float64(len(idx)))
			}
			again, err := Run(context.Background(), job)
			if err != nil {
				t.Fatal(err)
			}
			for k := range res.Adversarial {
				if !slices.Equal(res.Adversarial[k].X, again.Adversarial[k].X) {
					t.Fatalf("attack %s crafted other examples on a second run", attacks[k].Name)
				}
			}
		})
	}
}
