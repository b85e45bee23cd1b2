package spec

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/study-harness/study/models"
)

// RolePretrain is the role of auxiliary runs: trained and cached like any
// other run, and a possible parent of others, but left out of the
// prediction matrix and the metrics.
const RolePretrain = "pretrain"

// Kinds of init, see Init.Kind.
const (
	InitScratch = "scratch" // fresh random weights (the default)
	InitShared  = "shared"  // one parent for every run: a selector without placeholders
	InitPerRun  = "per-run" // a parent per run: a selector with placeholders
)

// Init says where a run's weights start: from scratch (the zero value,
// written `init: scratch`) or from the trained weights of another run of
// the same study, written `init: {from: SELECTOR, freeze: [PREFIXES]}`.
//
// SELECTOR is space-separated key=value pairs over run fields, such as
// "role=pretrain seed=7"; it must match exactly one run of the grid. A
// value written {key} stands for this run's own value of key, so
// "role=pretrain seed={seed}" gives each run the backbone of its own seed,
// while a selector without placeholders names one backbone shared by every
// run that uses it. Freeze lists tensor-name prefixes (models.TensorNames:
// "layer0", "layer1.weight") whose parameters fine-tuning leaves unchanged.
type Init struct {
	From   string   `json:"from,omitempty"`
	Freeze []string `json:"freeze,omitempty"`
}

// IsZero reports whether i is scratch, so that `omitzero` leaves it out of
// the canonical config and the ids of runs without init do not change.
func (i Init) IsZero() bool { return i.From == "" && len(i.Freeze) == 0 }

// String is the readable form used in run names: scratch, or
// from(SELECTOR), followed by freeze(P1+P2) when something is frozen.
func (i Init) String() string {
	if i.IsZero() {
		return InitScratch
	}
	s := "from(" + i.From + ")"
	if len(i.Freeze) > 0 {
		s += " freeze(" + strings.Join(i.Freeze, "+") + ")"
	}
	return s
}

// Kind is InitScratch, InitShared (a selector without placeholders) or
// InitPerRun (a selector with a {key} placeholder).
func (i Init) Kind() string {
	switch {
	case i.From == "":
		return InitScratch
	case strings.Contains(i.From, "{"):
		return InitPerRun
	}
	return InitShared
}

// Term is one key=value pair of a selector; Placeholder is set when the
// value was written {key}, and Value then holds that key.
type Term struct {
	Key, Value  string
	Placeholder bool
}

// Selector picks runs by their run fields; see Init.
type Selector []Term

// ParseSelector reads "key=value key={other} ...": keys are run fields,
// each at most once; a placeholder names a run field.
func ParseSelector(s string) (Selector, error) {
	fields := strings.Fields(s)
	if len(fields) == 0 {
		return nil, fmt.Errorf("empty selector; want key=value pairs such as \"role=pretrain seed=7\"")
	}
	var out Selector
	seen := map[string]bool{}
	for _, f := range fields {
		k, v, ok := strings.Cut(f, "=")
		if !ok || k == "" || v == "" {
			return nil, fmt.Errorf("selector term %q is not key=value", f)
		}
		if _, ok := runField(k); !ok {
			return nil, fmt.Errorf("selector key %q is not a run field", k)
		}
		if seen[k] {
			return nil, fmt.Errorf("selector key %q appears twice", k)
		}
		seen[k] = true
		t := Term{Key: k, Value: v}
		if strings.HasPrefix(v, "{") && strings.HasSuffix(v, "}") {
			t.Value, t.Placeholder = v[1:len(v)-1], true
			if _, ok := runField(t.Value); !ok {
				return nil, fmt.Errorf("placeholder %s names no run field", v)
			}
		} else if strings.ContainsAny(v, "{}") {
			return nil, fmt.Errorf("selector value %q: a placeholder must be the whole value, like {seed}", v)
		}
		out = append(out, t)
	}
	return out, nil
}

// Bind replaces each placeholder by c's own value of its key.
func (s Selector) Bind(c Config) Selector {
	out := make(Selector, len(s))
	for i, t := range s {
		if t.Placeholder {
			t.Value, _ = c.FieldText(t.Value)
			t.Placeholder = false
		}
		out[i] = t
	}
	return out
}

// Match reports whether c has every value of s (placeholders bound).
func (s Selector) Match(c Config) bool {
	for _, t := range s {
		if v, _ := c.FieldText(t.Key); v != t.Value {
			return false
		}
	}
	return true
}

// String writes s back as key=value pairs.
func (s Selector) String() string {
	parts := make([]string, len(s))
	for i, t := range s {
		v := t.Value
		if t.Placeholder {
			v = "{" + v + "}"
		}
		parts[i] = t.Key + "=" + v
	}
	return strings.Join(parts, " ")
}

// FieldText returns the readable form of run field key of c (as in run
// names: numbers shortest, lists joined by +, the empty list none).
func (c Config) FieldText(key string) (string, bool) {
	f, ok := runField(key)
	if !ok {
		return "", false
	}
	return text(reflect.ValueOf(c).FieldByIndex(f.index)), true
}

// validateSharing checks the component-sharing fields: init, role, labels
// and positive.
func (c Config) validateSharing() error {
	if c.Init.From == "" && len(c.Init.Freeze) > 0 {
		return &models.FieldError{Field: "init", Msg: "freeze needs from: a run that starts from scratch has nothing to freeze"}
	}
	if c.Init.From != "" {
		if _, err := ParseSelector(c.Init.From); err != nil {
			return &models.FieldError{Field: "init", Msg: err.Error()}
		}
	}
	for _, p := range c.Init.Freeze {
		if p == "" || strings.ContainsAny(p, " \t") {
			return &models.FieldError{Field: "init", Msg: fmt.Sprintf("freeze prefix %q must be a non-empty tensor-name prefix such as layer0", p)}
		}
	}
	if strings.ContainsAny(c.Role, " \t\n=") {
		return &models.FieldError{Field: "role", Msg: fmt.Sprintf("role %q may not contain spaces or '='", c.Role)}
	}
	for _, f := range []struct {
		key  string
		v    []int
		minN int
	}{{"labels", c.Labels, 2}, {"positive", c.Positive, 1}} {
		if len(f.v) == 0 {
			continue
		}
		if len(f.v) < f.minN {
			return &models.FieldError{Field: f.key, Msg: fmt.Sprintf("%s needs at least %d classes", f.key, f.minN)}
		}
		s := slices.Clone(f.v)
		slices.Sort(s)
		if s[0] < 0 {
			return &models.FieldError{Field: f.key, Msg: fmt.Sprintf("class %d must be ≥ 0", s[0])}
		}
		if len(slices.Compact(s)) != len(f.v) {
			return &models.FieldError{Field: f.key, Msg: fmt.Sprintf("classes %v repeat", f.v)}
		}
		if c.Role != RolePretrain {
			return &models.FieldError{Field: f.key, Msg: fmt.Sprintf("a run with its own %s is trained and tested on another task than the study's, so it must have role %s (its predictions stay out of the metrics)", f.key, RolePretrain)}
		}
	}
	if len(c.Labels) > 0 && len(c.Positive) > 0 {
		return &models.FieldError{Field: "positive", Msg: "set labels or positive, not both"}
	}
	return nil
}
