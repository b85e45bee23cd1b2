package grid

import (
	"fmt"
	"strings"

	"github.com/study-harness/study/models"
	"github.com/study-harness/study/study/spec"
)

// refuseTwins refuses two runs that train the same model under two names:
// runs whose configs, as training reads them (spec.Config.Used), are
// equal although their axis values differ. That happens when an axis
// sweeps a field that a run's architecture, optimizer or schedule does
// not read (widths for logreg, gamma without the step schedule, momentum
// 0.9 and an unset one for momentum), and would show as perfect agreement
// in the metrics. The error is at the axis value of the second run that
// makes the difference, and says which exclude entry drops it.
func refuseTwins(s *spec.Spec, runs []Run) error {
	if !mayTwin(s) {
		return nil
	}
	seen := make(map[string]int, len(runs))
	for i := range runs {
		key := string(Canonical(runs[i].Config.Used()))
		j, dup := seen[key]
		if !dup {
			seen[key] = i
			continue
		}
		a, b := &runs[j], &runs[i]
		var keys, entry []string
		field := ""
		for k, kv := range b.Values {
			if k < len(a.Values) && a.Values[k] != kv {
				keys = append(keys, kv.Key)
				if field == "" {
					field = kv.Key
				}
			}
		}
		for _, kv := range b.Values {
			entry = append(entry, kv.Key+": "+yamlText(kv.Value))
		}
		err := &models.FieldError{Field: field, Msg: fmt.Sprintf(
			"runs %q and %q train the same model: they differ only in %s, which the run does not use (its arch, optimizer or schedule ignores it, or the value is the default); drop one, e.g. exclude: [{%s}]",
			a.Name, b.Name, strings.Join(keys, ", "), strings.Join(entry, ", "))}
		return s.RunError(b.Name, func(key string) (string, bool) {
			for _, kv := range b.Values {
				if kv.Key == key {
					return kv.Value, true
				}
			}
			return "", false
		}, err)
	}
	return nil
}

// mayTwin reports whether an axis of s sets a key that spec.Config.Used
// may clear or rewrite: only then can two runs of distinct axis values be
// twins. It spares the check, a canonical encoding per run, to grids of
// seeds and learning rates, which are the large ones.
func mayTwin(s *spec.Spec) bool {
	for _, a := range s.Axes {
		for _, key := range a.Keys {
			if spec.UsedMayChange(key) {
				return true
			}
		}
	}
	return false
}

// yamlText writes a readable value as YAML for an exclude entry: a list
// value joined by "+" as a list.
func yamlText(v string) string {
	if strings.Contains(v, "+") {
		return "[" + strings.ReplaceAll(v, "+", ", ") + "]"
	}
	return v
}
