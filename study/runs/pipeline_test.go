package runs

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/study-harness/study/study/store"
)

// Tests of Execute's trainer/writer pipeline, through testHookBatch: the
// batches trainers hand to the writers.

// batchSpec has 24 runs of a few milliseconds of training each, close to
// handOff, so that the trainers hand over many small batches.
const batchSpec = `name: batches
seed: 5
dataset: {name: moons, train: 3000, test: 80}
fixed: {epochs: 10, batch: 32, widths: [32], lr: 0.01}
axes:
  seed: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24]
`

// batchLog records the calls of testHookBatch.
type batchLog struct {
	mu      sync.Mutex
	batches [][]int // the runs of each batch handed over, in order
	out     int     // batches handed over and not yet stored
	peak    int     // the most out ever was
	stored  int     // −1 calls
}

// hook is testHookBatch for the log; then, when not nil, is called after
// each call is recorded, with the log locked.
func (l *batchLog) hook(then func(delta int, runs []int)) func(int, []int) {
	return func(delta int, runs []int) {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.out += delta
		l.peak = max(l.peak, l.out)
		if delta > 0 {
			l.batches = append(l.batches, slices.Clone(runs))
		} else {
			l.stored++
		}
		if then != nil {
			then(delta, runs)
		}
	}
}

// handed returns how many times each pending index was handed over.
func (l *batchLog) handed() map[int]int {
	l.mu.Lock()
	defer l.mu.Unlock()
	seen := map[int]int{}
	for _, b := range l.batches {
		for _, k := range b {
			seen[k]++
		}
	}
	return seen
}

// setBatchHooks installs the hooks for the test, removing them after it.
func setBatchHooks(t *testing.T, batch func(int, []int), writing func(int)) {
	t.Helper()
	testHookBatch, testHookWriting = batch, writing
	t.Cleanup(func() { testHookBatch, testHookWriting = nil, nil })
}

// TestBatchesInFlightAreBounded checks that the batches handed to the
// writers and not yet stored never exceed 3×workers (workers in the
// channel, workers being written, workers more waiting to be sent), so
// that finished results cannot pile up in memory when writing is slower
// than training, and that every run is handed over in exactly one batch.
// The writers are held back until the pipeline is full: until more than
// 3×workers batches are out (a failure), every run was handed over, or
// nothing was handed over for a while (the trainers wait on the full
// channel). Only counts are checked, never time.
func TestBatchesInFlightAreBounded(t *testing.T) {
	for _, workers := range []int{1, 2, 3} {
		t.Run(fmt.Sprintf("%d workers", workers), func(t *testing.T) {
			p := plan(t, batchSpec, t.TempDir())
			n := len(p.Runs)
			bound := 3 * workers
			gate := make(chan struct{})
			var once sync.Once
			open := func() { once.Do(func() { close(gate) }) }
			var log batchLog
			handedRuns, calls := 0, 0
			setBatchHooks(t, log.hook(func(delta int, runs []int) {
				if delta < 0 {
					return
				}
				calls++
				handedRuns += len(runs)
				if log.out > bound || handedRuns >= n {
					open()
				}
			}), func(delta int) {
				if delta > 0 {
					<-gate // a writer stalls before its first write
				}
			})
			// Once the trainers stop handing batches over (they wait on a
			// full channel), the writers go on.
			done := make(chan struct{})
			defer close(done)
			go func() {
				last, still := -1, 0
				for {
					select {
					case <-done:
						return
					case <-gate:
						return
					case <-time.After(10 * time.Millisecond):
					}
					log.mu.Lock()
					c := calls
					log.mu.Unlock()
					if c != last {
						last, still = c, 0
					} else if still++; still >= 5 {
						open()
						return
					}
				}
			}()
			out, err := Execute(context.Background(), p, Options{Workers: workers})
			if err != nil || out.Trained != n {
				t.Fatalf("Execute: %v %+v", err, out)
			}
			t.Logf("%d batches, at most %d out at once", len(log.batches), log.peak)
			if log.peak > bound || log.peak < 1 {
				t.Errorf("%d batches were out at once (handed over, not yet stored), want 1 to %d; batches %v", log.peak, bound, log.batches)
			}
			if log.out != 0 || log.stored != len(log.batches) {
				t.Errorf("%d batches handed over, %d stored", len(log.batches), log.stored)
			}
			seen := log.handed()
			for k := range n {
				if seen[k] != 1 {
					t.Errorf("run %d (%s) was handed over in %d batches, want 1", k, p.Runs[k].Name, seen[k])
				}
			}
			if len(seen) != n {
				t.Errorf("batches hold %d distinct runs, want the %d pending: %v", len(seen), n, log.batches)
			}
		})
	}
}

