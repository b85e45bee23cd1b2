package grid

import (
	"errors"
	"fmt"
	"strings"

	"github.com/study-harness/study/study/spec"
)

// ErrDependency is wrapped by the *spec.Error of a run whose init selector
// matches no run, several runs, or leads into a cycle.
var ErrDependency = errors.New("bad run dependency")

// resolveParents binds every run's init selector (spec.Init) to the one
// run it names, fills Run.Parents, turns save_weights on for every parent,
// and refuses a missing parent, an ambiguous selector and a cycle.
func resolveParents(s *spec.Spec, runs []Run) error {
	for i := range runs {
		r := &runs[i]
		if r.Config.Init.From == "" {
			continue
		}
		sel, err := spec.ParseSelector(r.Config.Init.From)
		if err != nil { // Resolve validated it; kept for safety
			return depError(s, r, "%v", err)
		}
		bound := sel.Bind(r.Config)
		var match []int
		for j := range runs {
			if bound.Match(runs[j].Config) {
				match = append(match, j)
			}
		}
		switch len(match) {
		case 0:
			return depError(s, r, "missing parent: run %q starts from %q, which matches no run of the grid", r.Name, bound)
		case 1:
			r.Parents = []int{match[0]}
		default:
			names := make([]string, 0, 3)
			for _, j := range match[:min(3, len(match))] {
				names = append(names, fmt.Sprintf("%q", runs[j].Name))
			}
			more := ""
			if len(match) > 3 {
				more = ", ..."
			}
			return depError(s, r, "ambiguous parent: run %q starts from %q, which matches %d runs (%s%s); add keys to the selector", r.Name, bound, len(match), strings.Join(names, ", "), more)
		}
	}
	// Each run has at most one parent, so a cycle is found by following
	// parents: white (0), on the current path (1), done (2).
	state := make([]int8, len(runs))
	for i := range runs {
		var path []int
		j := i
		for state[j] == 0 {
			state[j] = 1
			path = append(path, j)
			if len(runs[j].Parents) == 0 {
				break
			}
			j = runs[j].Parents[0]
		}
		if state[j] == 1 && len(runs[j].Parents) > 0 {
			// j is on the current path: the cycle is path from j on.
			k := 0
			for path[k] != j {
				k++
			}
			names := make([]string, 0, len(path)-k+1)
			for _, c := range path[k:] {
				names = append(names, fmt.Sprintf("%q", runs[c].Name))
			}
			names = append(names, fmt.Sprintf("%q", runs[j].Name))
			return depError(s, &runs[j], "dependency cycle: %s", strings.Join(names, " starts from "))
		}
		for _, c := range path {
			state[c] = 2
		}
	}
	for i := range runs {
		for _, p := range runs[i].Parents {
			runs[p].Config.SaveWeights = true
		}
	}
	return nil
}

// depError is a *spec.Error located at the init value of run r.
func depError(s *spec.Spec, r *Run, format string, args ...any) error {
	e := &spec.Error{File: s.File, Field: "init", Msg: fmt.Sprintf(format, args...), Err: ErrDependency}
	text := r.Config.Init.String()
	vals := append([]spec.Value(nil), s.Fixed...)
	for _, a := range s.Axes {
		for _, pt := range a.Points {
			vals = append(vals, pt...)
		}
	}
	for _, v := range vals {
		if v.Key == "init" && v.Text == text {
			e.Field, e.Line, e.Column = v.Path, v.Line, v.Column
			break
		}
	}
	return e
}

// Roots returns, for each run, the index of the root of its dependency
// tree: the run itself when it has no parent, else its parent's root.
// Sharding assigns runs by root, so that a shard trains every parent its
// runs need.
func Roots(runs []Run) []int {
	roots := make([]int, len(runs))
	for i := range roots {
		roots[i] = -1
	}
	var root func(i, depth int) int
	root = func(i, depth int) int {
		if roots[i] >= 0 {
			return roots[i]
		}
		r := i
		if len(runs[i].Parents) > 0 && depth < len(runs) {
			r = root(runs[i].Parents[0], depth+1)
		}
		roots[i] = r
		return r
	}
	for i := range runs {
		root(i, 0)
	}
	return roots
}
