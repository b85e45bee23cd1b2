package study

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/study-harness/study/report"
	"github.com/study-harness/study/study/metrics"
	"github.com/study-harness/study/study/predmat"
	"github.com/study-harness/study/study/store"
)

// AnalyzeOptions are what AnalyzeWith is told about predictions made
// elsewhere, besides the predictions themselves.
type AnalyzeOptions struct {
	// Meta is a models file (predmat.ReadMeta): one row per model, a
	// column per factor. Without it, model names written as study's own
	// "key=value key=value" are read as factors (predmat.ConfigsFromNames).
	Meta string
	// Replicates names the factors that are replicates (random seeds).
	// Nil means the default: the factors named as study's own seed axes
	// (metrics.SeedAxes: seed, init_seed, …); an empty non-nil list means
	// none. Each must be a factor.
	Replicates []string
	// Features and Logits are folders of one "<model>.npy" per model, N×D
	// (predmat.ReadLayerDir); "" means none.
	Features, Logits string
	// Metrics are the settings of the metrics stage.
	Metrics metrics.Options
}

// AnalyzeWith reads predictions written by any framework, in any format
// predmat.ReadFile recognises, adds the factors, replicates, features
// and logits that o gives, and writes metrics.json and the report into
// outDir.
func AnalyzeWith(path, outDir string, o AnalyzeOptions, stdout, stderr io.Writer) error {
	x, format, mismatch, err := predmat.ReadFileChecked(path)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
		return &InputError{err}
	}
	if err != nil {
		return err
	}
	an := &report.Analyzed{Source: filepath.Base(path), Format: string(format)}
	if err := addFactors(x, o, an); err != nil {
		return err
	}
	for _, l := range []struct{ dir, kind string }{{o.Features, "features"}, {o.Logits, "logits"}} {
		if l.dir == "" {
			continue
		}
		if err := predmat.ReadLayerDir(x, l.dir, l.kind, 0); err != nil {
			var pe *predmat.ParseError
			if !errors.As(err, &pe) {
				err = &InputError{fmt.Errorf("--%s %s: %w", l.kind, l.dir, err)}
			}
			return err
		}
		vals := x.Features
		if l.kind == "logits" {
			vals = x.Logits
		}
		n := 0
		for _, v := range vals {
			if v != nil {
				n++
			}
		}
		if l.kind == "features" {
			an.Features = n
		} else {
			an.Logits = n
		}
		an.LayerInstances = len(x.FeatureIdx)
	}
	// A study's results folder has its own metrics.json and report, made
	// from its runs under its lock: analyze must not replace them.
	for _, name := range []string{store.ManifestFile, store.RunsDir} {
		if _, err := os.Stat(filepath.Join(outDir, name)); err == nil {
			return &InputError{fmt.Errorf("--out %s: a study's results folder (it holds %s), whose metrics.json and report analyze would overwrite; choose another folder, or run study report %s", outDir, name, outDir)}
		}
	}
	if err := makeOutDir("--out", outDir); err != nil {
		return err
	}
	return measure(outDir, x, an, o.Metrics, stdout, predNotes(path, x, mismatch, stderr)...)
}

// addFactors sets x.Configs and x.Replicates from o.Meta or the model
// names, and records them in an.
func addFactors(x *predmat.Matrix, o AnalyzeOptions, an *report.Analyzed) error {
	if o.Meta != "" {
		f, err := os.Open(o.Meta)
		if err != nil {
			return &InputError{fmt.Errorf("--meta: %w", err)}
		}
		x.Configs, err = predmat.ReadMeta(o.Meta, f, x.Models)
		f.Close()
		if err != nil {
			return err
		}
		an.Meta = filepath.Base(o.Meta)
	} else if c := predmat.ConfigsFromNames(x.Models); c != nil {
		x.Configs = c
		an.FactorsFromNames = true
	}
	var factors []string
	for _, c := range x.Configs {
		for k := range c {
			if !slices.Contains(factors, k) {
				factors = append(factors, k)
			}
		}
	}
	slices.Sort(factors)
	an.Factors = factors
	if o.Replicates == nil {
		for _, k := range factors {
			if slices.Contains(metrics.SeedAxes, k) {
				an.Replicates = append(an.Replicates, k)
			}
		}
		return nil
	}
	for _, k := range o.Replicates {
		if !slices.Contains(factors, k) {
			what := "the models have no factors (give --meta)"
			if len(factors) > 0 {
				what = fmt.Sprintf("the factors are %v", factors)
			}
			return &InputError{fmt.Errorf("--replicates: %q is not a factor: %s", k, what)}
		}
	}
	x.Replicates = slices.Clone(o.Replicates)
	an.Replicates = x.Replicates
	return nil
}

// factorAxes lists the factors of configs, sorted, each with its values
// in order of first appearance (the columns of the report's runs table).
func factorAxes(configs []map[string]string) []report.Axis {
	var keys []string
	for _, c := range configs {
		for k := range c {
			if !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	slices.Sort(keys)
	var axes []report.Axis
	for _, k := range keys {
		a := report.Axis{Key: k}
		for _, c := range configs {
			if v := c[k]; !slices.Contains(a.Values, v) {
				a.Values = append(a.Values, v)
			}
		}
		axes = append(axes, a)
	}
	return axes
}
