package grid

import (
	"fmt"
	"io"
	"strings"

	"github.com/olekukonko/tablewriter"

	"github.com/study-harness/study/study/spec"
)

// Describe writes a summary of s for `study validate`: the dataset and
// task, a table of the fixed values and of every axis with its values, the
// exclude entries, and the grid size (or the cap error when the grid is
// too large; cap ≤ 0 means DefaultCap).
func Describe(w io.Writer, s *spec.Spec, cap int) error {
	if _, err := fmt.Fprintf(w, "spec %s (%s): dataset %s, task %s, seed %d\n", s.Name, s.File, s.Dataset.Name, s.Task, s.Seed); err != nil {
		return err
	}
	t := tablewriter.NewWriter(w)
	t.Header("Field", "Set by", "Values")
	for _, v := range s.Fixed {
		if err := t.Append([]string{v.Key, "fixed", v.Text}); err != nil {
			return err
		}
	}
	for _, a := range s.Axes {
		for j, k := range a.Keys {
			texts := make([]string, len(a.Points))
			for i, pt := range a.Points {
				texts[i] = pt[j].Text
			}
			row := []string{k, a.Path, fmt.Sprintf("%s (%d)", strings.Join(texts, ", "), len(texts))}
			if err := t.Append(row); err != nil {
				return err
			}
		}
	}
	if err := t.Render(); err != nil {
		return err
	}
	for _, ex := range s.Exclude {
		parts := make([]string, len(ex.Values))
		for i, v := range ex.Values {
			parts[i] = v.Key + "=" + v.Text
		}
		if _, err := fmt.Fprintf(w, "exclude %s\n", strings.Join(parts, " ")); err != nil {
			return err
		}
	}
	n, err := Size(s, cap)
	if err != nil {
		return err
	}
	runs, err := Expand(s, cap)
	if err != nil {
		return err
	}
	if deps := countParents(runs); deps > 0 {
		if _, err := fmt.Fprintf(w, "dependencies: %d runs start from another run's weights\n", deps); err != nil {
			return err
		}
	}
	total, _ := product(s, cap)
	_, err = fmt.Fprintf(w, "grid: %d runs (%s = %d, %d excluded)\n", n, lengthsOrOne(s), total, total-n)
	return err
}

func lengthsOrOne(s *spec.Spec) string {
	if len(s.Axes) == 0 {
		return "no axes"
	}
	return lengths(s)
}

func countParents(runs []Run) int {
	n := 0
	for _, r := range runs {
		if len(r.Parents) > 0 {
			n++
		}
	}
	return n
}
