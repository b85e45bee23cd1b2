package spec

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/study-harness/study/study/explain"
)

func TestParseRejectsExplain(t *testing.T) {
	cases := []struct {
		name  string
		src   string
		line  int
		field string
		msg   string
	}{
		{"a scalar explain is an error", "explain: saliency\n", 3, "explain", "want a mapping"},
		{"an unknown key is an error", "explain: {method: [saliency]}\n", 3, "explain.method", `unknown key "method"`},
		{"an unknown method is an error", "explain:\n  methods: [saliency, lime]\n", 4, "explain.methods[1]", `explain method "lime"`},
		{"a repeated method is an error", "explain:\n  methods: [occlusion, occlusion]\n", 4, "explain.methods[1]", "listed twice"},
		{"no method is an error", "explain:\n  methods: []\n", 4, "explain.methods", "is empty"},
		{"an unknown target is an error", "explain:\n  target: truth\n", 4, "explain.target", `explain.target "truth"`},
		{"a zero k is an error", "explain:\n  k: 0\n", 4, "explain.k", "must be a fraction"},
		{"a fractional count k is an error", "explain:\n  k: 2.5\n", 4, "explain.k", "whole count"},
		{"an unknown rule is an error", "explain:\n  rule: simpson\n", 4, "explain.rule", `rule "simpson"`},
		{"zero steps is an error", "explain:\n  steps: 0\n", 4, "explain.steps", "must be ≥ 1"},
		{"one trapezoid point is an error", "explain:\n  rule: riemann_trapezoid\n  steps: 1\n", 5, "explain.steps", "at least 2"},
		{"a negative sigma is an error", "explain:\n  sigma: -0.1\n", 4, "explain.sigma", "positive"},
		{"zero samples is an error", "explain:\n  samples: 0\n", 4, "explain.samples", "must be ≥ 1"},
		{"a stride beyond the patch is an error", "explain:\n  patch: 2\n  stride: 3\n", 5, "explain.stride", "[1, patch 2]"},
		{"zero instances is an error", "explain:\n  instances: 0\n", 4, "explain.instances", "must be ≥ 1"},
		{"a string k is an error", "explain:\n  k: many\n", 4, "explain.k", "want a number"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("t.yaml", []byte(head+c.src))
			var se *Error
			if !errors.As(err, &se) {
				t.Fatalf("Parse = %v, want a *spec.Error", err)
			}
			if se.Line != c.line || se.Field != c.field || !strings.Contains(se.Msg, c.msg) || se.File != "t.yaml" {
				t.Errorf("error %s:%d %s: %s; want line %d, field %s, message with %q", se.File, se.Line, se.Field, se.Msg, c.line, c.field, c.msg)
			}
		})
	}
}

func TestParseReadsExplain(t *testing.T) {
	defaults := &Explain{Methods: []explain.Method{"saliency", "occlusion"}, Target: "pred", K: 0.25,
		Steps: 50, Rule: "gausslegendre", Sigma: 0.15, Samples: 50, Patch: 1, Stride: 1}
	tests := []struct {
		name, src string
		want      *Explain
	}{
		{"no explain block", "", nil},
		{"an empty block takes every default", "explain: {}\n", defaults},
		{"every field", "explain:\n  methods: [integrated_gradients, smoothgrad]\n  target: label\n  k: 10\n  instances: 40\n" +
			"  steps: 20\n  rule: riemann_right\n  sigma: 0.1\n  samples: 8\n  patch: 4\n  stride: 2\n",
			&Explain{Methods: []explain.Method{"integrated_gradients", "smoothgrad"}, Target: "label", K: 10, Instances: 40,
				Steps: 20, Rule: "riemann_right", Sigma: 0.1, Samples: 8, Patch: 4, Stride: 2}},
		{"the stride defaults to the patch", "explain: {patch: 3}\n",
			&Explain{Methods: []explain.Method{"saliency", "occlusion"}, Target: "pred", K: 0.25,
				Steps: 50, Rule: "gausslegendre", Sigma: 0.15, Samples: 50, Patch: 3, Stride: 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse("t.yaml", []byte(head+tt.src))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(s.Explain, tt.want) {
				t.Errorf("Explain = %+v, want %+v", s.Explain, tt.want)
			}
		})
	}
}
