package predmat

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ErrMeta is wrapped by the errors of ReadMeta about the rows of a
// models file: a model without a row, a row naming no model, a repeated
// row, an empty value.
var ErrMeta = errors.New("bad model table")

// ReadMeta reads a models file: a CSV table with a header and one row per
// model, whose column "model" names the model (as in the predictions) and
// whose every other column is a factor (arch, seed, optimizer, …). It
// returns one configuration per name in models, in that order, keyed by
// factor name: Matrix.Configs. name is used in error messages only.
//
// Every error is a *ParseError naming the line and column: a header
// without a "model" column or with an empty, repeated or non-printable
// column name; a row with another number of fields; an empty value; a row
// for a model the predictions do not have; a model repeated; and a model
// of the predictions without a row (located at the header).
func ReadMeta(name string, r io.Reader, models []string) ([]map[string]string, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	fail := func(field int, err error) *ParseError {
		line, col := cr.FieldPos(max(field, 0))
		return &ParseError{File: name, Line: line, Column: col, Err: err}
	}
	read := func() ([]string, error) {
		rec, err := cr.Read()
		var ce *csv.ParseError
		switch {
		case err == io.EOF:
			return nil, err
		case errors.As(err, &ce):
			return nil, &ParseError{File: name, Line: ce.Line, Column: ce.Column, Err: fmt.Errorf("%w: %w", ErrSyntax, ce.Err)}
		case err != nil:
			return nil, &ParseError{File: name, Err: fmt.Errorf("read: %w", err)}
		}
		for k, f := range rec {
			if !utf8.ValidString(f) {
				return nil, fail(k, fmt.Errorf("%w: field %d", ErrEncoding, k+1))
			}
		}
		return rec, nil
	}
	header, err := read()
	if err == io.EOF {
		return nil, &ParseError{File: name, Line: 1, Column: 1, Err: fmt.Errorf("%w: empty file, want a header model,<factor>,…", ErrEmpty)}
	}
	if err != nil {
		return nil, err
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	modelCol := -1
	seen := map[string]int{}
	for k, h := range header {
		switch {
		case h == "":
			return nil, fail(k, fmt.Errorf("%w: column %d has no name", ErrHeader, k+1))
		case !printable(h):
			return nil, fail(k, fmt.Errorf("%w: column %d's name has a control character", ErrHeader, k+1))
		}
		if j, dup := seen[h]; dup {
			return nil, fail(k, fmt.Errorf("%w: column %d repeats column %d's name %q", ErrHeader, k+1, j+1, h))
		}
		seen[h] = k
		if h == "model" {
			modelCol = k
		}
	}
	if modelCol < 0 {
		return nil, fail(0, fmt.Errorf("%w: no column named \"model\"", ErrHeader))
	}
	headerLine, _ := cr.FieldPos(0)
	index := make(map[string]int, len(models))
	for m, s := range models {
		index[s] = m
	}
	configs := make([]map[string]string, len(models))
	rowLine := make([]int, len(models))
	for {
		rec, err := read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if len(rec) != len(header) {
			return nil, fail(len(rec)-1, fmt.Errorf("%w: row has %d fields, header has %d", ErrFieldCount, len(rec), len(header)))
		}
		model := rec[modelCol]
		m, ok := index[model]
		if !ok {
			return nil, fail(modelCol, fmt.Errorf("%w: model %q is not in the predictions", ErrMeta, model))
		}
		line, _ := cr.FieldPos(0)
		if configs[m] != nil {
			return nil, fail(modelCol, fmt.Errorf("%w: model %q has a row already, on line %d", ErrMeta, model, rowLine[m]))
		}
		c := make(map[string]string, len(header)-1)
		for k, v := range rec {
			if k == modelCol {
				continue
			}
			if v == "" {
				return nil, fail(k, fmt.Errorf("%w: model %q has no value for %q", ErrMeta, model, header[k]))
			}
			c[header[k]] = v
		}
		configs[m], rowLine[m] = c, line
	}
	for m, c := range configs {
		if c == nil {
			return nil, &ParseError{File: name, Line: headerLine, Column: 1, Err: fmt.Errorf("%w: model %q of the predictions has no row", ErrMeta, models[m])}
		}
	}
	return configs, nil
}

// printable reports whether s has no control characters.
func printable(s string) bool {
	return !strings.ContainsFunc(s, unicode.IsControl)
}

// ConfigsFromNames parses model names written in study's own form,
// "key=value key=value …" (a run's name, as in predictions.csv), into
// one configuration per model. It returns nil unless every name parses
// (each space-separated part is key=value with a non-empty key and no
// key repeated) and every name has the same keys: names such as
// "resnet18-seed1" carry no factors.
//
// Keys that always change together, as the keys of a zip group of a
// spec do ("optimizer=sgd lr=0.1", "optimizer=adam lr=0.001"), are one
// factor, named and valued as study names a zip group's: "optimizer/lr"
// = "sgd/0.1". Apart, no pair of models would differ in one of them
// only, and neither could be attributed.
func ConfigsFromNames(models []string) []map[string]string {
	configs, keys := parseNames(models)
	if configs == nil {
		return nil
	}
	// part[k] labels each model by the first model with its value of
	// key k: keys with the same labels change together.
	groups := map[string][]string{}
	var order []string
	for _, k := range keys {
		first := map[string]int{}
		var b strings.Builder
		for m, c := range configs {
			if _, ok := first[c[k]]; !ok {
				first[c[k]] = m
			}
			fmt.Fprintf(&b, "%d,", first[c[k]])
		}
		sig := b.String()
		if _, ok := groups[sig]; !ok {
			order = append(order, sig)
		}
		groups[sig] = append(groups[sig], k)
	}
	if len(order) == len(keys) {
		return configs
	}
	out := make([]map[string]string, len(configs))
	for m, c := range configs {
		out[m] = map[string]string{}
		for _, sig := range order {
			g := groups[sig]
			vals := make([]string, len(g))
			for j, k := range g {
				vals[j] = c[k]
			}
			out[m][strings.Join(g, "/")] = strings.Join(vals, "/")
		}
	}
	return out
}

// parseNames parses every name as "key=value …", returning the
// configurations and the keys in the order of the first name, or nil.
func parseNames(models []string) ([]map[string]string, []string) {
	configs := make([]map[string]string, len(models))
	var keys []string
	for m, s := range models {
		c := map[string]string{}
		var order []string
		for _, part := range strings.Split(s, " ") {
			k, v, ok := strings.Cut(part, "=")
			if !ok || k == "" || v == "" {
				return nil, nil
			}
			if _, dup := c[k]; dup {
				return nil, nil
			}
			c[k] = v
			order = append(order, k)
		}
		if m == 0 {
			keys = order
		} else if !sameKeys(keys, c) {
			return nil, nil
		}
		configs[m] = c
	}
	return configs, keys
}

// sameKeys reports whether c has exactly the keys.
func sameKeys(keys []string, c map[string]string) bool {
	if len(keys) != len(c) {
		return false
	}
	for _, k := range keys {
		if _, ok := c[k]; !ok {
			return false
		}
	}
	return true
}
