package runs

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/study-harness/study/models"
	"github.com/study-harness/study/study/atomic"
	"github.com/study-harness/study/study/data"
	"github.com/study-harness/study/study/grid"
	"github.com/study-harness/study/study/predmat"
	"github.com/study-harness/study/study/seeds"
	"github.com/study-harness/study/study/spec"
	"github.com/study-harness/study/study/store"
	"github.com/study-harness/study/study/train"
)

// Options control where and how a plan is executed.
type Options struct {
	Results     string // parent of the results folder; default "results"
	Workers     int    // concurrent runs; default GOMAXPROCS
	Force       bool   // retrain runs that already finished
	RetryFailed bool   // retrain runs recorded as failed
	Shard       Shard  // run only this shard of the grid
	Progress    Progress
}

// Shard selects a deterministic 1/Count of a grid: the runs whose
// dependency root's index modulo Count is Index (see Plan.Roots; a run
// without parent is its own root, so without dependencies this is the
// run's own index). A shard thus trains every parent its runs start from.
// The zero value selects the whole grid.
type Shard struct{ Index, Count int }

func (s Shard) lockName() string {
	if s.Count <= 1 {
		return ""
	}
	return fmt.Sprintf("%d-of-%d", s.Index, s.Count)
}

// Has reports whether the run whose root index is i belongs to the shard.
func (s Shard) Has(i int) bool { return s.Count <= 1 || i%s.Count == s.Index }

// Run is one planned run: the grid point and its content-addressed id.
type Run struct {
	grid.Run
	ID string
}

// Plan is a spec resolved into runs, with its data loaded.
type Plan struct {
	Spec *spec.Spec
	Runs []Run
	Data *data.Set
	Dir  string // the results folder, <Results>/<name>
	// FeatureIdx is the fixed subset of test instances whose
	// penultimate-layer features every neural run stores, for the
	// representation-similarity measures.
	FeatureIdx []int
	// Evals are the corrupted test inputs of the spec's eval_sets, in order.
	Evals [][]float32
	// Raw is the dataset with its original classes, which run-level labels
	// and positive refer to: Data itself unless the dataset maps classes
	// to a binary task (dataset.positive) and some run needs the original.
	Raw *data.Set
	// Roots holds, for each run, the index of the root of its dependency
	// tree (grid.Roots); shards are assigned by root.
	Roots []int

	csvOnce sync.Once
	csvRows *csvRows // the test set's ids and labels as CSV, for every run
}

// FeatureSubset is the size of the fixed test subset whose features are
// stored: big enough for stable CKA, small enough for n×n Gram matrices.
const FeatureSubset = 1000

// NewPlan expands the spec, loads its dataset and computes each run's id.
// It writes nothing, so a bad spec or dataset leaves no trace.
func NewPlan(s *spec.Spec, results string, gridCap int) (*Plan, error) {
	gr, err := grid.Expand(s, gridCap)
	if err != nil {
		return nil, err
	}
	ds, err := data.Load(s.Dataset, s.Seed, filepath.Dir(s.File))
	if err != nil {
		return nil, &InputError{fmt.Errorf("%s: dataset: %w", s.File, err)}
	}
	if s.Task == spec.TaskBinary && ds.Classes != 2 {
		return nil, &InputError{fmt.Errorf("%s: task: a binary task needs 2 classes; dataset %s has %d (map classes to 1 with dataset.positive)", s.File, ds.Name, ds.Classes)}
	}
	if results == "" {
		results = "results"
	}
	p := &Plan{Spec: s, Data: ds, Dir: filepath.Join(results, s.Name), FeatureIdx: featureSubset(s.Seed, ds.NTest())}
	for _, sh := range s.EvalSets {
		x, err := data.Corrupt(ds, sh, s.Seed)
		if err != nil {
			return nil, fmt.Errorf("%s: eval set %s: %w", s.File, sh.Name, err)
		}
		p.Evals = append(p.Evals, x)
	}
	p.Raw = ds
	for _, r := range gr {
		if (len(r.Config.Labels) > 0 || len(r.Config.Positive) > 0) && s.Dataset.Binary() && p.Raw == ds {
			raw := s.Dataset
			raw.Positive = nil
			if p.Raw, err = data.Load(raw, s.Seed, filepath.Dir(s.File)); err != nil {
				return nil, fmt.Errorf("%s: dataset without positive, for run-level labels: %w", s.File, err)
			}
		}
	}
	ids := make([]string, len(gr))
	var id func(i int) string
	id = func(i int) string {
		if ids[i] == "" {
			parent := ""
			if len(gr[i].Parents) > 0 {
				parent = id(gr[i].Parents[0]) // the grid has no cycles
			}
			ids[i] = runID(s, ds, gr[i], parent)
		}
		return ids[i]
	}
	for i, r := range gr {
		p.Runs = append(p.Runs, Run{Run: r, ID: id(i)})
	}
	p.Roots = grid.Roots(gr)
	if err := p.check(); err != nil {
		return nil, err
	}
	return p, nil
}

