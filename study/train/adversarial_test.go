package train

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/study-harness/study/study/attack"
	"github.com/study-harness/study/study/spec"
)

// TestAdversarialTrainingResistsTheAttack checks adversarial training
// (Madry et al. 2018) on an mlp: trained on PGD examples it keeps a
// higher white-box accuracy under the same PGD than the same mlp trained
// on clean data, and it is the same model when trained again.
func TestAdversarialTrainingResistsTheAttack(t *testing.T) {
	d := blobSet(3, 4, 60, 5)
	for _, xs := range [][]float32{d.TrainX, d.ValX, d.TestX} { // into [0, 1]
		for i, v := range xs {
			xs[i] = min(1, max(0, (v+1.5)/6))
		}
	}
	idx := make([]int, d.NTest())
	for i := range idx {
		idx[i] = i
	}
	pgd := attack.Attack{Name: "p", Method: "pgd", Eps: 0.25, Steps: 10, RandomStart: true}
	run := func(adv spec.Adversarial) *Result {
		cfg := config("mlp", "adam", 0.02)
		cfg.Epochs, cfg.Adversarial = 15, adv
		res, err := Run(context.Background(), Job{Config: cfg, SpecSeed: 3, Data: d, Attacks: []attack.Attack{pgd}, AttackIdx: idx})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	clean := run(spec.Adversarial{})
	madry := spec.Adversarial{Method: "pgd", Eps: 0.25}
	robust := run(madry)
	c, r := clean.Adversarial[0].Accuracy, robust.Adversarial[0].Accuracy
	t.Logf("white-box PGD accuracy: clean training %.3f, adversarial training %.3f (clean accuracy %.3f, %.3f)", c, r, clean.TestAccuracy, robust.TestAccuracy)
	if r <= c {
		t.Fatalf("adversarial training left the white-box PGD accuracy at %v, clean training %v", r, c)
	}
	if again := run(madry); !slices.Equal(again.TestProb, robust.TestProb) {
		t.Fatal("adversarial training gave another model the second time")
	}
}

// TestAdversarialTrainingRefusesFitters checks that a fitted arch with
// adversarial training is refused: it would ignore it.
func TestAdversarialTrainingRefusesFitters(t *testing.T) {
	cfg := config("tree", "adam", 0.02)
	cfg.Adversarial = spec.Adversarial{Method: "pgd", Eps: 0.1}
	err := Check(Job{Config: cfg, SpecSeed: 1, Data: blobSet(3, 4, 20, 1)})
	if err == nil || !strings.Contains(err.Error(), "adversarial") {
		t.Fatalf("Check = %v, want a refusal naming adversarial", err)
	}
}
