package report

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// duplicateGroup is one group of models whose predictions are identical
// (metrics.json "duplicates"): one model under several names.
type duplicateGroup struct {
	Models  []string `json:"models"`
	Indices []int    `json:"indices"`
	// Fields are the configuration fields in which the group's runs
	// differ: fields that had no effect on them.
	Fields []string `json:"fields"`
}

// duplicateNotes returns one warning per set of fields that had no effect
// (groups of identical models that differ in the same fields), for the
// terminal summary and the report, or nil when every model is distinct
// or the metrics carry no "duplicates" member. A note names the fields
// and the values they took, the configuration values every run of those
// groups shares ("where arch=logreg") among the fields that vary in the
// study, how many runs are how many models, and one example.
func (b *built) duplicateNotes() []string {
	if b.in.Metrics == nil {
		return nil
	}
	var groups []duplicateGroup
	if !decodeExtra(b.in.Metrics.Extra["duplicates"], &groups) || len(groups) == 0 {
		return nil
	}
	configs := b.modelConfigs()
	var order []string
	byFields := map[string][]duplicateGroup{}
	for _, g := range groups {
		k := strings.Join(g.Fields, ", ")
		if _, ok := byFields[k]; !ok {
			order = append(order, k)
		}
		byFields[k] = append(byFields[k], g)
	}
	var out []string
	for _, k := range order {
		gs := byFields[k]
		runs := 0
		var members []int
		for _, g := range gs {
			runs += len(g.Models)
			members = append(members, g.Indices...)
		}
		example := strings.Join(gs[0].Models, " = ")
		models := fmt.Sprintf("%d runs are %d models", runs, len(gs))
		if len(gs) == 1 {
			models = fmt.Sprintf("these %d runs are the same model", runs)
		}
		if k == "" {
			out = append(out, noControl(fmt.Sprintf("identical predictions: %s (%s); every pair of them agrees by construction.", models, example)))
			continue
		}
		var vals []string
		for _, f := range gs[0].Fields {
			vals = append(vals, f+": "+strings.Join(fieldValues(configs, members, f), ", "))
		}
		where := ""
		if c := sharedValues(configs, members, gs[0].Fields); c != "" {
			where = " where " + c
		}
		out = append(out, noControl(fmt.Sprintf("%s had no effect%s (%s): %s with byte-identical predictions (e.g. %s); each pair of them agrees perfectly (disagreement 0, κ 1) in every mean that includes it.",
			k, where, strings.Join(vals, "; "), models, example)))
	}
	return out
}

// modelConfigs returns each model's configuration (Matrix.Configs when
// they match the models, else the run of the same name), nil entries when
// unknown.
func (b *built) modelConfigs() []map[string]string {
	in := b.in
	out := make([]map[string]string, len(in.Models))
	if in.Matrix != nil && len(in.Matrix.Configs) == len(in.Models) {
		copy(out, in.Matrix.Configs)
		return out
	}
	byName := map[string]map[string]string{}
	for _, r := range in.Runs {
		byName[r.Name] = r.Config
	}
	for m, name := range in.Models {
		out[m] = byName[name]
	}
	return out
}

// fieldValues returns the distinct values of field f among the members,
// in order of first appearance.
func fieldValues(configs []map[string]string, members []int, f string) []string {
	var out []string
	for _, m := range members {
		if m < len(configs) && configs[m] != nil && !slices.Contains(out, configs[m][f]) {
			out = append(out, configs[m][f])
		}
	}
	return out
}

// sharedValues returns "k=v, k=v" for the fields, other than skip, that
// vary among all models but take one value over the members: where the
// skipped fields had no effect.
func sharedValues(configs []map[string]string, members []int, skip []string) string {
	var keys []string
	for _, c := range configs {
		for k := range c {
			if !slices.Contains(keys, k) && !slices.Contains(skip, k) {
				keys = append(keys, k)
			}
		}
	}
	slices.Sort(keys)
	var parts []string
	for _, k := range keys {
		if len(fieldValues(configs, allModels(configs), k)) < 2 {
			continue
		}
		if v := fieldValues(configs, members, k); len(v) == 1 {
			parts = append(parts, k+"="+v[0])
		}
	}
	return strings.Join(parts, ", ")
}

func allModels(configs []map[string]string) []int {
	out := make([]int, len(configs))
	for i := range out {
		out[i] = i
	}
	return out
}

// withDuplicates returns the section data of f with the duplicate-model
// warnings first, as paragraphs.
func withDuplicates(f func(b *built) (any, error)) func(b *built) (any, error) {
	return func(b *built) (any, error) {
		v, err := f(b)
		blocks, ok := v.([]block)
		notes := b.duplicateNotes()
		if err != nil || !ok || len(notes) == 0 {
			return v, err
		}
		var out []block
		for _, n := range notes {
			out = append(out, para("Duplicate models: "+n))
		}
		return append(out, blocks...), nil
	}
}

// writeDuplicateWarnings writes each duplicate-model note as a warning
// line of the terminal summary.
func (b *built) writeDuplicateWarnings(w io.Writer) error {
	for _, n := range b.duplicateNotes() {
		if _, err := fmt.Fprintln(w, "warning: duplicate models: "+n); err != nil {
			return err
		}
	}
	return nil
}