// check runs train.Check once for each distinct recipe of the plan (its
// config less the seeds), before anything is written, so that a recipe
// the data cannot support (image augmentations or image architectures on
// tabular data, say) is bad input, not a failure of every run.
func (p *Plan) check() error {
	seen := map[string]bool{}
	for _, r := range p.Runs {
		c := r.Config
		c.Seed, c.InitSeed, c.OrderSeed, c.AugSeed, c.DataSeed = 0, 0, 0, 0, 0
		key := string(grid.Canonical(c))
		if seen[key] {
			continue
		}
		seen[key] = true
		d, _, err := View(p, r)
		if err != nil {
			return &InputError{fmt.Errorf("%s: run %s: %w", p.Spec.File, r.Name, err)}
		}
		job := train.Job{Config: r.Config, SpecSeed: p.Spec.Seed, Data: d, Binary: p.Spec.Task == spec.TaskBinary}
		if d != p.Data {
			job.Binary = len(r.Config.Positive) > 0
		}
		if err := train.Check(job); err != nil {
			return &InputError{fmt.Errorf("%s: run %s: %w", p.Spec.File, r.Name, err)}
		}
	}
	return nil
}

// InputError is a plan that the spec's data cannot support: bad input.
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

// BadInput marks the error as the user's input (exit code 2).
func (e *InputError) BadInput() {}

// featureSubset draws min(n, FeatureSubset) test instances from the
// spec seed's "features" stream, in increasing order.
func featureSubset(seed int64, n int) []int {
	idx := seeds.Stream("features", seed).Perm(n)
	if len(idx) > FeatureSubset {
		idx = idx[:FeatureSubset]
	}
	sort.Ints(idx)
	return idx
}

// arithmeticVersion is models.ArithmeticVersion; tests replace it.
var arithmeticVersion = models.ArithmeticVersion

