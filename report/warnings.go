package report

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/study-harness/study/study/metrics"
)

// chanceZ is the two-sided 99% normal quantile of the binomial band
// around the chance rate.
const chanceZ = 2.5758293035489004

// chanceNote returns a warning naming the models whose test accuracy is
// at or near chance, or "" when none is. Chance is the larger of the
// majority class's share of the test labels and 1/C; a model is near it
// when its accuracy is at most chance + z·√(chance·(1−chance)/N), z the
// 99% two-sided normal quantile: within the band a model that guesses
// would reach. Such models agree or disagree mostly by how they guess.
func (b *built) chanceNote() string {
	r := b.in.Metrics
	if r == nil || len(r.PerModel.Accuracy) == 0 || r.NInstances == 0 || r.NClasses < 1 {
		return ""
	}
	n := r.NInstances
	rate, what := 1/float64(r.NClasses), fmt.Sprintf("1/C with C = %d", r.NClasses)
	if x := b.in.Matrix; x != nil && x.N() == n {
		counts := make([]int, x.Classes)
		for _, l := range x.Labels {
			counts[l]++
		}
		if share := float64(slices.Max(counts)) / float64(n); share > rate {
			rate, what = share, fmt.Sprintf("the majority class's share of the %d test labels", n)
		}
	}
	bound := rate + chanceZ*math.Sqrt(rate*(1-rate)/float64(n))
	var near []string
	for m, acc := range r.PerModel.Accuracy {
		if !math.IsNaN(acc) && acc <= bound && m < len(r.Models) {
			near = append(near, fmt.Sprintf("%s %s", r.Models[m], percent(acc)))
		}
	}
	if len(near) == 0 {
		return ""
	}
	ex := near
	if len(ex) > 3 {
		ex = append(ex[:3:3], "…")
	}
	return noControl(fmt.Sprintf("%d of %d models %s at or near chance accuracy (%s): at most %s, the upper end of the 99%% binomial band around chance %s (%s, N = %d). Their agreement reflects how they guess, not what they learned; consider leaving them out.",
		len(near), len(r.PerModel.Accuracy), plural(len(near), "is", "are"), strings.Join(ex, ", "), percent(bound), percent(rate), what, n))
}

// seedCopyNote returns a warning when runs that differ only in replicate
// fields (seeds) have identical predictions — a deterministic fitter such
// as knn, tree or naive_bayes under several seeds — or "" when none do.
// Such copies are one model: the metrics leave them out of the seed
// pairs (generalisation–disagreement, the seed noise floor, the pairs of
// a seed axis).
func (b *built) seedCopyNote() string {
	if b.in.Metrics == nil {
		return ""
	}
	var groups []duplicateGroup
	if !decodeExtra(b.in.Metrics.Extra["duplicates"], &groups) {
		return ""
	}
	reps := metrics.SeedAxes
	if a := b.in.Analyzed; a != nil {
		reps = a.Replicates
	}
	configs := b.modelConfigs()
	var where []string
	runs, fields := 0, []string{}
	for _, g := range groups {
		if len(g.Fields) == 0 || slices.ContainsFunc(g.Fields, func(f string) bool { return !slices.Contains(reps, f) }) {
			continue
		}
		runs += len(g.Models)
		for _, f := range g.Fields {
			if !slices.Contains(fields, f) {
				fields = append(fields, f)
			}
		}
		if w := sharedValues(configs, g.Indices, g.Fields); w != "" && !slices.Contains(where, w) {
			where = append(where, w)
		} else if w == "" && !slices.Contains(where, g.Models[0]) {
			where = append(where, g.Models[0])
		}
	}
	if runs == 0 {
		return ""
	}
	return noControl(fmt.Sprintf("%s varies, but the runs of %s are identical across it (a deterministic fitter such as knn, tree or naive_bayes ignores the seed): %d runs are not seed replicates. Each such group counts as one model in the generalisation–disagreement view, the seed noise floor and the pairs of the seed axis; vary the data order or a subsample to get replicates.",
		strings.Join(fields, ", "), strings.Join(where, "; "), runs))
}

// warnings returns the notes of this file, each prefixed for the
// terminal and the report.
func (b *built) warnings() []string {
	var out []string
	if s := b.chanceNote(); s != "" {
		out = append(out, "near chance: "+s)
	}
	if s := b.seedCopyNote(); s != "" {
		out = append(out, "seed copies: "+s)
	}
	return out
}

// withWarnings returns the section data of f with the warnings first, as
// paragraphs.
func withWarnings(f func(b *built) (any, error)) func(b *built) (any, error) {
	return func(b *built) (any, error) {
		v, err := f(b)
		blocks, ok := v.([]block)
		notes := b.warnings()
		if err != nil || !ok || len(notes) == 0 {
			return v, err
		}
		var out []block
		for _, n := range notes {
			out = append(out, para("Warning, "+n))
		}
		return append(out, blocks...), nil
	}
}

// writeWarnings writes each warning as a line of the terminal summary.
func (b *built) writeWarnings(w io.Writer) error {
	for _, n := range b.warnings() {
		if _, err := fmt.Fprintln(w, "warning: "+n); err != nil {
			return err
		}
	}
	return nil
}
