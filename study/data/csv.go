package data

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/study-harness/study/study/internal/textcheck"
)

// maxCSVBytes caps the size of a CSV dataset file.
const maxCSVBytes = 1 << 30

// CSVError is a problem in a CSV dataset file. Line is 1-based and counts
// the header; Column is the 1-based field number (0 when the problem is
// the whole row or file).
type CSVError struct {
	Path   string
	Line   int
	Column int
	Err    error
}

// Error formats the error as path:line: column n: message.
func (e *CSVError) Error() string {
	switch {
	case e.Line == 0:
		return fmt.Sprintf("%s: %v", e.Path, e.Err)
	case e.Column == 0:
		return fmt.Sprintf("%s:%d: %v", e.Path, e.Line, e.Err)
	}
	return fmt.Sprintf("%s:%d: column %d: %v", e.Path, e.Line, e.Column, e.Err)
}

// Unwrap returns the underlying error.
func (e *CSVError) Unwrap() error { return e.Err }

// csvTable is a parsed CSV dataset before splitting.
type csvTable struct {
	features   []string  // feature column names, in file order
	x          []float32 // n×len(features)
	y          []int     // class indices into classNames
	classNames []string
	groups     []string // each row's group, when a group column is named
}

// parseCSV reads a CSV dataset: a header row, then one instance per row.
// The column named label holds the class (any string); every other column
// is a float feature. Classes are the distinct labels in sorted order:
// numeric order when every label is a number, byte order otherwise. path
// is used in errors only; they name the line and column, and quote no
// content of the file, which may be any file the spec names (a path of
// /etc/shadow printed root's entry). When group is not "", the column of
// that name holds each row's group (any text; not a feature).
func parseCSV(r io.Reader, path, label, group string) (*csvTable, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // ragged rows are reported below, with the counts
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, &CSVError{Path: path, Err: errors.New("empty file: want a header row naming the columns")}
	}
	if err != nil {
		return nil, csvReadErr(path, err)
	}
	header = slices.Clone(header)
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	lc, gc := -1, -1
	seen := make(map[string]int, len(header)) // column name → its index
	for i, h := range header {
		if !utf8.ValidString(h) {
			return nil, &CSVError{Path: path, Line: 1, Column: i + 1, Err: errors.New("column name is not valid UTF-8")}
		}
		if j, dup := seen[h]; dup {
			what := "column"
			if h == label {
				what = "label column"
			}
			return nil, &CSVError{Path: path, Line: 1, Column: i + 1, Err: fmt.Errorf("%s name appears twice (columns %d and %d)", what, j+1, i+1)}
		}
		seen[h] = i
		if h == label {
			lc = i
		}
		if group != "" && h == group {
			gc = i
		}
	}
	if lc < 0 {
		return nil, &CSVError{Path: path, Line: 1, Err: fmt.Errorf("no column named %q (the label) among the header's %d columns", label, len(header))}
	}
	if group != "" && gc < 0 {
		return nil, &CSVError{Path: path, Line: 1, Err: fmt.Errorf("no column named %q (dataset.group) among the header's %d columns", group, len(header))}
	}
	t := &csvTable{}
	for i, h := range header {
		if i != lc && i != gc {
			t.features = append(t.features, h)
		}
	}
	if len(t.features) == 0 {
		return nil, &CSVError{Path: path, Line: 1, Err: errors.New("no feature columns besides the label and group")}
	}
	var labels []string
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvReadErr(path, err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(header) {
			return nil, &CSVError{Path: path, Line: line, Err: fmt.Errorf("row has %d fields, header has %d", len(rec), len(header))}
		}
		for i, f := range rec {
			if !utf8.ValidString(f) {
				l, _ := cr.FieldPos(i)
				return nil, &CSVError{Path: path, Line: l, Column: i + 1, Err: errors.New("field is not valid UTF-8")}
			}
			if i == lc {
				labels = append(labels, f)
				continue
			}
			if i == gc {
				if r, off, bad := textcheck.BadRune(f); bad || f == "" {
					l, _ := cr.FieldPos(i)
					why := "group is empty"
					if bad {
						why = "group holds " + textcheck.Describe(r, off) + "; a group may not hold control or formatting characters, which print as other names"
					}
					return nil, &CSVError{Path: path, Line: l, Column: i + 1, Err: errors.New(why)}
				}
				t.groups = append(t.groups, strings.Clone(f))
				continue
			}
			v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
			if err == nil && (math.IsNaN(v) || math.Abs(v) > math.MaxFloat32) {
				err = errors.New("not a finite float32")
			}
			if err != nil {
				l, _ := cr.FieldPos(i)
				if ne, ok := err.(*strconv.NumError); ok {
					err = ne.Err
				}
				return nil, &CSVError{Path: path, Line: l, Column: i + 1, Err: fmt.Errorf("feature is not a number: %w", err)}
			}
			t.x = append(t.x, float32(v))
		}
	}
	if len(labels) == 0 {
		return nil, &CSVError{Path: path, Err: errors.New("no data rows after the header")}
	}
	t.classNames, t.y = classIndex(labels)
	if len(t.classNames) < 2 {
		return nil, &CSVError{Path: path, Err: fmt.Errorf("label column %q has one distinct value; need at least 2 classes", label)}
	}
	return t, nil
}