// runID hashes what determines a run's outcome: the format version, the
// architecture's arithmetic version when above 1 (so that the ids of
// other architectures stay as they were), the task, the spec seed (it
// keys every stream), the dataset fingerprint, the evaluation sets (a run
// stores predictions on each), the id of the parent whose weights it
// starts from (so retraining a parent changes its children), and the
// canonical resolved config.
func runID(s *spec.Spec, ds *data.Set, r grid.Run, parent string) string {
	h := sha256.New()
	fmt.Fprintf(h, "study-run v%d\ntask=%s\nseed=%d\ndata=%s\n", store.FormatVersion, s.Task, s.Seed, ds.Fingerprint)
	if v := arithmeticVersion(r.Config.Arch); v > 1 {
		fmt.Fprintf(h, "arith=%d\n", v)
	}
	for _, sh := range s.EvalSets {
		fmt.Fprintf(h, "eval=%s/%s/%d\n", sh.Name, sh.Corruption, sh.Severity)
	}
	if parent != "" {
		fmt.Fprintf(h, "parent=%s\n", parent)
	}
	h.Write(grid.Canonical(r.Config))
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// Outcome summarises an execution.
type Outcome struct {
	Total    int       // runs in the plan (in this shard)
	Reused   int       // finished before and not retrained
	Trained  int       // trained now and succeeded
	Failures []Failure // runs recorded as failed or skipped, reused or new
	Skipped  int       // of Failures, runs skipped because a parent failed
	// Retrained counts the run folders found incomplete or corrupt
	// (store.ErrCorrupt), removed and trained again.
	Retrained int
}

// Failure names a failed run and why it failed.
type Failure struct {
	ID, Name, Reason string
}

// trainJob is one run's training, handed to a trainer goroutine; done is
// closed once it is over and the trainer has taken a write token for it.
type trainJob struct {
	train func()
	done  chan struct{}
}

// testHookWriting, when set by a test, is called with +1 when a run
// starts writing its files and −1 when it is done.
var testHookWriting func(delta int)

// Execute trains the plan's pending runs and stores them. See the package
// documentation for the guarantees.
func Execute(ctx context.Context, p *Plan, opts Options) (*Outcome, error) {
	start := time.Now()
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	unlock, err := store.Lock(p.Dir, opts.Shard.lockName())
	if err != nil {
		return nil, err
	}
	defer unlock()
	if opts.Shard.Count <= 1 {
		if err := store.CleanTemp(p.Dir); err != nil {
			return nil, err
		}
	}
	if err := p.writeHeader(); err != nil {
		return nil, err
	}

	out := &Outcome{}
	// state[i] is the record of run i once known: reused now, or written
	// by its goroutine before done[i] is closed.
	state := make([]*store.Record, len(p.Runs))
	done := make([]chan struct{}, len(p.Runs))
	var pending []Run
	for _, r := range p.Runs {
		if !opts.Shard.Has(p.Roots[r.Index]) {
			continue
		}
		out.Total++
		done[r.Index] = make(chan struct{})
		if opts.Force || !store.Finished(p.Dir, r.ID) {
			pending = append(pending, r)
			continue
		}
		rec, err := store.Verify(p.Dir, r.ID)
		if errors.Is(err, store.ErrCorrupt) {
			// Published but not (fully) synced before a power loss, or
			// edited: never trusted, trained again.
			if err := os.RemoveAll(store.RunPath(p.Dir, r.ID)); err != nil {
				return nil, fmt.Errorf("remove incomplete run %s: %w", r.Name, err)
			}
			out.Retrained++
			pending = append(pending, r)
			continue
		}
		if err != nil {
			return nil, err
		}
		// A skipped run is tried again whenever the study runs: its
		// parent may have been retrained since.
		if rec.Status == store.StatusSkipped || (rec.Status == store.StatusFailed && opts.RetryFailed) {
			pending = append(pending, r)
			continue
		}
		out.Reused++
		state[r.Index] = rec
		close(done[r.Index])
		if rec.Status == store.StatusFailed {
			out.Failures = append(out.Failures, Failure{r.ID, r.Name, rec.Reason})
		}
	}

	prog := opts.Progress
	if prog == nil {
		prog = nopProgress{}
	}
	prog.Start(out.Total, out.Reused)
	results := make([]*store.Record, len(pending))
	// Every pending run gets a goroutine that waits for its parent and
	// then hands its training to one of workers long-lived trainer
	// goroutines: parents finish before their children start, and at most
	// workers runs train at once. Runs are handed over in grid order (a
	// channel serves waiting senders first come, first served), so without
	// dependencies the order is as before. A trainer goes straight on to
	// the next run, with its stack grown and its caches warm, while the
	// run's own goroutine writes the files.
	//
	// writing holds a token for each run whose files are being written.
	// A trainer takes one for its run before it takes the next run, so at
	// most workers runs are written at once: when writing is slower than
	// training (tiny runs, a slow disk), training waits instead of
	// finished results piling up in memory.
	writing := make(chan struct{}, workers)
	takeWriteToken := func() {
		writing <- struct{}{}
		if testHookWriting != nil {
			testHookWriting(+1)
		}
	}
	trainq := make(chan trainJob)
	var trainers sync.WaitGroup
	for range workers {
		trainers.Add(1)
		go func() {
			defer trainers.Done()
			for j := range trainq {
				j.train()
				takeWriteToken()
				close(j.done)
			}
		}()
	}
	syncer := store.NewSyncer(p.Dir)
	g, gctx := errgroup.WithContext(ctx)
	// environment.json is written while the first runs train: capturing
	// it may run git twice (tens of milliseconds, as long as a thousand
	// tiny runs' training). Its write error stops the sweep like any
	// other.
	g.Go(func() error {
		return store.WriteJSON(filepath.Join(p.Dir, store.EnvironmentFile), store.CaptureEnvironment(filepath.Dir(p.Spec.File), workers, start))
	})
	for i, r := range pending {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			defer close(done[r.Index])
			var parent *store.Record
			var parentRun Run
			if len(r.Parents) > 0 {
				parentRun = p.Runs[r.Parents[0]]
				ch := done[parentRun.Index]
				if ch == nil { // not in this shard; cannot happen with root sharding
					return fmt.Errorf("run %s: parent %s is not in shard %d/%d", r.Name, parentRun.Name, opts.Shard.Index, opts.Shard.Count)
				}
				select {
				case <-ch:
				case <-gctx.Done():
					return nil
				}
				if parent = state[parentRun.Index]; parent == nil {
					return nil // the parent was interrupted
				}
			}
			// holding says that this run holds a write token, taken by
			// its trainer (trainOn) or below for a skipped run.
			holding := false
			defer func() {
				if holding {
					if testHookWriting != nil {
						testHookWriting(-1)
					}
					<-writing
				}
			}()
			trainOn := func(train func()) bool {
				j := trainJob{train: train, done: make(chan struct{})}
				select {
				case trainq <- j:
				case <-gctx.Done():
					return false
				}
				<-j.done
				holding = true
				return true
			}
			var rec *store.Record
			var err error
			if parent != nil && parent.Status != store.StatusOK {
				takeWriteToken()
				holding = true
				reason, _, _ := strings.Cut(parent.Reason, "\n")
				rec, err = p.skip(r, fmt.Sprintf("parent %s %s: %s", parentRun.Name, parent.Status, reason), syncer)
			} else {
				rec, err = p.trainOne(gctx, r, parentRun.ID, syncer, trainOn)
			}
			if err != nil {
				return err
			}
			if rec == nil { // interrupted: nothing was written
				return nil
			}
			results[i] = rec
			state[r.Index] = rec
			prog.Done(rec)
			return nil
		})
	}
	err = g.Wait()
	close(trainq)
	trainers.Wait()
	if serr := syncer.Close(); err == nil {
		err = serr
	}
	prog.Finish()
	for i, rec := range results {
		if rec == nil {
			continue
		}
		switch rec.Status {
		case store.StatusFailed:
			out.Failures = append(out.Failures, Failure{pending[i].ID, pending[i].Name, rec.Reason})
		case store.StatusSkipped:
			out.Skipped++
			out.Failures = append(out.Failures, Failure{pending[i].ID, pending[i].Name, "skipped: " + rec.Reason})
		default:
			out.Trained++
		}
	}
	if err != nil {
		return out, err
	}
	if ctx.Err() != nil {
		return out, ctx.Err()
	}
	return out, nil
}

