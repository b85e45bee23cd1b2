package runs

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/study-harness/study/study/predmat"
	"github.com/study-harness/study/study/store"
)

// TestTransferEvaluatesEveryTargetOnEverySource runs the transfer stage on
// a stored study (logreg, mlp, naive Bayes and tree, two seeds each): the
// tree is a target but no source, the diagonal of every source is its
// stored white-box prediction (so a net's reloaded weights and a refitted
// naive Bayes are the trained models), the predictions are the same bits
// with one worker and with three, and the stored file is read back
// instead of recomputed until the models change.
func TestTransferEvaluatesEveryTargetOnEverySource(t *testing.T) {
	p := plan(t, attackSpec, t.TempDir())
	if _, err := Execute(context.Background(), p, Options{Workers: 2}); err != nil {
		t.Fatal(err)
	}
	names := make([]string, len(p.Runs))
	for i, r := range p.Runs {
		names[i] = r.Name
	}
	var count atomic.Int64
	testHookRebuild = func(string) { count.Add(1) }
	rebuilt := func() int { return int(count.Swap(0)) }
	defer func() { testHookRebuild = nil }()
	one, err := Transfer(p.Dir, names, 1)
	if err != nil {
		t.Fatal(err)
	}
	if r := rebuilt(); len(one) != 2 || r != len(names) {
		t.Fatalf("%d transfers, %d models rebuilt; want 2 and %d", len(one), r, len(names))
	}
	m, n := len(names), len(p.AttackIdx)
	for _, tr := range one {
		for s, r := range p.Runs {
			tree := r.Config.Arch == "tree"
			if (tr.NoSource[s] != "") != tree || tr.NoTarget[s] != "" {
				t.Fatalf("%s: model %s: no source %q, no target %q", tr.Attack, r.Name, tr.NoSource[s], tr.NoTarget[s])
			}
			if tree {
				continue
			}
			b, err := runFile(p.Dir, r.ID, store.BinaryName(store.AdvPredictionsFile(tr.Attack)))
			if err != nil {
				t.Fatal(err)
			}
			white, err := predmat.ReadBinary("adv", b)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(tr.Cell(s, s), white.Pred) {
				t.Errorf("%s: %s on its own examples predicts otherwise than when it was attacked", tr.Attack, r.Name)
			}
			if len(tr.Grad[s]) != n*p.Data.In {
				t.Errorf("%s: %s has %d gradient values", tr.Attack, r.Name, len(tr.Grad[s]))
			}
		}
		if len(tr.Pred) != m*m*n {
			t.Fatalf("%d predictions", len(tr.Pred))
		}
	}
	again, err := Transfer(p.Dir, names, 3)
	if r := rebuilt(); err != nil || r != 0 {
		t.Fatalf("the stored transfer was recomputed (%d rebuilt, %v)", r, err)
	}
	for _, name := range []string{TransferFile("fgsm"), TransferFile("pgd")} {
		if err := os.Remove(filepath.Join(p.Dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	three, err := Transfer(p.Dir, names, 3)
	if err != nil {
		t.Fatal(err)
	}
	for k := range one {
		if !slices.Equal(one[k].Pred, three[k].Pred) || !slices.Equal(one[k].Pred, again[k].Pred) {
			t.Fatalf("%s: the predictions differ between one and three workers", one[k].Attack)
		}
	}
	// Fewer models make another key: the stored file is stale.
	rebuilt()
	if _, err := Transfer(p.Dir, names[:3], 1); err != nil || rebuilt() != 3 {
		t.Fatalf("a stale transfer was read back (%v)", err)
	}
}
