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
	"time"

	"golang.org/x/sync/errgroup"

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

// Shard selects a deterministic 1/Count of a grid: the runs whose index
// modulo Count is Index. The zero value selects the whole grid.
type Shard struct{ Index, Count int }

func (s Shard) lockName() string {
	if s.Count <= 1 {
		return ""
	}
	return fmt.Sprintf("%d-of-%d", s.Index, s.Count)
}

// Has reports whether run index i belongs to the shard.
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
		return nil, err
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
	for _, r := range gr {
		p.Runs = append(p.Runs, Run{Run: r, ID: runID(s, ds, r)})
	}
	return p, nil
}

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

// runID hashes what determines a run's outcome: the format version, the
// task, the spec seed (it keys every stream), the dataset fingerprint, the
// evaluation sets (a run stores predictions on each) and the canonical
// resolved config.
func runID(s *spec.Spec, ds *data.Set, r grid.Run) string {
	h := sha256.New()
	fmt.Fprintf(h, "study-run v%d\ntask=%s\nseed=%d\ndata=%s\n", store.FormatVersion, s.Task, s.Seed, ds.Fingerprint)
	for _, sh := range s.EvalSets {
		fmt.Fprintf(h, "eval=%s/%s/%d\n", sh.Name, sh.Corruption, sh.Severity)
	}
	h.Write(grid.Canonical(r.Config))
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// Outcome summarises an execution.
type Outcome struct {
	Total    int       // runs in the plan (in this shard)
	Reused   int       // finished before and not retrained
	Trained  int       // trained now and succeeded
	Failures []Failure // runs recorded as failed, reused or new
}

// Failure names a failed run and why it failed.
type Failure struct {
	ID, Name, Reason string
}

// Execute trains the plan's pending runs and stores them. See the package
// documentation for the guarantees.
func Execute(ctx context.Context, p *Plan, opts Options) (*Outcome, error) {
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
	if err := p.writeHeader(workers); err != nil {
		return nil, err
	}

	out := &Outcome{}
	var pending []Run
	for _, r := range p.Runs {
		if !opts.Shard.Has(r.Index) {
			continue
		}
		out.Total++
		if opts.Force || !store.Finished(p.Dir, r.ID) {
			pending = append(pending, r)
			continue
		}
		rec, err := store.ReadRecord(p.Dir, r.ID)
		if err != nil {
			return nil, err
		}
		if rec.Status == store.StatusFailed && opts.RetryFailed {
			pending = append(pending, r)
			continue
		}
		out.Reused++
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
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	for i, r := range pending {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			rec, err := p.trainOne(gctx, r)
			if err != nil {
				return err
			}
			if rec == nil { // interrupted: nothing was written
				return nil
			}
			results[i] = rec
			prog.Done(rec)
			return nil
		})
	}
	err = g.Wait()
	prog.Finish()
	for i, rec := range results {
		if rec == nil {
			continue
		}
		if rec.Status == store.StatusFailed {
			out.Failures = append(out.Failures, Failure{pending[i].ID, pending[i].Name, rec.Reason})
		} else {
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

// writeHeader writes spec.yaml, manifest.jsonl and environment.json.
func (p *Plan) writeHeader(workers int) error {
	if err := os.MkdirAll(filepath.Join(p.Dir, store.RunsDir), 0o755); err != nil {
		return err
	}
	if err := atomic.WriteFile(filepath.Join(p.Dir, store.SpecFile), p.Spec.Source, 0o644); err != nil {
		return err
	}
	entries := make([]store.Entry, len(p.Runs))
	for i, r := range p.Runs {
		cfg, err := json.Marshal(r.Config)
		if err != nil {
			return err
		}
		entries[i] = store.Entry{ID: r.ID, Index: r.Index, Name: r.Name, Values: kvs(r.Run), Config: cfg}
	}
	if err := store.WriteManifest(p.Dir, entries); err != nil {
		return err
	}
	if err := store.WriteJSON(filepath.Join(p.Dir, store.FeatureIndexFile), p.FeatureIdx); err != nil {
		return err
	}
	names := []string{}
	for _, sh := range p.Spec.EvalSets {
		names = append(names, sh.Name)
	}
	if err := store.WriteJSON(filepath.Join(p.Dir, store.EvalSetsFile), names); err != nil {
		return err
	}
	return store.WriteJSON(filepath.Join(p.Dir, store.EnvironmentFile), store.CaptureEnvironment(filepath.Dir(p.Spec.File), workers, time.Now()))
}

// trainOne trains run r and publishes its folder. It returns a nil record
// and no error when ctx was cancelled, and an error only for I/O failures,
// which stop the sweep.
func (p *Plan) trainOne(ctx context.Context, r Run) (rec *store.Record, err error) {
	start := time.Now()
	res, terr := p.train(ctx, r)
	if ctx.Err() != nil {
		return nil, nil
	}
	rec = &store.Record{ID: r.ID, Name: r.Name, Status: store.StatusOK, WallSeconds: time.Since(start).Seconds()}
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
	tmp, err := store.TempRunDir(p.Dir, r.ID)
	if err != nil {
		return nil, fmt.Errorf("run %s: %w", r.Name, err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	if err := store.WriteJSON(filepath.Join(tmp, store.ConfigFile), r.Config); err != nil {
		return nil, err
	}
	if res != nil {
		if err := p.writePredictions(filepath.Join(tmp, store.PredictionsFile), r, res.TestPred, res.TestProb); err != nil {
			return nil, err
		}
		for i, e := range res.Evals {
			path := filepath.Join(tmp, store.EvalPredictionsFile(p.Spec.EvalSets[i].Name))
			if err := p.writePredictions(path, r, e.Pred, e.Prob); err != nil {
				return nil, err
			}
		}
		if res.Features != nil {
			if err := store.WriteNPY(filepath.Join(tmp, store.FeaturesFile), res.Features, len(p.FeatureIdx), res.FeatureDim); err != nil {
				return nil, err
			}
		}
	}
	if err := store.WriteJSON(filepath.Join(tmp, store.MetricsFile), rec); err != nil {
		return nil, err
	}
	if err := store.PublishRun(p.Dir, r.ID, tmp); err != nil {
		return nil, err
	}
	return rec, nil
}

// train runs one training job, turning a panic into an error so that one
// bad run cannot take the sweep down.
func (p *Plan) train(ctx context.Context, r Run) (res *train.Result, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("panic: %v\n%s", v, debug.Stack())
		}
	}()
	return train.Run(ctx, train.Job{
		Config:     r.Config,
		SpecSeed:   p.Spec.Seed,
		Data:       p.Data,
		Binary:     p.Spec.Task == spec.TaskBinary,
		FeatureIdx: p.FeatureIdx,
		Evals:      p.Evals,
	})
}

func (p *Plan) writePredictions(path string, r Run, pred []int32, prob []float32) error {
	n := p.Data.NTest()
	x := &predmat.Matrix{
		Models:    []string{r.Name},
		Instances: instanceIDs(n),
		Classes:   p.Data.Classes,
		Labels:    make([]int32, n),
		Pred:      pred,
		Prob:      prob,
	}
	for i, y := range p.Data.TestY {
		x.Labels[i] = int32(y)
	}
	var buf bytes.Buffer
	if err := predmat.Write(&buf, x); err != nil {
		return err
	}
	return atomic.WriteFile(path, buf.Bytes(), 0o644)
}

func instanceIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = strconv.Itoa(i)
	}
	return ids
}

func kvs(r grid.Run) []store.KV {
	out := make([]store.KV, len(r.Values))
	for i, v := range r.Values {
		out[i] = store.KV{Key: v.Key, Value: v.Value}
	}
	return out
}

// ErrNoRuns is returned by Collect when no run has finished.
var ErrNoRuns = errors.New("no finished runs")
