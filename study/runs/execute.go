package runs

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/study-harness/study/study/store"
)

// Execute trains the plan's pending runs and stores them. See the package
// documentation for the guarantees.
//
// Pipeline. workers trainer goroutines take ready runs from a queue in
// grid order and train them, each one run at a time; a finished run goes
// to one of workers writer goroutines, which encode its files, append its
// record to the pack and release the runs that start from it. A trainer
// goes straight on to the next run, with its stack grown and its caches
// warm, while the last ones are written; it hands its runs over in
// batches (see handOff), and the queue to the writers holds at most
// workers batches, so when writing is slower than training (a slow disk,
// big files) training waits instead of finished results piling up in
// memory.
//
// The steps, in order: open (lock, claim and repair the folder), triage
// (which stored runs are reused), schedule (which pending runs are ready),
// then the trainers and writers of the sweep, and the tally.
func Execute(ctx context.Context, p *Plan, opts Options) (*Outcome, error) {
	start := time.Now()
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if !opts.Locked {
		unlock, err := store.Lock(p.Dir, opts.Shard.LockName())
		if err != nil {
			return nil, err
		}
		defer unlock()
	}
	stored, adopted, err := p.open(opts.Shard)
	if err != nil {
		return nil, err
	}
	defer stored.Close()
	damaged, err := repair(stored, opts.Shard)
	if err != nil {
		return nil, err
	}
	pack, err := stored.Writer(store.PackName(opts.Shard.LockName()))
	if err != nil {
		return nil, err
	}
	defer pack.Close()

	out := &Outcome{Adopted: adopted, Damage: damaged}
	s := &sweep{p: p, stored: stored, pack: pack, ctx: ctx}
	if err := s.triage(opts, out); err != nil {
		return nil, err
	}
	s.prog = opts.Progress
	if s.prog == nil {
		s.prog = nopProgress{}
	}
	s.prog.Start(out.Total, out.Reused, len(out.Failures)) // so far, the reused failures
	s.results = make([]*store.Record, len(s.pending))
	if err := s.schedule(opts.Shard); err != nil {
		return nil, err
	}
	// gctx stops the trainers: on Ctrl-C (ctx) or at the first I/O error
	// (stop), which Wait returns.
	gctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	s.gctx, s.cancel = gctx, cancel
	stopWaking := context.AfterFunc(gctx, s.wake)
	defer stopWaking()
	if err := s.releaseReused(); err != nil {
		return out, err
	}

	err = s.run(workers, start)
	if serr := pack.Close(); err == nil {
		err = serr
	}
	s.prog.Finish()
	out.tally(s.pending, s.results)
	if err != nil {
		return out, err
	}
	if ctx.Err() != nil {
		return out, ctx.Err()
	}
	return out, nil
}

// open prepares the results folder for a sweep of the shard: it removes
// the temporary files of an earlier sweep (whole grid only), claims the
// folder for the plan's spec and opens its stored runs. adopted is as in
// Outcome.
func (p *Plan) open(shard Shard) (stored *store.Runs, adopted bool, err error) {
	if shard.Count <= 1 {
		if err := store.CleanTemp(p.Dir); err != nil {
			return nil, false, err
		}
	}
	entries, err := p.entries()
	if err != nil {
		return nil, false, err
	}
	adopted, err = store.Claim(p.Dir, store.ClaimOptions{SpecFile: p.Spec.File, Spec: p.Spec.Source, Entries: entries, Shards: shard.Count})
	if err != nil {
		return nil, false, err
	}
	if err := os.MkdirAll(filepath.Join(p.Dir, store.RunsDir), 0o755); err != nil {
		return nil, false, err
	}
	stored, err = store.OpenRuns(p.Dir)
	if err != nil {
		return nil, false, err
	}
	return stored, adopted, nil
}

// sweep is one execution of a plan: the runs to train, the scheduler
// that hands the ready ones to the trainers, and what the writers stored.
type sweep struct {
	p      *Plan
	stored *store.Runs
	pack   *store.PackWriter
	prog   Progress

	// pending points into p.Runs: a Run is half a kilobyte.
	pending []*Run
	// state[i] is the record of run i once known: reused now, or set by
	// the writer that stored it.
	state []*store.Record
	// skipped holds the stored record of a pending run that was skipped
	// before, by pending index: skipped again for the same reason, it is
	// not written again.
	skipped map[int]*store.Record
	// results[k] is the record of pending run k once stored.
	results []*store.Record

	ctx    context.Context // the caller's: Ctrl-C
	gctx   context.Context // stops the trainers: ctx, or the first I/O error
	cancel context.CancelCauseFunc

	// The scheduler: runs whose parent is known go into queue, in grid
	// order; the others wait in children[parent index] until the parent
	// is stored. left counts the pending runs not yet stored nor given up.
	mu       sync.Mutex
	cond     *sync.Cond
	queue    []int
	children map[int][]int
	left     int
	idle     int // trainers waiting for a ready run
}

