package study

import (
	"path/filepath"
	"testing"

	"github.com/study-harness/study/study/store"
)

// goodfellowSpec is the sanity check of Goodfellow et al. 2015 (§4): FGSM
// at ε = 0.25 against a softmax regression trained on MNIST, on the whole
// test set.
const goodfellowSpec = `name: goodfellow
seed: 1
dataset: {name: mnist, val: 0.1}
task: multiclass
fixed: {arch: logreg, epochs: 5, batch: 64, optimizer: adam, lr: 0.001}
attacks:
  - {name: fgsm_025, method: fgsm, eps: 0.25}
attack_subset: 10000
`

// TestFGSMFoolsLogregOnMNIST holds the logreg to Goodfellow et al.'s
// figure: with ε = 0.25 their shallow softmax classifier errs on 99.9% of
// the MNIST test set. Ours must err on at least 99%.
func TestFGSMFoolsLogregOnMNIST(t *testing.T) {
	slow(t)
	res := t.TempDir()
	if err := runStudy(t, writeSpec(t, goodfellowSpec), res, RunOptions{}); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(res, "goodfellow")
	entries, err := store.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := store.OpenRuns(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer stored.Close()
	run, err := stored.Get(entries[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	acc, ok := run.Record.AdvAccuracy["fgsm_025"]
	if !ok {
		t.Fatal("the logreg run has no accuracy under fgsm_025")
	}
	t.Logf("clean test accuracy %.4f, under FGSM ε=0.25 %.4f (error %.4f; Goodfellow et al.: 0.999)", run.Record.TestAccuracy, acc, 1-acc)
	if 1-acc < 0.99 {
		t.Errorf("FGSM at ε = 0.25 fools the logreg on %.4f of the test set, want ≥ 0.99", 1-acc)
	}
}
