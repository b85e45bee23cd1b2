package report

import (
	"fmt"
	"strings"
)

// Analyzed describes predictions made elsewhere and given to study
// analyze: what was given besides them. Input.Analyzed is nil for a
// study's own runs.
type Analyzed struct {
	// Source is the predictions file's name and Format its format (csv,
	// csv.gz, npz, parquet).
	Source, Format string
	// Meta is the models file's name, "" when none was given;
	// FactorsFromNames says the factors were read from model names
	// written "key=value key=value".
	Meta             string
	FactorsFromNames bool
	// Factors are the factor names, sorted; Replicates those declared
	// (or taken by default) as replicates.
	Factors, Replicates []string
	// Features and Logits count the models given features or logits, on
	// LayerInstances instances.
	Features, Logits, LayerInstances int
}

// analyzedMethods returns the methods sentences for predictions given to
// analyze: that they were analysed, not trained here, and what came with
// them.
func analyzedMethods(a *Analyzed, models int) string {
	var w strings.Builder
	fmt.Fprintf(&w, "We analysed the predictions of %d models trained elsewhere, read from %s (%s); study did not train them. ", models, noControl(a.Source), noControl(a.Format))
	switch {
	case len(a.Factors) == 0:
		fmt.Fprintf(&w, "No factors were given for the models, so what makes them disagree is not attributed. ")
	default:
		from := "a models table (" + noControl(a.Meta) + ")"
		if a.FactorsFromNames {
			from = "the model names (key=value)"
		}
		fs := make([]string, len(a.Factors))
		for i, f := range a.Factors {
			fs[i] = noControl(f)
		}
		fmt.Fprintf(&w, "Each model's factors (%s) come from %s", joinAnd(fs), from)
		if len(a.Replicates) > 0 {
			rs := make([]string, len(a.Replicates))
			for i, f := range a.Replicates {
				rs[i] = noControl(f)
			}
			fmt.Fprintf(&w, "; %s %s %s (random seeds): models that differ only there are replicates of one recipe", joinAnd(rs), plural(len(rs), "is", "are"), plural(len(rs), "a replicate factor", "replicate factors"))
		} else {
			fmt.Fprintf(&w, "; no factor is a replicate (seed), so there are no seed pairs")
		}
		fmt.Fprintf(&w, ". ")
	}
	var layers []string
	for _, l := range []struct {
		what string
		n    int
	}{{"penultimate-layer features", a.Features}, {"logits", a.Logits}} {
		if l.n > 0 {
			layers = append(layers, fmt.Sprintf("%d of the %d models came with %s", l.n, models, l.what))
		}
	}
	if len(layers) > 0 {
		fmt.Fprintf(&w, "%s, compared on %d test instances. ", joinAnd(layers), a.LayerInstances)
	}
	return w.String()
}
