// Command study runs homogeneity studies of machine-learning models.
//
//	study run SPEC          train a sweep grid, then measure and report
//	study validate SPEC     check a spec and print its grid
//	study analyze PRED.csv  measure predictions made by any framework
//	study report DIR        regenerate metrics and report from stored results
//	study merge DIR         combine the shards of a study
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
	"syscall"

	"golang.org/x/term"

	"github.com/study-harness/study/study"
)

const usage = `usage: study <command> [flags] [args]

commands:
  run SPEC          train the grid of SPEC, then write metrics and the report
  validate SPEC     check SPEC and print its axes and grid size
  analyze PRED.csv  measure predictions from any framework (--out DIR)
  report DIR        regenerate metrics.json and the report from DIR
  merge DIR         combine the shards of a study in DIR, then report

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
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	switch cmd, rest := args[0], args[1:]; cmd {
	case "run":
		err = cmdRun(ctx, rest, stdout, stderr)
	case "validate":
		err = cmdValidate(rest, stdout, stderr)
	case "analyze":
		err = cmdAnalyze(rest, stdout, stderr)
	case "report":
		err = cmdReport(rest, stdout, stderr)
	case "merge":
		err = cmdMerge(rest, stdout, stderr)
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

// errReported marks an error whose message was already printed.
var errReported = errors.New("reported")

// usageError is a bad command line.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }
func (e *usageError) BadInput()     {}

func newFlags(name, args string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: study %s %s\n", name, args)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses flags and wants exactly n positional arguments; flags may
// come before or after them.
func parse(fs *flag.FlagSet, args []string, n int) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, &usageError{err.Error()}
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	if len(pos) != n {
		fs.Usage()
		return nil, &usageError{fmt.Sprintf("%s: want %d argument(s), got %d", fs.Name(), n, len(pos))}
	}
	return pos, nil
}

func cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer) error {
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
	pos, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	if o.Shard, err = study.ParseShard(shard); err != nil {
		return &usageError{"run: --shard: " + err.Error()}
	}
	if f, ok := stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		o.Terminal = true
	}
	return study.Run(ctx, pos[0], o, stdout, stderr)
}

func cmdValidate(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("validate", "SPEC", stderr)
	maxRuns := fs.Int("max-runs", study.DefaultMaxRuns, "refuse grids with more runs than this")
	pos, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	return study.Validate(pos[0], *maxRuns, stdout)
}

func cmdAnalyze(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("analyze", "PRED.csv --out DIR", stderr)
	out := fs.String("out", "", "folder for metrics.json and the report (required)")
	pos, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	if *out == "" {
		return &usageError{"analyze: --out DIR is required"}
	}
	return study.Analyze(pos[0], *out, stdout)
}

func cmdReport(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("report", "DIR", stderr)
	pos, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	return study.Report(pos[0], stdout)
}

func cmdMerge(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("merge", "DIR", stderr)
	pos, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	return study.Report(pos[0], stdout)
}
