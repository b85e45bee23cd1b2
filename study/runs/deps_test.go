package runs

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/study-harness/study/models"
	"github.com/study-harness/study/study/spec"
	"github.com/study-harness/study/study/store"
)

// depsSpec has two pretrain runs (seeds 1 and 2) and six fine-tune runs:
// from scratch, from the shared backbone of seed 1, and from the backbone
// of their own seed with layer0 frozen.
const depsSpec = `name: deps
seed: 3
dataset: {name: moons, train: 300, test: 120}
fixed: {epochs: 2, batch: 32, widths: [8], lr: 0.01}
axes:
  role: [pretrain, finetune]
  init: [scratch, {from: "role=pretrain seed=1"}, {from: "role=pretrain seed={seed}", freeze: [layer0]}]
  seed: [1, 2]
exclude:
  - {role: pretrain, init: {from: "role=pretrain seed=1"}}
  - {role: pretrain, init: {from: "role=pretrain seed={seed}", freeze: [layer0]}}
`

func plan(t *testing.T, src, results string) *Plan {
	t.Helper()
	s, err := spec.Parse(filepath.Join(t.TempDir(), "deps.yaml"), []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewPlan(s, results, 0)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// snapshot returns every stored predictions and weights file of a
// results folder by run id and file name.
func snapshot(t *testing.T, p *Plan) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, r := range p.Runs {
		run, err := storedRun(p.Dir, r.ID)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Fatalf("run %s: %v", r.Name, err)
		}
		for _, f := range []string{store.PredictionsFile, store.WeightsFile} {
			b, err := run.File(f)
			if err == nil {
				out[r.ID+"/"+f] = b
			} else if !errors.Is(err, fs.ErrNotExist) {
				t.Fatalf("run %s: %v", r.Name, err)
			}
		}
	}
	return out
}

func sameFiles(t *testing.T, a, b map[string][]byte) {
	t.Helper()
	if len(a) != len(b) {
		t.Fatalf("%d files, want %d", len(a), len(b))
	}
	for k, v := range a {
		if !bytes.Equal(v, b[k]) {
			t.Errorf("%s differs", k)
		}
	}
}

func TestExecuteWithDependencies(t *testing.T) {
	ctx := context.Background()
	one := plan(t, depsSpec, t.TempDir())
	out, err := Execute(ctx, one, Options{Workers: 1})
	if err != nil || len(out.Failures) > 0 {
		t.Fatalf("Execute: %v %+v", err, out)
	}
	ref := snapshot(t, one)

	t.Run("parents store weights that PyTorch's safetensors can read and children start from them", func(t *testing.T) {
		n := 0
		for _, r := range one.Runs {
			b, err := runFile(one.Dir, r.ID, store.WeightsFile)
			if r.Config.Role != spec.RolePretrain {
				if !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("%s stored weights without save_weights (%v)", r.Name, err)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%s: %v", r.Name, err)
			}
			ts, meta, err := models.ReadSafetensors(bytes.NewReader(b))
			if err != nil || meta["study_run"] != r.ID || len(ts["layer0.weight"].Data) != 2*8 {
				t.Errorf("%s: weights %v, metadata %v, error %v", r.Name, len(ts), meta, err)
			}
			n++
		}
		if n != 2 {
			t.Errorf("%d runs stored weights, want the 2 parents", n)
		}
	})
	t.Run("a child's id hashes its parent's id", func(t *testing.T) {
		for _, r := range one.Runs {
			if len(r.Parents) == 0 {
				continue
			}
			c := r.Run
			c.Parents = nil
			if runID(one.Spec, one.Data, c, "") == r.ID {
				t.Errorf("%s: id does not depend on the parent", r.Name)
			}
		}
	})
	t.Run("results are bit-identical with three workers", func(t *testing.T) {
		three := plan(t, depsSpec, t.TempDir())
		if _, err := Execute(ctx, three, Options{Workers: 3}); err != nil {
			t.Fatal(err)
		}
		sameFiles(t, ref, snapshot(t, three))
	})
	t.Run("a rerun reuses parents and children and rewrites nothing", func(t *testing.T) {
		before, err := os.Stat(packPath(one))
		must(t, err)
		out, err := Execute(ctx, one, Options{Workers: 2})
		if err != nil || out.Reused != 8 || out.Trained != 0 {
			t.Errorf("rerun: %+v, %v; want 8 reused", out, err)
		}
		after, err := os.Stat(packPath(one))
		must(t, err)
		if after.Size() != before.Size() || !after.ModTime().Equal(before.ModTime()) {
			t.Errorf("the rerun changed %s: %d bytes, modified %v; was %d bytes, %v",
				packPath(one), after.Size(), after.ModTime(), before.Size(), before.ModTime())
		}
		sameFiles(t, ref, snapshot(t, one))
	})
	t.Run("two shards and a merge equal the unsharded run", func(t *testing.T) {
		sh := plan(t, depsSpec, t.TempDir())
		for i := range 2 {
			out, err := Execute(ctx, sh, Options{Workers: 2, Shard: Shard{Index: i, Count: 2}})
			if err != nil || len(out.Failures) > 0 {
				t.Fatalf("shard %d: %+v %v", i, out, err)
			}
		}
		sameFiles(t, ref, snapshot(t, sh))
		// Each shard stored its own runs in its own pack.
		for _, r := range sh.Runs {
			i := sh.Roots[r.Index] % 2
			path, _, _ := location(t, sh.Dir, r.ID)
			if want := store.PackName(Shard{Index: i, Count: 2}.lockName()); filepath.Base(path) != want {
				t.Errorf("%s (shard %d) is stored in %s, want %s", r.Name, i, path, want)
			}
		}
		a, err := Collect(one.Dir)
		if err != nil {
			t.Fatal(err)
		}
		b, err := Collect(sh.Dir)
		if err != nil {
			t.Fatal(err)
		}
		if !equalMatrices(a.Pred, b.Pred) || strings.Join(a.Models, "|") != strings.Join(b.Models, "|") {
			t.Errorf("merged matrix differs")
		}
	})
	t.Run("the prediction matrix leaves the pretrain runs out", func(t *testing.T) {
		x, err := Collect(one.Dir)
		if err != nil {
			t.Fatal(err)
		}
		if len(x.Models) != 6 {
			t.Errorf("%d models %v, want the 6 fine-tune runs", len(x.Models), x.Models)
		}
	})
}

