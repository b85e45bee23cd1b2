package study

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/study-harness/study/models"
	"github.com/study-harness/study/study/grid"
	"github.com/study-harness/study/study/metrics"
	"github.com/study-harness/study/study/predmat"
	"github.com/study-harness/study/study/runs"
	"github.com/study-harness/study/study/spec"
	"github.com/study-harness/study/study/store"
)

// DefaultMaxRuns is the largest grid that run and validate accept unless
// told otherwise: a typo in an axis should not start a million runs.
const DefaultMaxRuns = 100_000

// RunOptions are the settings of Run.
type RunOptions struct {
	Results     string // parent of the results folder
	Workers     int    // concurrent runs; 0 means GOMAXPROCS
	Force       bool   // retrain finished runs
	RetryFailed bool   // retrain failed runs
	MaxRuns     int    // grid size cap
	Shard       runs.Shard
	NoReport    bool // skip metrics and report
	Terminal    bool // stderr is a terminal: draw a live progress bar
	// Trained, when set, is called once training is over, before the
	// report stage, which Run skips if ctx was cancelled by then: the
	// command's signal handler stops at once from that call on.
	Trained func()
	// Metrics are the settings of the metrics stage (bootstrap
	// replicates, permutations, the H_k group size).
	Metrics metrics.Options
}

// FailedRunsError is returned by Run when some runs failed or were
// skipped (a parent failed); the others finished and were stored.
type FailedRunsError struct{ Failures []runs.Failure }

func (e *FailedRunsError) Error() string {
	var b strings.Builder
	skipped := 0
	for _, f := range e.Failures {
		if f.Skipped {
			skipped++
		}
	}
	if skipped > 0 {
		fmt.Fprintf(&b, "%d run(s) failed, %d skipped:", len(e.Failures)-skipped, skipped)
	} else {
		fmt.Fprintf(&b, "%d run(s) failed:", len(e.Failures))
	}
	for _, f := range e.Failures {
		reason, _, _ := strings.Cut(f.Reason, "\n")
		fmt.Fprintf(&b, "\n  %s (%s): %s", f.Name, f.ID, reason)
	}
	return b.String()
}

