package runs

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
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
		// As plain files (predictions as CSV), so that a record and a
		// run folder of the older layout compare equal.
		for _, name := range run.Files() {
			f, b, err := ExportFile(run, name)
			if err != nil {
				t.Fatalf("run %s: %v", r.Name, err)
			}
			if f == store.PredictionsFile || f == store.WeightsFile {
				out[r.ID+"/"+f] = b
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

	t.Run("parents store safetensors weights and children start from them", func(t *testing.T) {
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
			if want := store.PackName(Shard{Index: i, Count: 2}.LockName()); filepath.Base(path) != want {
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

// failingParentSpec is depsSpec with the pretrain run of seed 1
// diverging (lr 1e30): both runs that start from it (shared, and per-run
// for seed 1) are skipped; the run from seed 2's backbone trains.
func failingParentSpec() string {
	src := strings.Replace(depsSpec, "  seed: [1, 2]\n", "  seed: [1, 2]\nzip:\n  - {lr: [1e30, 0.01], patience: [0, 0]}\n", 1)
	src = strings.Replace(src, "fixed: {epochs: 2, batch: 32, widths: [8], lr: 0.01}", "fixed: {epochs: 2, batch: 32, widths: [8]}", 1)
	src = strings.Replace(src, "exclude:\n", "exclude:\n  - {role: finetune, lr: 1e30}\n  - {role: pretrain, seed: 2, lr: 1e30}\n  - {role: pretrain, seed: 1, lr: 0.01}\n", 1)
	src = strings.ReplaceAll(src, `from: "role=pretrain seed=1"`, `from: "role=pretrain seed=1 lr=1e+30"`)
	return strings.ReplaceAll(src, `from: "role=pretrain seed={seed}", freeze`, `from: "role=pretrain seed={seed} init=scratch", freeze`)
}

func TestFailedParentSkipsItsChildren(t *testing.T) {
	p := plan(t, failingParentSpec(), t.TempDir())
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

// TestRerunWithAFailedParentWritesNothing runs a study whose parent
// failed again: its children, skipped, are skipped again for the same
// reason and not written again, so the pack is left as it was (bytes,
// size, modification time). With RetryFailed the parent is trained again:
// when it fails again, only its own new record is written; when it
// succeeds, its children are trained, to the results of a study whose
// parent never failed. A parent that fails for good is the diverging
// parent of failingParentSpec; a parent that succeeds when retried is a
// failed record of depsSpec's pretrain run of seed 1 written into the
// pack before the study runs (a failure that does not come back: the
// machine ran out of memory, say).
func TestRerunWithAFailedParentWritesNothing(t *testing.T) {
	ctx := context.Background()
	clean := plan(t, depsSpec, t.TempDir())
	if out, err := Execute(ctx, clean, Options{Workers: 2}); err != nil || len(out.Failures) > 0 {
		t.Fatalf("Execute of the reference: %v %+v", err, out)
	}
	ref := snapshot(t, clean)
	const forged = "train: out of memory (the first time only)"
	tests := []struct {
		name string
		src  string
		// forge, when not "", names the run recorded failed (reason
		// forged) before the first Execute.
		forge string
		// retried: the parent succeeds when retried.
		retried bool
	}{
		{"a parent that fails again when retried", failingParentSpec(), "", false},
		{"a parent that succeeds when retried", depsSpec, "role=pretrain init=scratch seed=1", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := plan(t, tt.src, t.TempDir())
			if tt.forge != "" {
				forgeFailed(t, p, tt.forge, forged)
			}
			first, err := Execute(ctx, p, Options{Workers: 2})
			if err != nil || first.Skipped != 3 {
				t.Fatalf("first Execute: %v %+v, want 3 skipped", err, first)
			}
			// skipped maps each skipped run's id to its record's reason.
			skipped := map[string]string{}
			var parent Run
			for _, r := range p.Runs {
				run, err := storedRun(p.Dir, r.ID)
				must(t, err)
				switch run.Record.Status {
				case store.StatusSkipped:
					skipped[r.ID] = run.Record.Reason
				case store.StatusFailed:
					parent = r
				}
			}
			if len(skipped) != 3 || parent.ID == "" {
				t.Fatalf("%d runs skipped, failed parent %q; want 3 and one", len(skipped), parent.Name)
			}
			for id, reason := range skipped {
				if !strings.HasPrefix(reason, "parent "+parent.Name+" failed: ") {
					t.Errorf("run %s skipped for %q, want its parent %s named", id, reason, parent.Name)
				}
			}
			locs := map[string][2]int64{}
			for _, r := range p.Runs {
				_, off, n := location(t, p.Dir, r.ID)
				locs[r.ID] = [2]int64{off, n}
			}
			path := packPath(p)
			before, err := os.ReadFile(path)
			must(t, err)
			info, err := os.Stat(path)
			must(t, err)

			second, err := Execute(ctx, p, Options{Workers: 2})
			if err != nil || second.Skipped != 3 || second.Trained != 0 {
				t.Errorf("rerun: %v %+v, want 3 skipped again and nothing trained", err, second)
			}
			after, err := os.ReadFile(path)
			must(t, err)
			info2, err := os.Stat(path)
			must(t, err)
			if !bytes.Equal(after, before) || info2.Size() != info.Size() || !info2.ModTime().Equal(info.ModTime()) {
				t.Errorf("the rerun changed %s: %d bytes, modified %v; was %d bytes, %v",
					path, info2.Size(), info2.ModTime(), info.Size(), info.ModTime())
			}
			for id, reason := range skipped {
				run, err := storedRun(p.Dir, id)
				if err != nil || run.Record.Status != store.StatusSkipped || run.Record.Reason != reason {
					t.Errorf("after the rerun, run %s: %+v %v; want skipped for %q", id, run, err, reason)
				}
			}

			retry, err := Execute(ctx, p, Options{Workers: 2, RetryFailed: true})
			if err != nil {
				t.Fatalf("Execute with RetryFailed: %v", err)
			}
			if !tt.retried {
				// Only the parent's new record is written: the children
				// keep their records, skipped for the same reason.
				if retry.Trained != 0 || retry.Skipped != 3 {
					t.Errorf("retry: %+v, want the parent failed again and 3 skipped", retry)
				}
				grown, err := os.ReadFile(path)
				must(t, err)
				_, off, n := location(t, p.Dir, parent.ID)
				if !bytes.HasPrefix(grown, before) || off != int64(len(before)) || off+n != int64(len(grown)) {
					t.Errorf("retry: %s grew from %d to %d bytes, the parent's record is at %d+%d; want only that record appended",
						path, len(before), len(grown), off, n)
				}
				for id, reason := range skipped {
					_, off, n := location(t, p.Dir, id)
					run, err := storedRun(p.Dir, id)
					if err != nil || run.Record.Reason != reason || [2]int64{off, n} != locs[id] {
						t.Errorf("after the retry, run %s: record at %d+%d (was %v), %+v %v", id, off, n, locs[id], run, err)
					}
				}
				return
			}
			if retry.Trained != 4 || retry.Skipped != 0 || len(retry.Failures) != 0 {
				t.Errorf("retry: %+v, want the parent and its 3 children trained", retry)
			}
			for _, r := range p.Runs {
				run, err := storedRun(p.Dir, r.ID)
				if err != nil || run.Record.Status != store.StatusOK {
					t.Errorf("after the retry, run %s: %+v %v; want ok", r.Name, run, err)
				}
			}
			sameFiles(t, snapshot(t, p), ref)
		})
	}
}

// forgeFailed appends to p's pack a record of the run named name, failed
// for reason, as if an earlier Execute had failed to train it.
func forgeFailed(t *testing.T, p *Plan, name, reason string) {
	t.Helper()
	var r *Run
	for i := range p.Runs {
		if p.Runs[i].Name == name {
			r = &p.Runs[i]
		}
	}
	if r == nil {
		t.Fatalf("no run %q", name)
	}
	must(t, os.MkdirAll(filepath.Join(p.Dir, store.RunsDir), 0o755))
	stored, err := store.OpenRuns(p.Dir)
	must(t, err)
	defer stored.Close()
	w, err := stored.Writer(store.PackName(""))
	must(t, err)
	cfg, err := json.Marshal(r.Config)
	must(t, err)
	var b store.RecordBuf
	must(t, b.Reset(r.ID))
	must(t, b.AddRecord(&store.Record{ID: r.ID, Name: r.Name, Status: store.StatusFailed, Reason: reason, Config: cfg}))
	must(t, errors.Join(w.Append(&b), w.Close()))
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

// countProgress records what a Progress is told.
type countProgress struct {
	mu                                   sync.Mutex
	total, reused, failed, skipped, done int
}

func (c *countProgress) Start(total, reused, reusedFailed int) {
	c.total, c.reused, c.failed = total, reused, reusedFailed
}

func (c *countProgress) Done(rec *store.Record) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.done++
	switch rec.Status {
	case store.StatusFailed:
		c.failed++
	case store.StatusSkipped:
		c.skipped++
	}
}

func (c *countProgress) Finish() {}

// TestProgressAgreesWithTheOutcome executes a study whose parent fails,
// then again as it is and with RetryFailed: each time, what the progress
// is told (reused runs, failures reused and new, skipped runs, runs done)
// adds up to the Outcome that the summary line prints.
func TestProgressAgreesWithTheOutcome(t *testing.T) {
	p := plan(t, failingParentSpec(), t.TempDir())
	for _, tt := range []struct {
		name string
		opts Options
	}{
		{"the first execution", Options{Workers: 2}},
		{"a rerun, which reuses the failed parent", Options{Workers: 2}},
		{"a rerun that retries the failed parent", Options{Workers: 2, RetryFailed: true}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := &countProgress{}
			tt.opts.Progress = c
			out, err := Execute(context.Background(), p, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if out.Skipped == 0 || len(out.Failures) == out.Skipped {
				t.Fatalf("outcome %+v: want failed and skipped runs", out)
			}
			if c.total != out.Total || c.reused != out.Reused || c.failed != len(out.Failures)-out.Skipped ||
				c.skipped != out.Skipped || c.reused+c.done != out.Total {
				t.Errorf("progress told %+v; outcome %d runs, %d reused, %d trained, %d failed, %d skipped",
					c, out.Total, out.Reused, out.Trained, len(out.Failures)-out.Skipped, out.Skipped)
			}
		})
	}
}