func equalMatrices(a, b []int32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestFailedParentSkipsItsChildren(t *testing.T) {
	// The pretrain run of seed 1 diverges (lr 1e30); both runs that start
	// from it (shared, and per-run for seed 1) are skipped; the run from
	// seed 2's backbone trains.
	src := strings.Replace(depsSpec, "  seed: [1, 2]\n", "  seed: [1, 2]\nzip:\n  - {lr: [1e30, 0.01], patience: [0, 0]}\n", 1)
	src = strings.Replace(src, "fixed: {epochs: 2, batch: 32, widths: [8], lr: 0.01}", "fixed: {epochs: 2, batch: 32, widths: [8]}", 1)
	src = strings.Replace(src, "exclude:\n", "exclude:\n  - {role: finetune, lr: 1e30}\n  - {role: pretrain, seed: 2, lr: 1e30}\n  - {role: pretrain, seed: 1, lr: 0.01}\n", 1)
	src = strings.ReplaceAll(src, `from: "role=pretrain seed=1"`, `from: "role=pretrain seed=1 lr=1e+30"`)
	src = strings.ReplaceAll(src, `from: "role=pretrain seed={seed}", freeze`, `from: "role=pretrain seed={seed} init=scratch", freeze`)
	p := plan(t, src, t.TempDir())
	out, err := Execute(context.Background(), p, Options{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range p.Runs {
		run, err := storedRun(p.Dir, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		got[r.Name] = run.Record.Status + ": " + run.Record.Reason
	}
	cases := []struct{ name, run, want string }{
		{"the diverging parent is failed", "role=pretrain init=scratch seed=1 lr=1e+30 patience=0", "failed: train: epoch 1"},
		{"the shared-backbone child of seed 1 is skipped with the reason", "role=finetune init=from(role=pretrain seed=1 lr=1e+30) seed=1 lr=0.01 patience=0",
			"skipped: parent role=pretrain init=scratch seed=1 lr=1e+30 patience=0 failed: train: epoch 1"},
		{"the per-run child of seed 2 trains", "role=finetune init=from(role=pretrain seed={seed} init=scratch) freeze(layer0) seed=2 lr=0.01 patience=0", "ok: "},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if g, ok := got[c.run]; !ok || !strings.HasPrefix(g, c.want) {
				t.Errorf("%q: %q, want prefix %q (runs: %v)", c.run, g, c.want, got)
			}
		})
	}
	t.Run("skipped runs count as failures", func(t *testing.T) {
		if out.Skipped != 3 || len(out.Failures) != 4 {
			t.Errorf("outcome %+v, want 3 skipped (two children of the shared backbone, one of its own seed) among 4 failures", out)
		}
	})
}

// TestRunIDHashesTheArithmeticVersion checks that a change to an
// architecture's arithmetic (models.ArithmeticVersion) gives its runs new
// ids, so that a rerun trains them again, and leaves the ids of the other
// architectures as they were.
func TestRunIDHashesTheArithmeticVersion(t *testing.T) {
	const src = `name: arith
seed: 3
dataset: {name: blobs, train: 100, test: 40, classes: 3, dim: 4}
axes:
  arch: [mlp, logreg]
`
	p := plan(t, src, t.TempDir())
	defer func(f func(string) int) { arithmeticVersion = f }(arithmeticVersion)
	for _, tc := range []struct {
		name    string
		bumped  string // the architecture whose version goes up
		changes map[string]bool
	}{
		{"bumping mlp changes the mlp run only", "mlp", map[string]bool{"mlp": true, "logreg": false}},
		{"bumping another architecture changes nothing here", "cnn", map[string]bool{"mlp": false, "logreg": false}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			arithmeticVersion = func(arch string) int {
				if arch == tc.bumped {
					return 7
				}
				return 1
			}
			for _, r := range p.Runs {
				changed := runID(p.Spec, p.Data, r.Run, "") != r.ID
				if arch := r.Config.Arch; changed != tc.changes[arch] {
					t.Errorf("%s: id changed %v, want %v", r.Name, changed, tc.changes[arch])
				}
			}
		})
	}
}
