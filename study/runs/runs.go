package runs

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/study-harness/study/models"
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
	// Locked says the caller holds the folder's lock for Shard
	// (store.Lock(p.Dir, Shard.LockName())), to keep it after Execute
	// returns; otherwise Execute takes it and releases it on return.
	Locked bool
}

// Shard selects a deterministic 1/Count of a grid: the runs whose
// dependency root's index modulo Count is Index (see Plan.Roots; a run
// without parent is its own root, so without dependencies this is the
// run's own index). A shard thus trains every parent its runs start from.
// The zero value selects the whole grid.
type Shard struct{ Index, Count int }

// LockName is the shard's lock and pack name for store.Lock and
// store.PackName: "" for the whole grid, "I-of-N" for shard I/N.
func (s Shard) LockName() string {
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
	// penultimate-layer features (every net with a hidden layer) and
	// logits (every net) each run stores, for the
	// representation-similarity measures.
	FeatureIdx []int
	// Evals are the corrupted test inputs of the spec's eval_sets, in order.
	Evals [][]float32
	// AttackIdx is the fixed subset of test instances every model with
	// an input gradient is attacked on; nil without attacks.
	AttackIdx []int
	// ExplainIdx are the test rows every run's attributions are
	// computed on, the first rows of FeatureIdx; nil without explain.
	ExplainIdx []int
	// Raw is the dataset with its original classes, which run-level labels
	// and positive refer to: Data itself unless the dataset maps classes
	// to a binary task (dataset.positive) and some run needs the original.
	Raw *data.Set
	// Roots holds, for each run, the index of the root of its dependency
	// tree (grid.Roots); shards are assigned by root.
	Roots []int

	labelsOnce sync.Once
	labels     []int32 // the test set's labels, shared by every run's predictions
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
		return nil, &InputError{s.DatasetError(err)}
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
	if p.AttackIdx, err = attackSubset(s, ds); err != nil {
		return nil, err
	}
	if p.ExplainIdx, err = explainSubset(s, ds, p.FeatureIdx); err != nil {
		return nil, err
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
	p.Runs = make([]Run, len(gr))
	for i, r := range gr {
		p.Runs[i] = Run{Run: r, ID: id(i)}
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
//
// Runs that differ only in the values of seed axes share a recipe: the
// config is resolved from the axis values. The key may split one recipe
// in two (two spellings of the same value), which only costs a check.
func (p *Plan) check() error {
	seen := map[string]bool{}
	var b strings.Builder
	for _, r := range p.Runs {
		b.Reset()
		for _, v := range r.Values {
			if !spec.IsSeed(v.Key) {
				b.WriteString(v.Key)
				b.WriteByte(0)
				b.WriteString(v.Value)
				b.WriteByte(0)
			}
		}
		key := b.String()
		if seen[key] {
			continue
		}
		seen[key] = true
		d, _, err := View(p, r)
		if err == nil {
			job := train.Job{Config: r.Config, SpecSeed: p.Spec.Seed, Data: d, Binary: p.Spec.Task == spec.TaskBinary}
			if d != p.Data {
				job.Binary = len(r.Config.Positive) > 0
			}
			err = train.Check(job)
		}
		if err != nil {
			return p.Spec.RunError(r.Name, func(key string) (string, bool) {
				for _, v := range r.Values {
					if v.Key == key {
						return v.Value, true
					}
				}
				return "", false
			}, err)
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
	hashAttacks(h, s)
	hashExplain(h, s, ds)
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
	// Retrained counts the runs whose stored record (or run folder of
	// the older layout) was found corrupt (store.ErrCorrupt) and which
	// were trained again.
	Retrained int
	// Damage lists the damaged spans of packs cut out before training
	// (store.Runs.Repair): the runs whose records they held, unknown by
	// name, were trained again like runs not trained yet.
	Damage []store.Damage
	// Adopted is true when the results folder held runs but no
	// fingerprint (written before study recorded them) and now holds this
	// study's (store.Claim).
	Adopted bool
}

// Failure names a failed or skipped run and why.
type Failure struct {
	ID, Name, Reason string
	Skipped          bool // not trained: a parent failed or was skipped
}

// testHookWriting, when set by a test, is called with +1 when a run
// starts writing its files and −1 when it is done.
var testHookWriting func(delta int)

// testHookBatch, when set by a test, is called with +1 and a batch's runs
// (pending indices, in training order) just before a trainer hands the
// batch to the writers (it may wait on a full channel), and with −1 once
// a writer has stored it.
var testHookBatch func(delta int, runs []int)

// testHookTrained, when set by a test, is called with each run's name as
// soon as its training returns, before trainOne looks at the context.
var testHookTrained func(name string)

// handOff is the least training time a trainer gathers before it hands
// its trained runs to the writers (see sweep.train).
const handOff = 10 * time.Millisecond

// trained is a run whose training is over, on its way to a writer.
type trained struct {
	k   int // index in pending
	rec *store.Record
	d   *data.Set
	// testRows and res as returned by View and train (res nil on failure).
	testRows []int
	res      *train.Result
}

// skip records run r as skipped, with the reason, without training it.
func (p *Plan) skip(r Run, reason string, pack *store.PackWriter) (*store.Record, error) {
	cfg, err := json.Marshal(r.Config)
	if err != nil {
		return nil, err
	}
	rec := &store.Record{ID: r.ID, Name: r.Name, Status: store.StatusSkipped, Reason: reason, Config: cfg}
	b := getRecordBuf()
	defer putRecordBuf(b)
	if err := b.Reset(r.ID); err != nil {
		return nil, err
	}
	if err := publishRun(b, rec, pack); err != nil {
		return nil, err
	}
	return rec, nil
}

// publishRun adds metrics.json to the record being built in b and
// appends it to the pack: the run is finished. A write or sync error of
// the pack, now or earlier, stops the sweep.
func publishRun(b *store.RecordBuf, rec *store.Record, pack *store.PackWriter) error {
	if err := b.AddRecord(rec); err != nil {
		return err
	}
	return pack.Append(b)
}

// entries returns the plan's manifest.jsonl lines.
func (p *Plan) entries() ([]store.Entry, error) {
	entries := make([]store.Entry, len(p.Runs))
	d := p.Data
	shape := models.Shape{In: d.In, Height: d.Height, Width: d.Width, Channels: d.Chans, Classes: d.Classes}
	for i, r := range p.Runs {
		cfg, err := json.Marshal(r.Config)
		if err != nil {
			return nil, err
		}
		resolved, err := json.Marshal(r.Config.Resolved(shape))
		if err != nil {
			return nil, err
		}
		entries[i] = store.Entry{ID: r.ID, Index: r.Index, Name: r.Name, Values: kvs(r.Values), Factors: kvs(r.Factors), Config: cfg, Resolved: resolved}
	}
	return entries, nil
}

// writeHeader writes feature_index.json, eval_sets.json and, when the
// data have groups, groups.json (store.Claim
// wrote spec.yaml and manifest.jsonl before training, Execute writes
// environment.json beside them). The files are independent, so they are
// written at once: each atomic.WriteFile waits for two fsyncs.
func (p *Plan) writeHeader() error {
	names := []string{}
	for _, sh := range p.Spec.EvalSets {
		names = append(names, sh.Name)
	}
	var g errgroup.Group
	g.Go(func() error { return store.WriteJSON(filepath.Join(p.Dir, store.FeatureIndexFile), p.FeatureIdx) })
	g.Go(func() error { return store.WriteJSON(filepath.Join(p.Dir, store.EvalSetsFile), names) })
	g.Go(p.writeGroups)
	if len(p.Spec.Attacks) > 0 {
		g.Go(func() error { return store.WriteJSON(filepath.Join(p.Dir, store.AttacksFile), p.Spec.Attacks) })
		g.Go(func() error { return store.WriteJSON(filepath.Join(p.Dir, store.AttackIndexFile), p.AttackIdx) })
	}
	if p.Spec.Explain != nil {
		g.Go(func() error { return store.WriteJSON(filepath.Join(p.Dir, store.ExplainFile), p.explainHeader()) })
	}
	return g.Wait()
}

// trainOne trains run r, on the calling trainer goroutine. It returns
// false when ctx was cancelled: nothing is to be written. A failed
// training is a result like any other, recorded with its reason.
func (p *Plan) trainOne(ctx context.Context, r Run, stored *store.Runs) (trained, bool) {
	var parentID string
	if len(r.Parents) > 0 {
		parentID = p.Runs[r.Parents[0]].ID
	}
	begin := time.Now()
	d, testRows, terr := View(p, r)
	var res *train.Result
	if terr == nil {
		res, terr = p.train(ctx, r, d, testRows != nil, parentID, stored)
	}
	if testHookTrained != nil {
		testHookTrained(r.Name)
	}
	wall := time.Since(begin).Seconds()
	if ctx.Err() != nil && terr != nil {
		return trained{}, false // interrupted; a run that finished is kept
	}
	rec := &store.Record{ID: r.ID, Name: r.Name, Status: store.StatusOK, WallSeconds: wall}
	if terr != nil {
		rec.Status, rec.Reason = store.StatusFailed, terr.Error()
		res = nil
	} else {
		rec.Loss, rec.ValAccuracy, rec.TestAccuracy = res.Loss, res.ValAccuracy, res.TestAccuracy
		rec.Epochs, rec.BestEpoch, rec.TrainRows = res.Epochs, res.BestEpoch, res.TrainRows
		for i, e := range res.Evals {
			if rec.EvalAccuracy == nil {
				rec.EvalAccuracy = map[string]float64{}
			}
			rec.EvalAccuracy[p.Spec.EvalSets[i].Name] = e.Accuracy
		}
		for i, a := range res.Adversarial {
			if rec.AdvAccuracy == nil {
				rec.AdvAccuracy = map[string]float64{}
			}
			rec.AdvAccuracy[p.Spec.Attacks[i].Name] = a.Accuracy
		}
	}
	return trained{rec: rec, d: d, testRows: testRows, res: res}, true
}

// storeRun encodes the record of trained run r, with all its files, and
// appends it to the pack. An error is an I/O failure, which stops the
// sweep.
func (p *Plan) storeRun(t trained, r Run, pack *store.PackWriter) error {
	// The config goes into metrics.json rather than a file of its own.
	var err error
	if t.rec.Config, err = json.Marshal(r.Config); err != nil {
		return err
	}
	b := getRecordBuf()
	defer putRecordBuf(b)
	if err := b.Reset(r.ID); err != nil {
		return err
	}
	if err := p.writeRun(b, r, t.d, t.testRows, t.res); err != nil {
		return err
	}
	return publishRun(b, t.rec, pack)
}

// writeRun adds the files of a trained run (all but metrics.json) to its
// record.
func (p *Plan) writeRun(w *store.RecordBuf, r Run, d *data.Set, testRows []int, res *train.Result) error {
	if res == nil {
		return nil
	}
	if err := p.writePredictions(w, store.PredictionsFile, r, d, testRows, res.TestPred, res.TestProb); err != nil {
		return err
	}
	if res.Weights != nil {
		meta := map[string]string{"format": "pt", "study_run": r.ID, "name": r.Name, "arch": r.Config.Arch}
		err := w.AppendFile(store.WeightsFile, func(dst []byte) ([]byte, error) {
			b := bytes.NewBuffer(dst)
			err := models.WriteSafetensors(b, res.Weights, meta)
			return b.Bytes(), err
		})
		if err != nil {
			return fmt.Errorf("run %s: %w", r.Name, err)
		}
	}
	for i, e := range res.Evals {
		if err := p.writePredictions(w, store.EvalPredictionsFile(p.Spec.EvalSets[i].Name), r, d, nil, e.Pred, e.Prob); err != nil {
			return err
		}
	}
	if err := p.writeAdversarial(w, r, d, res.Adversarial, res.InputGrad); err != nil {
		return err
	}
	if err := p.writeAttributions(w, r, d, res.Attributions); err != nil {
		return err
	}
	for _, l := range []struct {
		file, what string
		vals       []float32
		dim        int
	}{{store.FeaturesFile, "features", res.Features, res.FeatureDim}, {store.LogitsFile, "logits", res.Logits, res.LogitDim}} {
		if l.vals == nil {
			continue
		}
		err := w.AppendFile(l.file, func(dst []byte) ([]byte, error) {
			return store.AppendNPY(dst, l.vals, len(p.FeatureIdx), l.dim)
		})
		if err != nil {
			return fmt.Errorf("run %s: %s: %w", r.Name, l.what, err)
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
func (p *Plan) train(ctx context.Context, r Run, d *data.Set, view bool, parentID string, stored *store.Runs) (res *train.Result, err error) {
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
		SaveWeights: r.Config.SaveWeights || len(p.Spec.Attacks) > 0, // targets of transfer: see docs/robustness.md
		Attacks:     p.Spec.Attacks,
		AttackIdx:   p.AttackIdx,
		Explain:     p.Spec.Explain,
		ExplainIdx:  p.ExplainIdx,
	}
	if view {
		job.Binary = len(r.Config.Positive) > 0
		job.FeatureIdx, job.Evals = nil, nil
		job.Attacks, job.AttackIdx = nil, nil
		job.Explain, job.ExplainIdx = nil, nil
	}
	if parentID != "" {
		if job.Init, err = readWeights(stored, parentID); err != nil {
			return nil, err
		}
	}
	return train.Run(ctx, job)
}

// readWeights reads the stored weights of run id by tensor name.
func readWeights(stored *store.Runs, id string) (map[string][]float32, error) {
	run, err := stored.Get(id)
	if err != nil {
		return nil, fmt.Errorf("init: parent weights: %w", err)
	}
	b, err := run.File(store.WeightsFile)
	if err != nil {
		return nil, fmt.Errorf("init: parent weights: %w", err)
	}
	ts, _, err := models.ReadSafetensors(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("init: %s: %w", run.Path(store.WeightsFile), err)
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

// writePredictions stores the predictions of run r on the test set of d
// as file name (a predictions CSV name) in the binary form of the run's
// one-model matrix (store.BinaryName, predmat.AppendBinary): the same
// values bit for bit, Collect's input and, through study extract, the
// same CSV as predmat.Write. testRows, when not nil, are the study test
// rows of d's rows, which become the instance ids; otherwise the ids are
// the test rows' indices, left implicit.
func (p *Plan) writePredictions(w *store.RecordBuf, name string, r Run, d *data.Set, testRows []int, pred []int32, prob []float32) error {
	var labels []int32
	if testRows == nil && d == p.Data {
		p.labelsOnce.Do(func() { p.labels = testLabels(d) })
		labels = p.labels
	} else {
		labels = testLabels(d)
	}
	x := &predmat.Matrix{Models: []string{r.Name}, Classes: d.Classes, Labels: labels, Pred: pred, Prob: prob}
	if testRows != nil {
		x.Instances = make([]string, len(testRows))
		for i, row := range testRows {
			x.Instances[i] = strconv.Itoa(row)
		}
	}
	err := w.AppendFile(store.BinaryName(name), func(dst []byte) ([]byte, error) { return predmat.AppendBinary(dst, x) })
	if err != nil {
		return fmt.Errorf("run %s: %s: %w", r.Name, name, err)
	}
	return nil
}

// testLabels returns the labels of d's test rows as int32.
func testLabels(d *data.Set) []int32 {
	l := make([]int32, d.NTest())
	for i, y := range d.TestY {
		l[i] = int32(y)
	}
	return l
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