// TestInterruptKeepsTrainedRuns cancels the sweep (Ctrl-C) as the first
// batch is handed to the writers: Execute returns context.Canceled, every
// run of every batch handed over is stored whole, and nothing else is
// written (no other record, no torn end, no temporary file).
func TestInterruptKeepsTrainedRuns(t *testing.T) {
	for _, workers := range []int{1, 2, 3} {
		t.Run(fmt.Sprintf("%d workers", workers), func(t *testing.T) {
			p := plan(t, batchSpec, t.TempDir())
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var log batchLog
			setBatchHooks(t, log.hook(func(delta int, _ []int) {
				if delta > 0 {
					cancel()
				}
			}), nil)
			out, err := Execute(ctx, p, Options{Workers: workers})
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("Execute: %v, want context.Canceled", err)
			}
			if len(log.batches) == 0 {
				t.Fatal("no batch was handed over")
			}
			t.Logf("batches handed over: %v", log.batches)
			if log.out != 0 {
				t.Errorf("%d batches handed over were never stored", log.out)
			}
			seen := log.handed()
			want := map[string]bool{}
			for k, c := range seen {
				if c != 1 {
					t.Errorf("run %d was handed over %d times", k, c)
				}
				want[p.Runs[k].ID] = true
			}
			if out.Trained != len(want) {
				t.Errorf("Outcome %+v: %d trained, want the %d runs handed over", out, out.Trained, len(want))
			}
			stored, err := store.OpenRuns(p.Dir)
			must(t, err)
			defer stored.Close()
			for _, r := range p.Runs {
				run, err := stored.Get(r.ID)
				switch {
				case want[r.ID] && err != nil:
					t.Errorf("run %s was handed over but not stored: %v", r.Name, err)
				case want[r.ID] && run.Record.Status != store.StatusOK:
					t.Errorf("run %s: status %s, want ok", r.Name, run.Record.Status)
				case !want[r.ID] && stored.Finished(r.ID):
					t.Errorf("run %s was not handed over but has a record (%v)", r.Name, err)
				}
			}
			if got := stored.IDs(); len(got) != len(want) {
				t.Errorf("%d runs have a record, want %d", len(got), len(want))
			}
			info, err := os.Stat(packPath(p))
			must(t, err)
			var end int64
			for id := range want {
				_, off, n, err := stored.Location(id)
				must(t, err)
				end = max(end, off+n)
			}
			if info.Size() != end {
				t.Errorf("%s: %d bytes, its last record ends at %d", packPath(p), info.Size(), end)
			}
			ents, err := os.ReadDir(filepath.Join(p.Dir, store.RunsDir))
			must(t, err)
			for _, e := range ents {
				if e.Name() != store.PackName("") {
					t.Errorf("runs/ holds %s besides the pack", e.Name())
				}
			}
			ents, err = os.ReadDir(p.Dir)
			must(t, err)
			for _, e := range ents {
				if strings.Contains(e.Name(), ".tmp-") {
					t.Errorf("%s left a temporary file: %s", p.Dir, e.Name())
				}
			}
		})
	}
}

// TestParentsEndTheirBatch checks that a trainer never holds a trained
// parent back in a batch: a run that other runs start from is the last
// run of its batch, handed over at once, whatever the number of workers.
func TestParentsEndTheirBatch(t *testing.T) {
	for _, workers := range []int{1, 2, 3} {
		t.Run(fmt.Sprintf("%d workers", workers), func(t *testing.T) {
			p := plan(t, depsSpec, t.TempDir())
			parents := map[int]bool{}
			for _, r := range p.Runs {
				for _, i := range r.Parents {
					parents[i] = true
				}
			}
			if len(parents) != 2 {
				t.Fatalf("%d parents in depsSpec, want 2", len(parents))
			}
			var log batchLog
			setBatchHooks(t, log.hook(nil), nil)
			out, err := Execute(context.Background(), p, Options{Workers: workers})
			if err != nil || out.Trained != len(p.Runs) {
				t.Fatalf("Execute: %v %+v", err, out)
			}
			// A fresh study: every run is pending, pending[k] is p.Runs[k].
			seen := log.handed()
			if len(seen) != len(p.Runs) {
				t.Fatalf("batches %v hold %d runs, want %d", log.batches, len(seen), len(p.Runs))
			}
			for _, b := range log.batches {
				for j, k := range b {
					if parents[k] && j != len(b)-1 {
						t.Errorf("parent %s is run %d of a batch of %d: %v", p.Runs[k].Name, j+1, len(b), log.batches)
					}
				}
			}
		})
	}
}

// TestRunFinishedAsCtrlCLandsIsKept cancels the sweep the moment the
// first run's training returns: that run is over, so it is stored, and
// Execute still reports the interruption.
func TestRunFinishedAsCtrlCLandsIsKept(t *testing.T) {
	for _, workers := range []int{1, 2} {
		t.Run(fmt.Sprintf("%d workers", workers), func(t *testing.T) {
			p := plan(t, batchSpec, t.TempDir())
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var (
				mu    sync.Mutex
				first string
			)
			testHookTrained = func(name string) {
				mu.Lock()
				defer mu.Unlock()
				if first == "" {
					first = name
					cancel()
				}
			}
			defer func() { testHookTrained = nil }()
			out, err := Execute(ctx, p, Options{Workers: workers})
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("Execute: %v, want context.Canceled", err)
			}
			stored, err := store.OpenRuns(p.Dir)
			must(t, err)
			defer stored.Close()
			var id string
			for _, r := range p.Runs {
				if r.Name == first {
					id = r.ID
				}
			}
			run, err := stored.Get(id)
			if err != nil || run.Record.Status != store.StatusOK {
				t.Fatalf("run %s, trained before the cancel, is not stored whole: %v", first, err)
			}
			if out.Trained < 1 {
				t.Errorf("Outcome %+v counts no trained run", out)
			}
		})
	}
}
