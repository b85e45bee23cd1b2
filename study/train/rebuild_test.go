package train

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/study-harness/study/models"
	"github.com/study-harness/study/study/attack"
)

// TestRebuildPredictsAsRun checks that a model rebuilt from a run's
// stored weights (a net) or fitted again (a fitter) predicts the test set
// exactly as the trained run did, for every kind of model the transfer
// stage rebuilds.
func TestRebuildPredictsAsRun(t *testing.T) {
	d := blobSet(3, 4, 40, 2)
	for _, arch := range []string{"logreg", "mlp", "naive_bayes", "tree", "knn"} {
		t.Run(arch, func(t *testing.T) {
			job := Job{Config: config(arch, "adam", 0.05), SpecSeed: 3, Data: d, SaveWeights: true}
			res, err := Run(context.Background(), job)
			if err != nil {
				t.Fatal(err)
			}
			var w map[string][]float32
			if res.Weights != nil {
				w = models.Weights(res.Weights)
			}
			m, err := Rebuild(job, w)
			if err != nil {
				t.Fatal(err)
			}
			if got := m.Predict(d.TestX, d.NTest()); !slices.Equal(got, res.TestPred) {
				t.Fatalf("the rebuilt %s predicts otherwise than the trained one", arch)
			}
		})
	}
}

// TestRebuildRefusesOtherWeights checks that a net whose stored weights do
// not match it is an error, not a half-initialised model.
func TestRebuildRefusesOtherWeights(t *testing.T) {
	d := blobSet(3, 4, 40, 2)
	if _, err := Rebuild(Job{Config: config("mlp", "adam", 0.05), SpecSeed: 3, Data: d}, map[string][]float32{}); err == nil {
		t.Fatal("an mlp was rebuilt without its weights")
	}
}

// TestInputGradIsEachRowsOwnLoss checks Result.InputGrad: row i holds the
// gradient of row i's own loss, the same as LossGrad on that row alone
// (not the 1/batch share of a batch mean).
func TestInputGradIsEachRowsOwnLoss(t *testing.T) {
	d := blobSet(3, 4, 40, 2)
	idx := []int{0, 5, 9, 17, 40}
	for _, arch := range []string{"logreg", "naive_bayes"} {
		t.Run(arch, func(t *testing.T) {
			job := Job{Config: config(arch, "adam", 0.05), SpecSeed: 3, Data: d, SaveWeights: true,
				Attacks: []attack.Attack{{Name: "f", Method: "fgsm", Eps: 0.1}}, AttackIdx: idx}
			res, err := Run(context.Background(), job)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.InputGrad) != len(idx)*d.In {
				t.Fatalf("%d gradient values, want %d", len(res.InputGrad), len(idx)*d.In)
			}
			var w map[string][]float32
			if res.Weights != nil {
				w = models.Weights(res.Weights)
			}
			m, err := Rebuild(job, w)
			if err != nil {
				t.Fatal(err)
			}
			var g models.LossGrader
			switch p := m.pred.(type) {
			case netPredictor:
				g = p.net.(models.LossGrader)
			case fitterPredictor:
				g = p.f.(models.LossGrader)
			}
			for i, r := range idx {
				want := g.LossGrad(d.TestX[r*d.In:(r+1)*d.In], d.TestY[r:r+1], 1)
				for j := range d.In {
					if got := res.InputGrad[i*d.In+j]; math.Abs(float64(got-want[j])) > 1e-5*(1+math.Abs(float64(want[j]))) {
						t.Fatalf("row %d feature %d: %v, want %v", r, j, got, want[j])
					}
				}
			}
		})
	}
}