// triage sorts the shard's runs into those reused from the store
// (counted in out) and those pending: not trained yet, forced, corrupt,
// skipped before, or failed with RetryFailed.
func (s *sweep) triage(opts Options, out *Outcome) error {
	p := s.p
	s.state = make([]*store.Record, len(p.Runs))
	s.pending = make([]*Run, 0, len(p.Runs))
	s.skipped = map[int]*store.Record{}
	for i := range p.Runs {
		r := &p.Runs[i]
		if !opts.Shard.Has(p.Roots[r.Index]) {
			continue
		}
		out.Total++
		if opts.Force || !s.stored.Finished(r.ID) {
			s.pending = append(s.pending, r)
			continue
		}
		st, err := s.stored.Get(r.ID)
		if errors.Is(err, store.ErrCorrupt) {
			// Written but not (fully) synced before a power loss, or
			// edited: never trusted, trained again; the new record
			// supersedes it. A run folder of the older layout goes.
			if err := os.RemoveAll(store.RunPath(p.Dir, r.ID)); err != nil {
				return fmt.Errorf("remove incomplete run %s: %w", r.Name, err)
			}
			out.Retrained++
			s.pending = append(s.pending, r)
			continue
		}
		if err != nil {
			return err
		}
		rec := st.Record
		// A skipped run is tried again whenever the study runs: its
		// parent may have been retrained since.
		if rec.Status == store.StatusSkipped || (rec.Status == store.StatusFailed && opts.RetryFailed) {
			if rec.Status == store.StatusSkipped {
				s.skipped[len(s.pending)] = rec
			}
			s.pending = append(s.pending, r)
			continue
		}
		out.Reused++
		s.state[r.Index] = rec
		if rec.Status == store.StatusFailed {
			out.Failures = append(out.Failures, Failure{ID: r.ID, Name: r.Name, Reason: rec.Reason})
		}
	}
	return nil
}

// schedule queues the pending runs without parent, and files the others
// under their parent until it is stored.
func (s *sweep) schedule(shard Shard) error {
	p := s.p
	s.cond = sync.NewCond(&s.mu)
	s.children = map[int][]int{}
	s.left = len(s.pending)
	for k, r := range s.pending {
		if len(r.Parents) == 0 {
			s.queue = append(s.queue, k)
			continue
		}
		parent := p.Runs[r.Parents[0]]
		if !shard.Has(p.Roots[parent.Index]) { // cannot happen with root sharding
			return fmt.Errorf("run %s: parent %s is not in shard %d/%d", r.Name, parent.Name, shard.Index, shard.Count)
		}
		s.children[parent.Index] = append(s.children[parent.Index], k)
	}
	return nil
}

// wake wakes the trainers waiting for a ready run, when the sweep stops.
func (s *sweep) wake() {
	s.mu.Lock()
	s.cond.Broadcast()
	s.mu.Unlock()
}

// stop wraps f so that its error stops the sweep.
func (s *sweep) stop(f func() error) func() error {
	return func() error {
		err := f()
		if err != nil {
			s.cancel(err)
		}
		return err
	}
}

// next returns the next run to train, or false once every run is done or
// the sweep stops; without wait, also when no run is ready now.
func (s *sweep) next(wait bool) (int, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for wait && len(s.queue) == 0 && s.left > 0 && s.gctx.Err() == nil {
		s.idle++
		s.cond.Wait()
		s.idle--
	}
	if len(s.queue) == 0 || s.gctx.Err() != nil {
		return 0, false
	}
	k := s.queue[0]
	s.queue = s.queue[1:]
	return k, true
}

// urgent reports whether a trained run should reach the writers at once:
// other runs start from it, or a trainer has nothing to do.
func (s *sweep) urgent(i int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.children[i]) > 0 || s.idle > 0
}

// finish marks pending run k stored (rec) or given up (nil).
func (s *sweep) finish(k int, rec *store.Record) {
	if rec != nil {
		s.results[k] = rec
		s.prog.Done(rec)
	}
	s.mu.Lock()
	if s.left--; s.left == 0 {
		s.cond.Broadcast()
	}
	s.mu.Unlock()
}

// release hands the runs that start from run i, whose record is rec, to
// the trainers, or records them skipped when rec is not a success (and,
// in turn, their own children).
func (s *sweep) release(i int, rec *store.Record) error {
	s.mu.Lock()
	kids := s.children[i]
	delete(s.children, i)
	if rec.Status == store.StatusOK {
		s.queue = append(s.queue, kids...)
		s.cond.Broadcast()
		kids = nil
	}
	s.mu.Unlock()
	for _, k := range kids {
		r := s.pending[k]
		reason, _, _ := strings.Cut(rec.Reason, "\n")
		reason = fmt.Sprintf("parent %s %s: %s", s.p.Runs[i].Name, rec.Status, reason)
		srec := s.skipped[k]
		if srec == nil || srec.Reason != reason {
			var err error
			if srec, err = s.p.skip(*r, reason, s.pack); err != nil {
				return err
			}
		}
		s.state[r.Index] = srec
		s.finish(k, srec)
		if err := s.release(r.Index, srec); err != nil {
			return err
		}
	}
	return nil
}

