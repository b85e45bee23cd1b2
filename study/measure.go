package study

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/study-harness/study/report"
	"github.com/study-harness/study/study/metrics"
	"github.com/study-harness/study/study/predmat"
	"github.com/study-harness/study/study/store"
)

// measure runs stages 5 and 6 on a prediction matrix: metrics.json, the
// report, its figures and the terminal summary, all into dir, measured
// with opts. an describes predictions given to analyze (nil for a study's
// own runs); notes are further report sections (input warnings).
func measure(dir string, x *predmat.Matrix, an *report.Analyzed, opts metrics.Options, stdout io.Writer, notes ...report.Section) error {
	res, err := metrics.Compute(x, withPrefix(opts, "metrics: "))
	if err != nil {
		return err
	}
	evalNames, shifted, lines, err := shiftResults(dir, res, opts)
	if err != nil {
		return err
	}
	if shifted != nil {
		if res.Extra == nil {
			res.Extra = map[string]any{}
		}
		res.Extra["eval_sets"] = shifted
		res.Extra["agreement_on_the_line"] = lines
	}
	sh := metrics.Sharing(x, opts) // component sharing
	if sh != nil {
		if res.Extra == nil {
			res.Extra = map[string]any{}
		}
		res.Extra["sharing"] = sh
	}
	transfers, err := robustness(dir, x, res, opts)
	if err != nil {
		return err
	}
	if err := metrics.WriteJSON(filepath.Join(dir, store.MetricsFile), res); err != nil {
		return err
	}
	in, err := reportInput(dir, x, res)
	if err != nil {
		return err
	}
	in.Analyzed = an
	if shifted != nil {
		in.Sections = append(in.Sections, report.ShiftSection(res, evalNames, shifted))
	}
	if sh != nil {
		in.Sections = append(in.Sections, report.SharingSection(sh))
	}
	in.Sections = append(in.Sections, report.InterpretabilitySections(res, x)...)
	if g, ok := report.GroupsSection(res); ok {
		in.Sections = append(in.Sections, g)
	}
	in.Sections = append(in.Sections, notes...)
	if in.AdvPictures, err = advPictures(dir, x, transfers); err != nil {
		return err
	}
	say(opts, "report: figures, tables and the page")
	// One call for the page and the paper files: each figure is rendered
	// once and written as soon as it is drawn.
	if err := report.Write(dir, filepath.Join(dir, store.ReportFile), in); err != nil {
		return err
	}
	if err := report.Summary(stdout, in); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "report: %s\n", filepath.Join(dir, store.ReportFile))
	return nil
}

// reportInput gathers what the report shows from the results folder (when
// it holds a study) and the measured matrix.
func reportInput(dir string, x *predmat.Matrix, res *metrics.Result) (*report.Input, error) {
	in := &report.Input{
		Title:   filepath.Base(filepath.Clean(dir)),
		Matrix:  x,
		Metrics: res,
	}
	entries, err := store.ReadManifest(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		// Predictions from elsewhere: one run per model, with the factors
		// analyze was given.
		for m, name := range x.Models {
			r := report.Run{
				Name: name, Status: store.StatusOK,
				TestAccuracy: res.PerModel.Accuracy[m], ValAccuracy: math.NaN(),
			}
			if x.Configs != nil {
				r.Config = x.Configs[m]
			}
			in.Runs = append(in.Runs, r)
		}
		in.Axes = factorAxes(x.Configs)
		return in, nil
	case err != nil:
		return nil, err
	}
	if b, err := os.ReadFile(filepath.Join(dir, store.SpecFile)); err == nil {
		in.SpecYAML = string(b)
	}
	var env store.Environment
	if err := store.ReadJSON(filepath.Join(dir, store.EnvironmentFile), &env); err == nil {
		in.Environment = envMap(env)
	}
	in.Axes = axesOf(entries)
	stored, err := store.OpenRuns(dir)
	if err != nil {
		return nil, err
	}
	defer stored.Close()
	missing := 0 // runs of the grid with no record
	for _, e := range entries {
		r := report.Run{Name: e.Name, ID: e.ID, Config: map[string]string{}, TestAccuracy: math.NaN(), ValAccuracy: math.NaN(), Resolved: e.Config}
		for _, kv := range e.Values {
			r.Config[kv.Key] = kv.Value
		}
		var rec *store.Record
		run, err := stored.Get(e.ID)
		if err == nil {
			rec = run.Record
		}
		switch {
		case errors.Is(err, fs.ErrNotExist):
			r.Status, r.Reason = report.StatusSkipped, "not trained yet (interrupted, or another shard's run)"
			missing++
		case err != nil:
			return nil, err
		default:
			r.Status, r.Reason, r.WallSeconds, r.Loss, r.TrainRows = rec.Status, rec.Reason, rec.WallSeconds, rec.Loss, rec.TrainRows
			if rec.Status == store.StatusOK {
				r.TestAccuracy = rec.TestAccuracy
				if n := len(rec.ValAccuracy); n > 0 {
					r.ValAccuracy = rec.ValAccuracy[n-1]
				}
			}
		}
		in.Runs = append(in.Runs, r)
	}
	if missing > 0 { // study merge --allow-partial
		in.Partial = &report.Partial{Runs: len(in.Runs) - missing, Of: len(in.Runs)}
	}
	return in, nil
}

// axesOf lists the keys of the runs' axis values, in manifest order, each
// with its distinct values in order of first appearance.
func axesOf(entries []store.Entry) []report.Axis {
	var axes []report.Axis
	pos := map[string]int{}
	seen := map[string]map[string]bool{}
	for _, e := range entries {
		for _, kv := range e.Values {
			i, ok := pos[kv.Key]
			if !ok {
				i = len(axes)
				pos[kv.Key] = i
				axes = append(axes, report.Axis{Key: kv.Key})
				seen[kv.Key] = map[string]bool{}
			}
			if !seen[kv.Key][kv.Value] {
				seen[kv.Key][kv.Value] = true
				axes[i].Values = append(axes[i].Values, kv.Value)
			}
		}
	}
	return axes
}

func envMap(e store.Environment) map[string]string {
	m := map[string]string{
		"go":         e.GoVersion,
		"cpu":        e.CPU,
		"os/arch":    e.GOOS + "/" + e.GOARCH,
		"gomaxprocs": fmt.Sprint(e.GOMAXPROCS),
		"workers":    fmt.Sprint(e.Workers),
		"start":      e.Start,
		"git commit": e.GitCommit,
	}
	if e.GitDirty {
		m["git commit"] += " (dirty)"
	}
	// The modules that shape results; environment.json lists them all.
	var mods []string
	for _, k := range []string{"gonum.org/v1/gonum", "gonum.org/v1/plot", "golang.org/x/sync", "go.yaml.in/yaml/v3"} {
		if v, ok := e.Modules[k]; ok {
			mods = append(mods, k+" "+v)
		}
	}
	m["modules"] = strings.Join(mods, ", ")
	return m
}

// withPrefix returns opts whose progress lines start with prefix.
func withPrefix(opts metrics.Options, prefix string) metrics.Options {
	if p := opts.Progress; p != nil {
		opts.Progress = func(s string) { p(prefix + s) }
	}
	return opts
}

// say reports a stage of the engine through opts.Progress, when set.
func say(opts metrics.Options, stage string) {
	if opts.Progress != nil {
		opts.Progress(stage)
	}
}
