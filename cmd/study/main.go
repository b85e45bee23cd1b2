// Command study runs homogeneity studies of machine-learning models: it
// parses the command line and calls the stages of package study.
//
// The list of commands is the usage text below, printed by `study help`;
// each command's flags are printed by `study <command> -h`. The manual,
// docs/commands.md, is generated from both (TestCommandsDocIsCurrent), so
// there is one copy of each.
//
// Exit codes: 0 success; 1 some runs failed or an I/O error; 2 bad input
// (spec, dataset, predictions file, flags); 130 interrupted.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"

	"golang.org/x/term"

	"github.com/study-harness/study/study"
	"github.com/study-harness/study/study/export"
	"github.com/study-harness/study/study/metrics"
)

const usage = `usage: study <command> [flags] [args]

commands:
  run SPEC          train the grid of SPEC, then write metrics and the report
  validate SPEC     check SPEC and print its axes and grid size
  analyze PRED      measure predictions from any framework (--out DIR;
                    CSV, .csv.gz, .npz or Parquet; --meta, --features)
  report DIR        regenerate metrics.json and the report from DIR
  merge DIR         combine the shards of a study in DIR, then report
  runs DIR          list the runs of DIR: status, test accuracy, wall time, where stored
  extract DIR [RUN...]  write runs (all, or by id or name) as plain folders (--out OUT)
  export slurm SPEC --shards N   print an sbatch script: one array task per shard
  export k8s SPEC --shards N     print a Kubernetes Indexed Job: one index per shard
  data fetch NAME   download a dataset (cifar10, fashion-mnist) into $STUDY_DATA

Run 'study <command> -h' for the flags of a command.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sigs := interrupted(ctx, cancel, args[0] == "run", stderr)
	var err error
	switch cmd, rest := args[0], args[1:]; cmd {
	case "run":
		err = cmdRun(ctx, rest, stdout, stderr, sigs.trained)
	case "validate":
		err = cmdValidate(rest, stdout, stderr)
	case "analyze":
		err = cmdAnalyze(rest, stdout, stderr)
	case "report":
		err = cmdReport("report", rest, stdout, stderr)
	case "merge":
		err = cmdReport("merge", rest, stdout, stderr)
	case "runs":
		err = cmdRuns(rest, stdout, stderr)
	case "extract":
		err = cmdExtract(rest, stdout, stderr)
	case "export":
		err = cmdExport(rest, stdout, stderr)
	case "data":
		err = cmdData(ctx, rest, stdout, stderr)
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "study: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	if err == nil {
		return 0
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	code := study.ExitCode(err)
	if !errors.Is(err, errReported) {
		fmt.Fprintf(stderr, "study: %v\n", err)
	}
	return code
}

// signals is the state of the signal watcher (interrupted).
type signals struct {
	mu       sync.Mutex
	graceful bool // study run is training: the first signal stops it gracefully
}

// interrupted handles Ctrl-C, SIGTERM and SIGHUP (a closed terminal or
// SSH session; left ignored when study was started ignoring it, as by
// nohup). While `study run` trains, the first one cancels ctx: the
// trainers stop, the runs that finished are stored, and the command exits
// 130 without its report. Once training is over (trained), and in any
// other command, the first one exits 130 at once, as does a second one.
// Every file is written atomically, so stopping at once leaves none
// half-written and the previous report whole; a torn record at the end of
// a pack is cut by the next writer. The watcher ends with ctx.
func interrupted(ctx context.Context, cancel context.CancelFunc, graceful bool, stderr io.Writer) *signals {
	s := &signals{graceful: graceful}
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	if !signal.Ignored(syscall.SIGHUP) {
		signal.Notify(sigs, syscall.SIGHUP)
	}
	go func() {
		defer signal.Stop(sigs)
		select {
		case <-sigs:
		case <-ctx.Done():
			return
		}
		s.mu.Lock()
		graceful := s.graceful
		if graceful {
			fmt.Fprintln(stderr, "study: interrupted: storing the runs that finished (interrupt again to stop at once)")
			cancel()
		}
		s.mu.Unlock()
		if graceful {
			<-sigs // a second one
		}
		fmt.Fprintln(stderr, "study: interrupted")
		os.Exit(130)
	}()
	return s
}

// trained ends study run's training stage: from now on the first signal
// stops at once. A signal that came before has cancelled ctx, which the
// caller checks after this call.
func (s *signals) trained() {
	s.mu.Lock()
	s.graceful = false
	s.mu.Unlock()
	if testPauseBeforeReport != "" {
		pauseForTest(testPauseBeforeReport)
	}
}

// testPauseBeforeReport, set only in the tests' build of study
// (-ldflags -X), names a named pipe that study run reads to its end once
// training is over, before its report stage, so that a test can signal
// it there without timing anything.
var testPauseBeforeReport string

// pauseForTest reads the named pipe at path to its end.
func pauseForTest(path string) {
	if f, err := os.Open(path); err == nil {
		io.Copy(io.Discard, f)
		f.Close()
	}
}

// errReported marks an error whose message was already printed.
var errReported = errors.New("reported")

// usageError is a bad command line.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }
func (e *usageError) BadInput()     {}

func newFlags(name, args string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	// A parse error is returned and printed once, by run, after the usage;
	// the flag package would print it a first time to its output.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: study %s %s\n", name, args)
		fs.SetOutput(stderr)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	return fs
}

// parse parses flags and wants exactly n positional arguments; flags may
// come before or after them.
func parse(fs *flag.FlagSet, args []string, n int) ([]string, error) {
	return parseRange(fs, args, n, n)
}

// parseRange is parse for lo to hi positional arguments (hi < 0: no
// limit). Flags may come before, between or after the positional
// arguments; after "--" every argument is positional.
func parseRange(fs *flag.FlagSet, args []string, lo, hi int) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, &usageError{err.Error()}
		}
		rest := fs.Args()
		if endedFlags(fs, args[:len(args)-len(rest)]) {
			pos = append(pos, rest...)
			break
		}
		if len(rest) == 0 {
			break
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
	switch {
	case lo == hi && len(pos) != lo:
		fs.Usage()
		return nil, &usageError{fmt.Sprintf("%s: want %d argument(s), got %d", fs.Name(), lo, len(pos))}
	case len(pos) < lo || (hi >= 0 && len(pos) > hi):
		fs.Usage()
		return nil, &usageError{fmt.Sprintf("%s: want at least %d argument(s), got %d", fs.Name(), lo, len(pos))}
	}
	return pos, nil
}

// endedFlags reports whether the arguments that fs.Parse consumed end
// with the "--" that ends the flags, rather than with "--" given as the
// value of a flag ("--results --").
func endedFlags(fs *flag.FlagSet, consumed []string) bool {
	n := len(consumed)
	if n == 0 || consumed[n-1] != "--" {
		return false
	}
	if n == 1 {
		return true
	}
	prev := consumed[n-2]
	name := strings.TrimLeft(prev, "-")
	if !strings.HasPrefix(prev, "-") || strings.Contains(name, "=") {
		return true
	}
	f := fs.Lookup(name)
	if f == nil {
		return true
	}
	if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
		return true
	}
	return false // "--" was prev's value
}

func cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer, trained func()) error {
	fs := newFlags("run", "SPEC", stderr)
	var o study.RunOptions
	var shard string
	fs.StringVar(&o.Results, "results", "results", "parent folder of the study's results folder")
	fs.IntVar(&o.Workers, "workers", 0, "runs trained at once (default GOMAXPROCS)")
	fs.BoolVar(&o.Force, "force", false, "retrain runs that already finished")
	fs.BoolVar(&o.RetryFailed, "retry-failed", false, "retrain runs recorded as failed")
	fs.IntVar(&o.MaxRuns, "max-runs", study.DefaultMaxRuns, "refuse grids with more runs than this")
	fs.StringVar(&shard, "shard", "", "run only shard I of N of the grid, written I/N (0-based)")
	fs.BoolVar(&o.NoReport, "no-report", false, "train only; skip metrics and the report")
	mo := metricsFlags(fs, stderr)
	pos, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	if o.Metrics, err = mo("run"); err != nil {
		return err
	}
	if o.Shard, err = study.ParseShard(shard); err != nil {
		return &usageError{"run: --shard: " + err.Error()}
	}
	if err := atLeast("run", "workers", o.Workers, 0); err != nil {
		return err
	}
	if err := atLeast("run", "max-runs", o.MaxRuns, 1); err != nil {
		return err
	}
	if f, ok := stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		o.Terminal = true
	}
	o.Trained = trained
	return study.Run(ctx, pos[0], o, stdout, stderr)
}

func cmdValidate(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("validate", "SPEC", stderr)
	maxRuns := fs.Int("max-runs", study.DefaultMaxRuns, "refuse grids with more runs than this")
	pos, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	if err := atLeast("validate", "max-runs", *maxRuns, 1); err != nil {
		return err
	}
	return study.Validate(pos[0], *maxRuns, stdout)
}

// metricsFlags registers the flags of the metrics stage on fs and returns
// a function that checks them after parsing and returns the options for
// command cmd. --bootstrap and --permutations mean what they say: their
// defaults are the numbers, -1 turns the intervals or p-values off, and 0
// or less than -1 is a usage error (exit 2).
func metricsFlags(fs *flag.FlagSet, stderr io.Writer) func(cmd string) (metrics.Options, error) {
	// A line on stderr for each slow stage after training, so the
	// metrics and the report are not a silence; stdout holds the summary.
	o := metrics.Options{Progress: func(stage string) { fmt.Fprintf(stderr, "study: %s …\n", stage) }}
	fs.IntVar(&o.Bootstrap, "bootstrap", metrics.DefaultBootstrap, "paired-bootstrap replicates behind every 95% interval; -1 turns the intervals off")
	fs.IntVar(&o.Permutations, "permutations", metrics.DefaultPermutations, "permutations behind every p-value (floor 1/(N+1)); -1 turns the p-values off")
	fs.IntVar(&o.HomogenizationK, "homogenization-k", metrics.DefaultHomogenizationK, "group size k of homogenization H_k (at least 2)")
	return func(cmd string) (metrics.Options, error) {
		for _, f := range []struct {
			name string
			v    int
		}{{"bootstrap", o.Bootstrap}, {"permutations", o.Permutations}} {
			if f.v == 0 || f.v < -1 {
				return o, &usageError{fmt.Sprintf("%s: --%s %d: want at least 1, or -1 to turn it off", cmd, f.name, f.v)}
			}
		}
		return o, atLeast(cmd, "homogenization-k", o.HomogenizationK, 2)
	}
}

// atLeast refuses a flag value below min as a usage error (exit 2).
func atLeast(cmd, flag string, v, min int) error {
	if v < min {
		return &usageError{fmt.Sprintf("%s: --%s %d: want at least %d", cmd, flag, v, min)}
	}
	return nil
}

func cmdAnalyze(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("analyze", "PRED --out DIR [--meta models.csv] [--features DIR]", stderr)
	out := fs.String("out", "", "folder for metrics.json and the report (required)")
	mo := metricsFlags(fs, stderr)
	o := analyzeFlags(fs)
	pos, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	if *out == "" {
		return &usageError{"analyze: --out DIR is required"}
	}
	if o.Metrics, err = mo("analyze"); err != nil {
		return err
	}
	return study.AnalyzeWith(pos[0], *out, *o, stdout, stderr)
}

// cmdReport serves report and merge, which are one operation: regenerate
// everything from the runs a folder holds, whichever shards wrote them.
func cmdReport(name string, args []string, stdout, stderr io.Writer) error {
	fs := newFlags(name, "DIR", stderr)
	var o study.ReportOptions
	fs.BoolVar(&o.AllowPartial, "allow-partial", false, "report a folder that holds only part of its grid, with a banner (otherwise exit 1)")
	mo := metricsFlags(fs, stderr)
	pos, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	if o.Metrics, err = mo(name); err != nil {
		return err
	}
	return study.Report(pos[0], o, stdout)
}

func cmdRuns(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("runs", "DIR", stderr)
	tsv := fs.Bool("tsv", false, "tab-separated lines with a header, for scripts")
	pos, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	return study.Runs(pos[0], *tsv, stdout, stderr)
}

func cmdExtract(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("extract", "DIR [RUN...] --out OUT", stderr)
	out := fs.String("out", "", "folder to write one folder per run into (required)")
	pos, err := parseRange(fs, args, 1, -1)
	if err != nil {
		return err
	}
	if *out == "" {
		return &usageError{"extract: --out OUT is required"}
	}
	return study.Extract(pos[0], *out, pos[1:], stdout, stderr)
}

func cmdExport(args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
		fmt.Fprint(stdout, "usage: study export slurm|k8s SPEC --shards N [flags]\n\nRun 'study export slurm -h' or 'study export k8s -h' for the flags.\n")
		return nil
	}
	if len(args) == 0 || (args[0] != "slurm" && args[0] != "k8s") {
		fmt.Fprint(stderr, "usage: study export slurm|k8s SPEC --shards N [flags]\n")
		return &usageError{"export: want an engine, slurm or k8s"}
	}
	engine, args := args[0], args[1:]
	fs := newFlags("export "+engine, "SPEC --shards N", stderr)
	var j export.Job
	fs.IntVar(&j.Shards, "shards", 1, "number of shards, one task each")
	fs.IntVar(&j.Workers, "workers", 0, "--workers of each task (default: one per CPU given to it)")
	fs.StringVar(&j.Command, "study", export.DefaultCommand, "the study executable, as the tasks see it")
	maxRuns := fs.Int("max-runs", study.DefaultMaxRuns, "refuse grids with more runs than this")
	var so export.SlurmOptions
	var ko export.K8sOptions
	if engine == "slurm" {
		fs.IntVar(&j.Parallel, "parallel", 0, "tasks running at once (default no limit)")
		fs.StringVar(&j.Results, "results", export.DefaultResults, "parent of the results folder, as the tasks see it")
		fs.StringVar(&so.Partition, "partition", "", "Slurm partition (default the cluster's)")
		fs.StringVar(&so.Time, "time", "", "time limit per task, e.g. 2:00:00 (default the partition's)")
		fs.IntVar(&so.CPUsPerTask, "cpus-per-task", 0, "CPUs per task (default 1)")
		fs.StringVar(&so.Output, "output", export.DefaultSlurmOutput, "log file pattern of each task")
		fs.IntVar(&so.SignalLead, "signal-lead", 120, "seconds before the time limit at which study is sent SIGTERM")
	} else {
		fs.IntVar(&j.Parallel, "parallelism", 0, "pods running at once (default all shards)")
		fs.StringVar(&j.Results, "results", export.DefaultK8sResults, "mount path of the results volume in the container")
		fs.StringVar(&ko.Image, "image", "", "container image holding the study binary (required)")
		fs.StringVar(&ko.Name, "name", "", "Job name (default study-<spec name>)")
		fs.StringVar(&ko.Namespace, "namespace", "", "namespace (default kubectl's)")
		fs.StringVar(&ko.PVC, "pvc", export.DefaultPVC, "PersistentVolumeClaim holding the results")
		fs.IntVar(&ko.BackoffLimitPerIndex, "backoff-limit-per-index", 2, "retries of each shard's pod")
		fs.IntVar(&ko.CPU, "cpus", 1, "CPUs requested per pod (0: no request)")
		fs.StringVar(&ko.Memory, "memory", "", "memory requested per pod, e.g. 2Gi")
		fs.IntVar(&ko.GracePeriod, "grace-period", 120, "seconds a pod has to stop after SIGTERM")
	}
	pos, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	if err := atLeast("export", "max-runs", *maxRuns, 1); err != nil {
		return err
	}
	if err := atLeast("export", "workers", j.Workers, 0); err != nil {
		return err
	}
	parallel := map[string]string{"slurm": "parallel", "k8s": "parallelism"}[engine]
	if err := atLeast("export", parallel, j.Parallel, 0); err != nil {
		return err
	}
	if engine == "slurm" {
		// The library reads 0 as its default; on the command line the
		// default is spelled out, so 0 is a mistake, not a request for it.
		if err := atLeast("export", "signal-lead", so.SignalLead, 1); err != nil {
			return err
		}
	}
	st, err := export.Open(pos[0], *maxRuns)
	if err != nil {
		return err
	}
	if engine == "slurm" {
		so.Job = j
		return export.WriteSlurm(stdout, st, so)
	}
	ko.Job = j
	return export.WriteKubernetes(stdout, st, ko)
}
