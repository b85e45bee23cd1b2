package runs

import (
	"bytes"
	"context"
	"errors"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/study-harness/study/study/spec"
	"github.com/study-harness/study/study/store"
)

// attackSpec attacks a logreg, an mlp, a naive Bayes and a tree on a small
// MNIST.
const attackSpec = `name: adv
seed: 5
dataset: {name: mnist, train: 600, test: 120}
fixed: {epochs: 2, batch: 32, widths: [16], optimizer: adam, lr: 0.01}
axes:
  arch: [logreg, mlp, naive_bayes, tree]
  seed: [1, 2]
attacks:
  - {name: fgsm, method: fgsm, eps: 0.2}
  - {name: pgd, method: pgd, eps: 0.1, steps: 3, random_start: true}
attack_subset: 50
`

// advFiles returns every adversarial file of a results folder's runs by
// run id and file name.
func advFiles(t *testing.T, p *Plan) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, r := range p.Runs {
		run, err := storedRun(p.Dir, r.ID)
		if err != nil {
			t.Fatalf("run %s: %v", r.Name, err)
		}
		for _, name := range run.Files() {
			if strings.HasPrefix(name, "adv-") || strings.HasPrefix(name, "predictions-adv.") || name == store.InputGradFile {
				b, err := run.File(name)
				if err != nil {
					t.Fatal(err)
				}
				out[r.ID+"/"+name] = b
			}
		}
	}
	return out
}

// TestExecuteStoresAttacksForAnyWorkerCount checks the attack files of a
// study: the subset in attack_index.json, per attacked run its
// adversarial inputs and predictions for each attack and its white-box
// accuracy in its record, none for the tree, the weights of every net
// (a target of transfer), and the same bits with one worker and with
// three.
func TestExecuteStoresAttacksForAnyWorkerCount(t *testing.T) {
	ctx := context.Background()
	one := plan(t, attackSpec, t.TempDir())
	if _, err := Execute(ctx, one, Options{Workers: 1}); err != nil {
		t.Fatal(err)
	}
	three := plan(t, attackSpec, t.TempDir())
	if _, err := Execute(ctx, three, Options{Workers: 3}); err != nil {
		t.Fatal(err)
	}
	ref := advFiles(t, one)
	if len(ref) != 6*(2*2+1) { // 6 attacked runs × (2 attacks × (inputs, predictions) + input gradients)
		t.Fatalf("%d adversarial files, want 30", len(ref))
	}
	got := advFiles(t, three)
	if len(got) != len(ref) {
		t.Fatalf("%d adversarial files with three workers, %d with one", len(got), len(ref))
	}
	for k, v := range ref {
		if !bytes.Equal(v, got[k]) {
			t.Errorf("%s differs between one and three workers", k)
		}
	}
	for _, r := range one.Runs { // every net keeps its weights, to be a target
		run, err := storedRun(one.Dir, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		_, err = run.File(store.WeightsFile)
		if net := r.Config.Arch == "logreg" || r.Config.Arch == "mlp"; net != (err == nil) {
			t.Errorf("run %s: weights stored %v, want %v", r.Name, err == nil, net)
		}
	}
	as, idx, err := Attacks(one.Dir)
	if err != nil || len(as) != 2 || !slices.Equal(idx, one.AttackIdx) || len(idx) != 50 {
		t.Fatalf("Attacks = %v, %v, %v; want 2 attacks on the plan's 50 rows", as, idx, err)
	}
	names := make([]string, len(one.Runs))
	for i, r := range one.Runs {
		names[i] = r.Name
	}
	acc, why, err := CollectAdvAccuracy(one.Dir, "pgd", names)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range one.Runs {
		tree := r.Config.Arch == "tree"
		if math.IsNaN(acc[i]) != tree || (why[i] != "") != tree {
			t.Errorf("run %s: accuracy %v, reason %q", r.Name, acc[i], why[i])
		}
	}
}

// TestAttacksChangeRunIDs checks that attacks, or another subset, give
// other run ids: a run stores results under each attack.
func TestAttacksChangeRunIDs(t *testing.T) {
	ids := func(src string) []string {
		var out []string
		for _, r := range plan(t, src, t.TempDir()).Runs {
			out = append(out, r.ID)
		}
		return out
	}
	plain := ids(strings.Split(attackSpec, "attacks:")[0])
	with := ids(attackSpec)
	other := ids(strings.Replace(attackSpec, "attack_subset: 50", "attack_subset: 60", 1))
	if slices.Equal(plain, with) || slices.Equal(with, other) {
		t.Fatal("attacks or their subset left the run ids unchanged")
	}
}

func TestAttacksNeedInputsInTheUnitBox(t *testing.T) {
	src := strings.Replace(attackSpec, "{name: mnist, train: 600, test: 120}", "{name: moons, train: 100, test: 40}", 1)
	s, err := spec.Parse(filepath.Join(t.TempDir(), "a.yaml"), []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	_, err = NewPlan(s, t.TempDir(), 0)
	var ie *InputError
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), "attacks: the attacks clip their inputs to [0, 1]") {
		t.Fatalf("NewPlan = %v, want an input error on attacks", err)
	}
}