// releaseReused releases the children of reused runs; those of pending
// runs are released by the writer that stores the parent. A child whose
// parent is not stored (Ctrl-C, an I/O error) is never trained: the
// trainers stop with the sweep.
func (s *sweep) releaseReused() error {
	for i, rec := range s.state {
		if rec != nil {
			if err := s.release(i, rec); err != nil {
				return err
			}
		}
	}
	return nil
}

// run trains and stores the ready runs with workers trainers and workers
// writers, and writes the folder's header files meanwhile; it returns the
// first error, once every goroutine is done.
func (s *sweep) run(workers int, start time.Time) error {
	p := s.p
	var g errgroup.Group
	// feature_index.json, eval_sets.json and environment.json are written
	// while the first runs train: each atomic write waits for two fsyncs, and capturing
	// the environment may run git twice (tens of milliseconds, as long as
	// a thousand tiny runs' training). A write error stops the sweep like
	// any other.
	g.Go(s.stop(p.writeHeader))
	g.Go(s.stop(func() error {
		return store.WriteJSON(filepath.Join(p.Dir, store.EnvironmentFile), store.CaptureEnvironment(filepath.Dir(p.Spec.File), workers, start))
	}))
	// The channel holds at most workers batches; at most workers more are
	// being written, and workers more wait to be sent. A crash loses the
	// runs of those batches: they are trained again on resume.
	toWrite := make(chan []trained, workers)
	var trainers sync.WaitGroup
	for range workers {
		trainers.Add(1)
		g.Go(func() error {
			defer trainers.Done()
			s.train(toWrite)
			return nil
		})
	}
	g.Go(func() error {
		trainers.Wait()
		close(toWrite)
		return nil
	})
	for range workers {
		g.Go(func() error { return s.write(toWrite) })
	}
	return g.Wait()
}

// train is a trainer: it trains ready runs until none is left or the
// sweep stops, and hands them to the writers in batches that end with
// the run that brings them to handOff (10 ms) of training, a run at a
// time when runs are longer: waking a parked writer costs a system call,
// tens of microseconds on a virtual machine, as much as training a tiny
// run. It hands a batch over at once when its last run has children
// waiting for it or another trainer has nothing to do, and when it runs
// out of ready runs or stops.
func (s *sweep) train(toWrite chan<- []trained) {
	var batch []trained
	var held float64 // seconds of training in batch
	flush := func() {
		if len(batch) > 0 {
			if testHookBatch != nil {
				ks := make([]int, len(batch))
				for i, t := range batch {
					ks[i] = t.k
				}
				testHookBatch(+1, ks)
			}
			toWrite <- batch // the writers take every batch, to the end
			batch, held = nil, 0
		}
	}
	for {
		k, ok := s.next(false)
		if !ok {
			flush() // its runs may be the parents of the next ones
			if k, ok = s.next(true); !ok {
				return
			}
		}
		t, ok := s.p.trainOne(s.gctx, *s.pending[k], s.stored)
		if !ok { // interrupted: nothing is written
			s.finish(k, nil)
			continue
		}
		t.k = k
		batch = append(batch, t)
		if held += t.rec.WallSeconds; held >= handOff.Seconds() || s.urgent(s.pending[k].Index) {
			flush()
		}
	}
}

// write is a writer: it stores the trained runs of the batches in
// toWrite and releases their children. It empties the queue to its end,
// so that no trainer waits on it forever. A run trained before Ctrl-C is
// still stored; after an I/O error (this writer's or any other's) the
// runs handed over are dropped instead: they are trained again on resume.
func (s *sweep) write(toWrite <-chan []trained) error {
	var first error
	for batch := range toWrite {
		for _, t := range batch {
			if first != nil || (s.gctx.Err() != nil && s.ctx.Err() == nil) {
				s.finish(t.k, nil)
				continue
			}
			if testHookWriting != nil {
				testHookWriting(+1)
			}
			err := s.p.storeRun(t, *s.pending[t.k], s.pack)
			if testHookWriting != nil {
				testHookWriting(-1)
			}
			if err != nil {
				s.finish(t.k, nil)
				first = err
				s.cancel(err)
				continue
			}
			r := s.pending[t.k]
			s.state[r.Index] = t.rec
			s.finish(t.k, t.rec)
			if err := s.release(r.Index, t.rec); err != nil {
				first = err
				s.cancel(err)
			}
		}
		if testHookBatch != nil {
			testHookBatch(-1, nil)
		}
	}
	return first
}

// tally adds the records of the pending runs (nil where not stored) to
// the outcome: trained, failed or skipped.
func (out *Outcome) tally(pending []*Run, results []*store.Record) {
	for i, rec := range results {
		if rec == nil {
			continue
		}
		switch rec.Status {
		case store.StatusFailed:
			out.Failures = append(out.Failures, Failure{ID: pending[i].ID, Name: pending[i].Name, Reason: rec.Reason})
		case store.StatusSkipped:
			out.Skipped++
			out.Failures = append(out.Failures, Failure{ID: pending[i].ID, Name: pending[i].Name, Reason: "skipped: " + rec.Reason, Skipped: true})
		default:
			out.Trained++
		}
	}
}