// skip records run r as skipped, with the reason, without training it.
func (p *Plan) skip(r Run, reason string, syncer *store.Syncer) (*store.Record, error) {
	cfg, err := json.Marshal(r.Config)
	if err != nil {
		return nil, err
	}
	rec := &store.Record{ID: r.ID, Name: r.Name, Status: store.StatusSkipped, Reason: reason, Config: cfg}
	w, err := store.NewRunWriter(p.Dir, r.ID)
	if err != nil {
		return nil, err
	}
	if err := publishRun(w, rec, syncer); err != nil {
		return nil, err
	}
	return rec, nil
}

// publishRun commits the run folder being written by w and hands it to
// the syncer; a sync error of an earlier batch stops the sweep first.
func publishRun(w *store.RunWriter, rec *store.Record, syncer *store.Syncer) error {
	if err := syncer.Err(); err != nil {
		w.Abort()
		return err
	}
	if err := w.Commit(rec); err != nil {
		return err
	}
	syncer.Published(rec.ID)
	return nil
}

// writeHeader writes spec.yaml, manifest.jsonl, feature_index.json and
// eval_sets.json (Execute writes environment.json beside the first runs).
// The files are independent, so they are written at once: each
// atomic.WriteFile waits for two fsyncs.
func (p *Plan) writeHeader() error {
	if err := os.MkdirAll(filepath.Join(p.Dir, store.RunsDir), 0o755); err != nil {
		return err
	}
	entries := make([]store.Entry, len(p.Runs))
	for i, r := range p.Runs {
		cfg, err := json.Marshal(r.Config)
		if err != nil {
			return err
		}
		entries[i] = store.Entry{ID: r.ID, Index: r.Index, Name: r.Name, Values: kvs(r.Values), Factors: kvs(r.Factors), Config: cfg}
	}
	names := []string{}
	for _, sh := range p.Spec.EvalSets {
		names = append(names, sh.Name)
	}
	var g errgroup.Group
	g.Go(func() error { return atomic.WriteFile(filepath.Join(p.Dir, store.SpecFile), p.Spec.Source, 0o644) })
	g.Go(func() error { return store.WriteManifest(p.Dir, entries) })
	g.Go(func() error { return store.WriteJSON(filepath.Join(p.Dir, store.FeatureIndexFile), p.FeatureIdx) })
	g.Go(func() error { return store.WriteJSON(filepath.Join(p.Dir, store.EvalSetsFile), names) })
	return g.Wait()
}

