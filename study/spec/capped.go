package spec

import (
	"fmt"
	"os"
	"strings"

	"go.yaml.in/yaml/v3"
)

// LoadMax is Load with the grid cap applied as soon as the YAML is read:
// see ParseMax.
func LoadMax(path string, maxRuns int) (*Spec, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseMax(path, src, maxRuns)
}

// ParseMax is Parse, refusing with CapError a spec whose axes and zip
// groups multiply to more than maxRuns runs before their values are
// decoded: a 47 MB spec with a 6-million-value axis took 4.1 GB and 46 s
// to reach the grid's cap, and takes the YAML tree's 1.3 GB now. The cap
// applies before exclusions, as grid.Size's does; maxRuns ≤ 0 checks
// nothing here (the grid's cap still applies).
func ParseMax(file string, src []byte, maxRuns int) (*Spec, error) {
	p := &parser{s: &Spec{File: file, Source: src, Task: TaskMulticlass}, maxRuns: maxRuns}
	if err := p.parse(src); err != nil {
		return nil, err
	}
	p.s.Source = append([]byte(nil), src...)
	return p.s, nil
}

// CapError is the error of a grid of more than limit runs, the product of
// the axis lengths (written "3×2×…"), at the line of the first axis.
func CapError(file string, line, column, limit int, lengths string) *Error {
	return &Error{File: file, Line: line, Column: column, Field: "axes", Msg: fmt.Sprintf("grid has more than %d runs (the product of the axis lengths %s); shrink the axes or raise --max-runs", limit, lengths)}
}

// checkCap refuses axes (the axes mapping) and zip (the zip list) whose
// lengths, counted in the YAML tree, multiply to more than p.maxRuns.
// Nodes of the wrong kind are left to the sections' own errors.
func (p *parser) checkCap(axes, zip [2]*yaml.Node) error {
	if p.maxRuns <= 0 {
		return nil
	}
	var lens []int
	var at *yaml.Node
	if v := axes[1]; v != nil && v.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(v.Content); i += 2 {
			if a := deref(v.Content[i+1]); a != nil && a.Kind == yaml.SequenceNode {
				lens = append(lens, len(a.Content))
				if at == nil {
					at = v.Content[i]
				}
			}
		}
	}
	if v := zip[1]; v != nil && v.Kind == yaml.SequenceNode {
		for _, g := range v.Content {
			if g = deref(g); g != nil && g.Kind == yaml.MappingNode && len(g.Content) >= 2 {
				if a := deref(g.Content[1]); a != nil && a.Kind == yaml.SequenceNode {
					lens = append(lens, len(a.Content))
					if at == nil {
						at = g
					}
				}
			}
		}
	}
	n := 1
	for _, k := range lens {
		if k == 0 {
			return nil // an empty axis: its own error
		}
		if n > p.maxRuns/k {
			parts := make([]string, len(lens))
			for i, l := range lens {
				parts[i] = fmt.Sprint(l)
			}
			return CapError(p.s.File, at.Line, at.Column, p.maxRuns, strings.Join(parts, "×"))
		}
		n *= k
	}
	return nil
}