// csvReadErr converts an encoding/csv error to a CSVError.
func csvReadErr(path string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &CSVError{Path: path, Line: pe.Line, Err: pe.Err}
	}
	return &CSVError{Path: path, Err: err}
}

// classIndex maps label strings to indices of their sorted distinct
// values: numeric order when all parse as numbers, byte order otherwise.
func classIndex(labels []string) (names []string, y []int) {
	seen := map[string]int{}
	for _, l := range labels {
		if _, ok := seen[l]; !ok {
			seen[l] = 0
			names = append(names, l)
		}
	}
	numeric := true
	num := make(map[string]float64, len(names))
	for _, n := range names {
		v, err := strconv.ParseFloat(strings.TrimSpace(n), 64)
		if err != nil || math.IsNaN(v) {
			numeric = false
			break
		}
		num[n] = v
	}
	slices.SortFunc(names, func(a, b string) int {
		if numeric && num[a] != num[b] {
			if num[a] < num[b] {
				return -1
			}
			return 1
		}
		return strings.Compare(a, b)
	})
	for i, n := range names {
		seen[n] = i
	}
	y = make([]int, len(labels))
	for i, l := range labels {
		y[i] = seen[l]
	}
	return names, y
}

// readCSV loads s.Path (relative to baseDir unless absolute) and splits it:
// the test part is s.Test rows (default 20%, rounded) drawn with
// seeds.Stream("split", seed); the training part is the first s.Train (all
// when 0) of the remaining rows. Both keep file order.
func readCSV(s Spec, seed int64, baseDir string) (*raw, error) {
	path := s.Path
	if !filepath.IsAbs(path) {
		path = filepath.Join(baseDir, path)
	}
	label := s.Label
	if label == "" {
		label = DefaultLabel
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("dataset csv: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxCSVBytes+1))
	if err != nil {
		return nil, fmt.Errorf("dataset csv: read %s: %w", path, err)
	}
	if len(b) > maxCSVBytes {
		return nil, &CSVError{Path: path, Err: fmt.Errorf("file is larger than %d bytes", maxCSVBytes)}
	}
	if format := textcheck.Compressed(b); format != "" {
		return nil, &CSVError{Path: path, Err: fmt.Errorf("a %s-compressed file, not CSV text; decompress it first", format)}
	}
	t, err := parseCSV(bytes.NewReader(b), path, label, s.Group)
	if err != nil {
		return nil, fmt.Errorf("dataset csv: %w", err)
	}
	if err := validPositive(s.Positive, len(t.classNames)); err != nil {
		return nil, err
	}
	n, d := len(t.y), len(t.features)
	nte := s.Test
	if nte == 0 {
		nte = int(math.Round(DefaultCSVTest * float64(n)))
	}
	if nte < 1 {
		return nil, fieldErr("test", "%s has %d rows: too few for a test set (set test: to at least 1)", path, n)
	}
	if nte >= n {
		return nil, fieldErr("test", "%d test rows leave no training rows in %s (%d rows)", nte, path, n)
	}
	isTest := make([]bool, n)
	for _, i := range seedsPerm("split", seed, n)[:nte] {
		isTest[i] = true
	}
	ntr := n - nte
	if s.Train > ntr {
		return nil, fieldErr("train", "%d rows requested, %s has %d after the %d test rows", s.Train, path, ntr, nte)
	}
	if s.Train > 0 {
		ntr = s.Train
	}
	r := &raw{
		in:          d,
		classes:     len(t.classNames),
		classNames:  t.classNames,
		trainX:      make([]float32, 0, ntr*d),
		trainY:      make([]int, 0, ntr),
		testX:       make([]float32, 0, nte*d),
		testY:       make([]int, 0, nte),
		provenance:  fmt.Sprintf("csv file %s (sha256 %x), features %s", s.Path, sha256.Sum256(b), strings.Join(t.features, ",")),
		standardise: true,
	}
	for i := range n {
		row := t.x[i*d : (i+1)*d]
		switch {
		case isTest[i]:
			r.testX = append(r.testX, row...)
			r.testY = append(r.testY, t.y[i])
			if t.groups != nil {
				r.testGroups = append(r.testGroups, t.groups[i])
			}
		case len(r.trainY) < ntr:
			r.trainX = append(r.trainX, row...)
			r.trainY = append(r.trainY, t.y[i])
		}
	}
	if s.Image != nil {
		if err := s.Image.apply(r, path); err != nil {
			return nil, err
		}
	}
	return r, nil
}