// trainOne trains run r and publishes its folder. It returns a nil record
// and no error when ctx was cancelled, and an error only for I/O failures,
// which stop the sweep.
//
// trainOn runs the training on a trainer goroutine and returns once it is
// over, or returns false without running it when ctx was cancelled first.
// The files are written afterwards, on the caller's goroutine.
func (p *Plan) trainOne(ctx context.Context, r Run, parentID string, syncer *store.Syncer, trainOn func(func()) bool) (rec *store.Record, err error) {
	var (
		d        *data.Set
		testRows []int
		res      *train.Result
		terr     error
		wall     float64
	)
	if !trainOn(func() {
		start := time.Now()
		d, testRows, terr = View(p, r)
		if terr == nil {
			res, terr = p.train(ctx, r, d, testRows != nil, parentID)
		}
		wall = time.Since(start).Seconds()
	}) {
		return nil, nil
	}
	if ctx.Err() != nil {
		return nil, nil
	}
	rec = &store.Record{ID: r.ID, Name: r.Name, Status: store.StatusOK, WallSeconds: wall}
	// The config goes into metrics.json rather than a file of its own:
	// one file fewer to create per run (see the Performance section of
	// the README).
	if rec.Config, err = json.Marshal(r.Config); err != nil {
		return nil, err
	}
	if terr != nil {
		rec.Status, rec.Reason = store.StatusFailed, terr.Error()
	} else {
		rec.Loss, rec.ValAccuracy, rec.TestAccuracy = res.Loss, res.ValAccuracy, res.TestAccuracy
		rec.Epochs, rec.BestEpoch, rec.TrainRows = res.Epochs, res.BestEpoch, res.TrainRows
		for i, e := range res.Evals {
			if rec.EvalAccuracy == nil {
				rec.EvalAccuracy = map[string]float64{}
			}
			rec.EvalAccuracy[p.Spec.EvalSets[i].Name] = e.Accuracy
		}
	}
	w, err := store.NewRunWriter(p.Dir, r.ID)
	if err != nil {
		return nil, err
	}
	if err := p.writeRun(w, r, d, testRows, res); err != nil {
		w.Abort()
		return nil, err
	}
	if err := publishRun(w, rec, syncer); err != nil {
		return nil, err
	}
	return rec, nil
}

// writeRun writes the files of a trained run (all but metrics.json) into
// w's temporary folder.
func (p *Plan) writeRun(w *store.RunWriter, r Run, d *data.Set, testRows []int, res *train.Result) error {
	if res == nil {
		return nil
	}
	if err := p.writePredictions(w, store.PredictionsFile, r, d, testRows, res.TestPred, res.TestProb); err != nil {
		return err
	}
	// The files are encoded into a recycled buffer: once WriteFile
	// returns, the kernel holds the bytes.
	buf := getBuffer()
	defer putBuffer(buf)
	if res.Weights != nil {
		b := bytes.NewBuffer((*buf)[:0])
		meta := map[string]string{"format": "pt", "study_run": r.ID, "name": r.Name, "arch": r.Config.Arch}
		if err := models.WriteSafetensors(b, res.Weights, meta); err != nil {
			return fmt.Errorf("run %s: %w", r.Name, err)
		}
		*buf = b.Bytes()
		if err := w.WriteFile(store.WeightsFile, *buf); err != nil {
			return err
		}
	}
	for i, e := range res.Evals {
		if err := p.writePredictions(w, store.EvalPredictionsFile(p.Spec.EvalSets[i].Name), r, d, nil, e.Pred, e.Prob); err != nil {
			return err
		}
	}
	if res.Features != nil {
		b, err := store.AppendNPY((*buf)[:0], res.Features, len(p.FeatureIdx), res.FeatureDim)
		if err != nil {
			return fmt.Errorf("run %s: features: %w", r.Name, err)
		}
		*buf = b
		if err := w.WriteFile(store.FeaturesFile, b); err != nil {
			return err
		}
	}
	return nil
}

