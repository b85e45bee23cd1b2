package spec

import (
	"fmt"
	"math"
	"reflect"
	"slices"

	"go.yaml.in/yaml/v3"

	"github.com/study-harness/study/study/explain"
)

// Explain is the spec's `explain:` block: the attributions every run
// computes on the study's fixed feature subset (study/explain), and the
// top-k of the agreement measures. Parse fills every default, so a
// parsed Explain has no zero field but Instances.
type Explain struct {
	// Methods are the attribution methods, in written order (default
	// saliency and occlusion). A gradient method is computed for the
	// models with logits to differentiate (nets); the others get null in
	// metrics.json, with the reason.
	Methods []explain.Method `json:"methods"`
	// Target is the class explained: pred (default) or label.
	Target explain.Target `json:"target"`
	// K is the top-k of the agreement measures: a fraction of the
	// features in (0, 1), rounded up, or a count ≥ 1 (default 0.25).
	K float64 `json:"k"`
	// Instances limits the attributions to the first Instances rows of
	// feature_index.json; 0 means all of them.
	Instances int `json:"instances,omitempty"`
	// Steps and Rule are integrated gradients' quadrature (50,
	// gausslegendre); its baseline is 0.
	Steps int          `json:"steps"`
	Rule  explain.Rule `json:"rule"`
	// Sigma and Samples are smoothgrad's noise (0.15, absolute) and
	// draws (50), keyed by the spec's seed alone.
	Sigma   float64 `json:"sigma"`
	Samples int     `json:"samples"`
	// Patch and Stride are occlusion's window side and step in pixels
	// (1, and the patch); tabular data is occluded feature by feature.
	Patch  int `json:"patch"`
	Stride int `json:"stride"`
}

// DefaultExplainK is explain.k's default, a quarter of the features (as
// OpenXAI's).
const DefaultExplainK = 0.25

// DefaultExplainMethods are explain.methods' default.
var DefaultExplainMethods = []explain.Method{explain.MethodSaliency, explain.MethodOcclusion}

// Settings returns the explain.Settings of the block, smoothgrad keyed
// by the spec's seed alone so that every model sees the same noise.
func (e *Explain) Settings(seed int64) explain.Settings {
	return explain.Settings{Steps: e.Steps, Rule: e.Rule, Sigma: e.Sigma, Samples: e.Samples, Seed: seed, Patch: e.Patch, Stride: e.Stride}
}

// explainBlock reads `explain:`, fills the defaults and validates every
// field; errors name the field (explain.<key>) and its line.
func (p *parser) explainBlock(_, v *yaml.Node) error {
	const want = "{methods, target, k, instances, steps, rule, sigma, samples, patch, stride}"
	if v.Kind != yaml.MappingNode {
		return p.errorf(v, "explain", "want a mapping %s, got %s", want, describeNode(v))
	}
	var e Explain
	if d := decodeStruct(v, reflect.ValueOf(&e).Elem(), "explain"); d != nil {
		return p.wrap(d)
	}
	written := func(key string) bool { return fieldNode(v, key) != v }
	bad := func(key, format string, args ...any) error {
		return p.errorf(fieldNode(v, key), "explain."+key, format, args...)
	}
	if !written("methods") {
		e.Methods = slices.Clone(DefaultExplainMethods)
	}
	if len(e.Methods) == 0 {
		return bad("methods", "explain.methods is empty: list at least one method")
	}
	for i, m := range e.Methods {
		if _, err := explain.ParseMethod(string(m)); err != nil {
			return p.errorf(deref(fieldNode(v, "methods")).Content[i], fmt.Sprintf("explain.methods[%d]", i), "%v", err)
		}
		if slices.Contains(e.Methods[:i], m) {
			return p.errorf(deref(fieldNode(v, "methods")).Content[i], fmt.Sprintf("explain.methods[%d]", i), "method %s is listed twice", m)
		}
	}
	var err error
	if e.Target, err = explain.ParseTarget(string(e.Target)); err != nil {
		return bad("target", "%v", err)
	}
	switch {
	case !written("k"):
		e.K = DefaultExplainK
	case !(e.K > 0) || math.IsInf(e.K, 0) || (e.K >= 1 && e.K != math.Trunc(e.K)):
		return bad("k", "k %v must be a fraction in (0, 1) or a whole count ≥ 1", e.K)
	}
	if written("instances") && e.Instances < 1 {
		return bad("instances", "instances %d must be ≥ 1 (default: every instance of the feature subset)", e.Instances)
	}
	d := explain.DefaultSettings()
	if e.Rule, err = explain.ParseRule(string(e.Rule)); err != nil {
		return bad("rule", "%v", err)
	}
	for _, f := range []struct {
		key   string
		v     *int
		def   int
		least int
	}{{"steps", &e.Steps, d.Steps, 1}, {"samples", &e.Samples, d.Samples, 1}, {"patch", &e.Patch, d.Patch, 1}} {
		if !written(f.key) {
			*f.v = f.def
		} else if *f.v < f.least {
			return bad(f.key, "%s %d must be ≥ %d", f.key, *f.v, f.least)
		}
	}
	if e.Rule == explain.RiemannTrapezoid && e.Steps < 2 {
		return bad("steps", "steps %d: riemann_trapezoid needs at least 2 points", e.Steps)
	}
	switch {
	case !written("sigma"):
		e.Sigma = d.Sigma
	case !(e.Sigma > 0) || math.IsInf(e.Sigma, 0):
		return bad("sigma", "sigma %v must be a positive number (absolute, in input units)", e.Sigma)
	}
	switch {
	case !written("stride"):
		e.Stride = e.Patch
	case e.Stride < 1 || e.Stride > e.Patch:
		return bad("stride", "stride %d must be in [1, patch %d]: a larger stride leaves pixels never occluded", e.Stride, e.Patch)
	}
	p.s.Explain = &e
	return nil
}