// Run executes the study described by the spec at path: every stage from
// parsing to the report.
func Run(ctx context.Context, path string, o RunOptions, stdout, stderr io.Writer) error {
	s, err := loadSpec(path, o.MaxRuns)
	if err != nil {
		return err
	}
	p, err := runs.NewPlan(s, o.Results, o.MaxRuns)
	if err != nil {
		return err
	}
	if err := makeOutDir("--results", p.Dir); err != nil {
		return err
	}
	// The folder stays locked through the report, so that no other
	// study run (or report) writes it between training and the report.
	unlock, err := store.Lock(p.Dir, o.Shard.LockName())
	if err != nil {
		return err
	}
	defer unlock()
	out, err := runs.Execute(ctx, p, runs.Options{
		Workers:     o.Workers,
		Force:       o.Force,
		RetryFailed: o.RetryFailed,
		Shard:       o.Shard,
		Progress:    runs.NewProgress(stderr, o.Terminal),
		Locked:      true,
	})
	noteRepairs(stderr, out)
	if out != nil && out.Adopted {
		fmt.Fprintf(stderr, "study: %s had no %s (written by an older study): it now records this spec's\n", p.Dir, store.FingerprintFile)
	}
	if out != nil {
		fmt.Fprintf(stdout, "%s: %d runs: %d reused, %d trained, %s\n",
			p.Dir, out.Total, out.Reused, out.Trained, runs.FailedSkipped(len(out.Failures)-out.Skipped, out.Skipped))
	}
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if !o.NoReport && o.Shard.Count <= 1 {
		if o.Trained != nil {
			o.Trained()
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if testHookReport != nil {
			testHookReport(p.Dir)
		}
		if err := reportLocked(p.Dir, ReportOptions{Metrics: o.Metrics}, stdout); err != nil && !errors.Is(err, runs.ErrNoRuns) {
			return err
		}
	}
	if len(out.Failures) > 0 {
		return &FailedRunsError{out.Failures}
	}
	return nil
}

// Validate checks the spec at path as run would before training (the
// grid, the dataset, each recipe against the data) and prints its axes
// and grid size. It writes nothing.
func Validate(path string, maxRuns int, w io.Writer) error {
	s, err := loadSpec(path, maxRuns)
	if err != nil {
		return err
	}
	plan, err := runs.NewPlan(s, "", maxRuns)
	if err != nil {
		return err
	}
	if err := grid.Describe(w, s, maxRuns); err != nil {
		return err
	}
	writeWarnings(w, settingWarnings(plan.Runs))
	for _, sh := range s.EvalSets {
		fmt.Fprintf(w, "eval set %s: %s at severity %d\n", sh.Name, sh.Corruption, sh.Severity)
	}
	return nil
}

// loadSpec loads a spec, refusing a grid above maxRuns early
// (spec.LoadMax); a missing or unreadable file is bad input.
func loadSpec(path string, maxRuns int) (*spec.Spec, error) {
	s, err := spec.LoadMax(path, maxRuns)
	var se *spec.Error
	if err != nil && !errors.As(err, &se) {
		return nil, &InputError{err}
	}
	return s, err
}

// ParseShard parses "I/N" (0 ≤ I < N); "" is the whole grid.
func ParseShard(v string) (runs.Shard, error) {
	if v == "" {
		return runs.Shard{}, nil
	}
	a, b, ok := strings.Cut(v, "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 0 || i >= n {
		return runs.Shard{}, fmt.Errorf("%q is not I/N with 0 ≤ I < N", v)
	}
	return runs.Shard{Index: i, Count: n}, nil
}

// Analyze reads a predictions file written by any framework and writes
// metrics.json and the report into outDir, measured with mo (AnalyzeWith
// without the models table, replicates or layers).
func Analyze(path, outDir string, mo metrics.Options, stdout, stderr io.Writer) error {
	return AnalyzeWith(path, outDir, AnalyzeOptions{Metrics: mo}, stdout, stderr)
}

// makeOutDir creates folder dir, given by flag, and its parents, and
// checks that it can be written (see outDirError): a path that cannot be
// a folder or may not be written is bad input naming the flag; other
// failures (a full disk) are not.
func makeOutDir(flag, dir string) error {
	return outDirError(flag, dir, os.MkdirAll(dir, 0o755))
}

// ReportOptions are the settings of Report.
type ReportOptions struct {
	// AllowPartial reports a folder that holds only part of its grid, with
	// a banner, instead of refusing it (runs.PartialError, exit code 1).
	AllowPartial bool
	// Metrics are the settings of the metrics stage.
	Metrics metrics.Options
}

// Report regenerates predictions.csv, metrics.json and the report of a
// results folder from its stored runs, without retraining, measured with
// o.Metrics. It also merges shards, since it reads whatever runs the folder
// holds.
//
// It takes the folder's lock shared (store.LockShared): it runs beside
// shards still training, but not beside an unsharded study run, which is
// refused while it writes and refuses it. A folder that holds only part
// of its grid (shards still training, runs missing) is refused unless
// o.AllowPartial.
func Report(dir string, o ReportOptions, stdout io.Writer) error {
	if err := checkStudyDir(dir); err != nil {
		return err
	}
	unlock, err := store.LockShared(dir)
	if err != nil {
		return err
	}
	defer unlock()
	if err := store.CheckFingerprint(dir); err != nil {
		return err
	}
	return reportLocked(dir, o, stdout)
}

// reportLocked is Report for a caller that holds the folder's lock.
// A folder that holds part of its grid is refused before anything is
// written, unless o.AllowPartial.
func reportLocked(dir string, o ReportOptions, stdout io.Writer) error {
	if cov, err := runs.CoverageOf(dir); err != nil {
		return err
	} else if cov.Partial() && !o.AllowPartial {
		return &runs.PartialError{Coverage: cov}
	}
	x, err := runs.Collect(dir)
	if err != nil {
		return err
	}
	return measure(dir, x, nil, o.Metrics, stdout)
}

// testHookReport, when set by a test, is called by Run with the results
// folder just before its report stage.
var testHookReport func(dir string)

// InputError marks an error caused by the user's input.
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

// ExitCode maps an error to the process exit code: 2 for bad input, 130
// for an interruption, 1 otherwise.
func ExitCode(err error) int {
	var (
		se *spec.Error
		pe *predmat.ParseError
		fe *models.FieldError
		ie *InputError
		bi interface{ BadInput() }
	)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, context.Canceled):
		return 130
	case errors.As(err, &se), errors.As(err, &pe), errors.As(err, &fe), errors.As(err, &ie), errors.As(err, &bi):
		return 2
	}
	return 1
}
