package grid

import (
	"fmt"
	"strings"

	"github.com/study-harness/study/study/spec"
)

// DefaultCap is the largest grid that Size and Expand accept when given a
// cap ≤ 0.
const DefaultCap = 100000

// Run is one point of the grid.
type Run struct {
	Index int // position in the expansion order, from 0, after exclusions
	// Name is the readable model name: `key=value` for every key of the
	// axes that vary (two or more points), in axis order, joined by single
	// spaces, like "arch=mlp optimizer=adam seed=1"; list values are
	// joined by "+" ("augment=flip+noise"). When no axis varies it is the
	// spec name. Names are unique within a grid. They are not escaped: a
	// string value may contain any character, including commas and quotes,
	// so writers of CSV or HTML must quote them.
	Name   string
	Config spec.Config // resolved, validated config
	Values []KV        // every axis key with its value, in axis order
	// Factors are the run's values of the grid's factors, one per axis in
	// axis order: a plain axis is its own factor, and the keys of a zip
	// group, which vary together, make one factor written "key1/key2" with
	// the value "v1/v2" (e.g. optimizer/lr = sgd/0.1). Factor attribution
	// compares runs that differ in exactly one factor.
	Factors []KV
	// Parents are the indices of the runs whose trained weights this run
	// starts from (its init selector's match): empty for a run from
	// scratch, otherwise one index.
	Parents []int
}

// KV is one axis key of a run and the readable form of its value.
type KV struct {
	Key   string
	Value string
}

// product returns the number of points of the full product of the axes,
// or an error when it exceeds limit (which guards against overflow too).
func product(s *spec.Spec, limit int) (int, error) {
	if limit <= 0 {
		limit = DefaultCap
	}
	n := 1
	for _, a := range s.Axes {
		k := len(a.Points)
		if k == 0 {
			return 0, &spec.Error{File: s.File, Line: a.Line, Column: a.Column, Field: a.Path, Msg: "axis has no values"}
		}
		if n > limit/k {
			return 0, capError(s, limit)
		}
		n *= k
	}
	return n, nil
}

func capError(s *spec.Spec, limit int) error {
	line, col := 0, 0
	if len(s.Axes) > 0 {
		line, col = s.Axes[0].Line, s.Axes[0].Column
	}
	return spec.CapError(s.File, line, col, limit, lengths(s))
}

func lengths(s *spec.Spec) string {
	parts := make([]string, len(s.Axes))
	for i, a := range s.Axes {
		parts[i] = fmt.Sprint(len(a.Points))
	}
	return strings.Join(parts, "×")
}

// excluder tells whether a point of the grid, given as one point index per
// axis, matches an exclude entry.
type excluder struct {
	// allow[e][a] is nil when entry e does not constrain axis a, otherwise
	// allow[e][a][i] says whether point i of axis a matches the entry.
	allow [][][]bool
}

func newExcluder(s *spec.Spec) *excluder {
	x := &excluder{allow: make([][][]bool, len(s.Exclude))}
	for e, ex := range s.Exclude {
		x.allow[e] = make([][]bool, len(s.Axes))
		for _, v := range ex.Values {
			for a, ax := range s.Axes {
				for i, pt := range ax.Points {
					for _, pv := range pt {
						if pv.Key != v.Key {
							continue
						}
						if x.allow[e][a] == nil {
							x.allow[e][a] = make([]bool, len(ax.Points))
							for j := range x.allow[e][a] {
								x.allow[e][a][j] = true
							}
						}
						x.allow[e][a][i] = x.allow[e][a][i] && pv.Text == v.Text
					}
				}
			}
		}
	}
	return x
}

// excluded reports whether the point idx matches any exclude entry.
func (x *excluder) excluded(idx []int) bool {
	for _, axes := range x.allow {
		match := true
		for a, ok := range axes {
			if ok != nil && !ok[idx[a]] {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}

// walk calls fn for every point of the grid in expansion order (last axis
// fastest) with one point index per axis; idx is reused between calls.
func walk(s *spec.Spec, fn func(idx []int) error) error {
	idx := make([]int, len(s.Axes))
	for {
		if err := fn(idx); err != nil {
			return err
		}
		a := len(idx) - 1
		for ; a >= 0; a-- {
			idx[a]++
			if idx[a] < len(s.Axes[a].Points) {
				break
			}
			idx[a] = 0
		}
		if a < 0 {
			return nil
		}
	}
}

// Size returns the number of runs of the grid of s, after exclusions,
// without building them. It fails when the full product of the axis
// lengths exceeds cap (DefaultCap when cap ≤ 0): the cap bounds the work,
// so it applies before exclusions.
func Size(s *spec.Spec, cap int) (int, error) {
	n, err := product(s, cap)
	if err != nil || len(s.Exclude) == 0 {
		return n, err
	}
	x := newExcluder(s)
	count := 0
	walk(s, func(idx []int) error {
		if !x.excluded(idx) {
			count++
		}
		return nil
	})
	return count, nil
}

// Expand returns the runs of the grid of s in expansion order (see the
// package comment). Each run's config is resolved and validated by
// spec.Spec.Resolve, so an invalid combination is an *spec.Error at the
// value that caused it. Expand fails like Size when the grid exceeds cap,
// when two runs would get the same name or train the same model (see
// refuseTwins), and when an init selector
// matches no run or several runs or the runs' dependencies form a cycle
// (an *spec.Error wrapping ErrDependency, at the init value).
func Expand(s *spec.Spec, cap int) ([]Run, error) {
	n, err := Size(s, cap)
	if err != nil {
		return nil, err
	}
	x := newExcluder(s)
	runs := make([]Run, 0, n)
	names := make(map[string]int, n)
	pts := make([]spec.Point, len(s.Axes))
	err = walk(s, func(idx []int) error {
		if x.excluded(idx) {
			return nil
		}
		for a, i := range idx {
			pts[a] = s.Axes[a].Points[i]
		}
		c, err := s.Resolve(pts...)
		if err != nil {
			return err
		}
		r := Run{Index: len(runs), Config: c}
		var name []string
		for a, pt := range pts {
			var keys, texts []string
			for _, v := range pt {
				r.Values = append(r.Values, KV{Key: v.Key, Value: v.Text})
				keys, texts = append(keys, v.Key), append(texts, v.Text)
				if s.Axes[a].Varies() {
					name = append(name, v.Key+"="+v.Text)
				}
			}
			r.Factors = append(r.Factors, KV{Key: strings.Join(keys, "/"), Value: strings.Join(texts, "/")})
		}
		r.Name = strings.Join(name, " ")
		if len(name) == 0 {
			r.Name = s.Name
		}
		if j, dup := names[r.Name]; dup {
			return &spec.Error{File: s.File, Field: "axes", Msg: fmt.Sprintf("runs %d and %d have the same name %q; make the axis values distinct", j, r.Index, r.Name)}
		}
		names[r.Name] = r.Index
		runs = append(runs, r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := refuseTwins(s, runs); err != nil {
		return nil, err
	}
	if err := resolveParents(s, runs); err != nil {
		return nil, err
	}
	return runs, nil
}