// train runs one training job, turning a panic into an error so that one
// bad run cannot take the sweep down.
// A run with its own labels or positive classes (a view of the data)
// trains and tests on that view only: it is not evaluated on the eval
// sets and stores no features, since both are indexed by the study's test
// rows.
func (p *Plan) train(ctx context.Context, r Run, d *data.Set, view bool, parentID string) (res *train.Result, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("panic: %v\n%s", v, debug.Stack())
		}
	}()
	job := train.Job{
		Config:      r.Config,
		SpecSeed:    p.Spec.Seed,
		Data:        d,
		Binary:      p.Spec.Task == spec.TaskBinary,
		FeatureIdx:  p.FeatureIdx,
		Evals:       p.Evals,
		Freeze:      r.Config.Init.Freeze,
		SaveWeights: r.Config.SaveWeights,
	}
	if view {
		job.Binary = len(r.Config.Positive) > 0
		job.FeatureIdx, job.Evals = nil, nil
	}
	if parentID != "" {
		if job.Init, err = readWeights(p.Dir, parentID); err != nil {
			return nil, err
		}
	}
	return train.Run(ctx, job)
}

// readWeights reads the stored weights of run id by tensor name.
func readWeights(dir, id string) (map[string][]float32, error) {
	path := filepath.Join(store.RunPath(dir, id), store.WeightsFile)
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("init: parent weights: %w", err)
	}
	defer f.Close()
	ts, _, err := models.ReadSafetensors(f)
	if err != nil {
		return nil, fmt.Errorf("init: %s: %w", path, err)
	}
	out := make(map[string][]float32, len(ts))
	for k, t := range ts {
		out[k] = t.Data
	}
	return out, nil
}

// View returns the data run r trains and tests on: the plan's data, or
// for a run with labels or positive a view of the original classes
// (train.View) and the study test rows it keeps.
func View(p *Plan, r Run) (*data.Set, []int, error) {
	if len(r.Config.Labels) == 0 && len(r.Config.Positive) == 0 {
		return p.Data, nil, nil
	}
	return train.View(p.Raw, r.Config.Labels, r.Config.Positive)
}

// writePredictions stores the predictions of run r on the test set of d;
// testRows, when not nil, are the study test rows of d's rows, which
// become the instance ids. The CSV is what predmat.Write writes for the
// run's one-model matrix; for the study's own test set (testRows nil) the
// rows shared by every run come from a cache (p.csvRows), and
// predmat.Write itself runs only when the fast path
// declines, to write a name that needs quoting or to report what is
// wrong with the predictions.
func (p *Plan) writePredictions(w *store.RunWriter, name string, r Run, d *data.Set, testRows []int, pred []int32, prob []float32) error {
	var rows *csvRows
	if testRows == nil && d == p.Data {
		p.csvOnce.Do(func() { p.csvRows = newCSVRows(instanceIDs(d.NTest()), testLabels(d), d.Classes) })
		rows = p.csvRows
	} else {
		ids := instanceIDs(d.NTest())
		for i, row := range testRows {
			ids[i] = strconv.Itoa(row)
		}
		rows = newCSVRows(ids, testLabels(d), d.Classes)
	}
	buf := getBuffer()
	defer putBuffer(buf)
	b, ok := rows.appendCSV((*buf)[:0], r.Name, pred, prob)
	*buf = b
	if !ok {
		n := d.NTest()
		x := &predmat.Matrix{
			Models:    []string{r.Name},
			Instances: instanceIDs(n),
			Classes:   d.Classes,
			Labels:    testLabels(d),
			Pred:      pred,
			Prob:      prob,
		}
		for i, row := range testRows {
			x.Instances[i] = strconv.Itoa(row)
		}
		out := bytes.NewBuffer((*buf)[:0])
		if err := predmat.Write(out, x); err != nil {
			return err
		}
		b = out.Bytes()
		*buf = b
	}
	return w.WriteFile(name, b)
}

// testLabels returns the labels of d's test rows as int32.
func testLabels(d *data.Set) []int32 {
	l := make([]int32, d.NTest())
	for i, y := range d.TestY {
		l[i] = int32(y)
	}
	return l
}

func instanceIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = strconv.Itoa(i)
	}
	return ids
}

func kvs(in []grid.KV) []store.KV {
	out := make([]store.KV, len(in))
	for i, v := range in {
		out[i] = store.KV{Key: v.Key, Value: v.Value}
	}
	return out
}

// ErrNoRuns is returned by Collect when no run has finished.
var ErrNoRuns = errors.New("no finished runs")
