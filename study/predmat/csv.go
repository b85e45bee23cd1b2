package predmat

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/study-harness/study/study/internal/textcheck"
)

// The fixed leading columns of the long CSV format.
var fixedHeader = [...]string{"model", "instance", "label", "pred"}

// Errors that a ParseError wraps; test with errors.Is.
var (
	ErrEmpty      = errors.New("no data")
	ErrSyntax     = errors.New("malformed CSV")
	ErrEncoding   = errors.New("not valid UTF-8")
	ErrHeader     = errors.New("bad header")
	ErrFieldCount = errors.New("wrong number of fields")
	ErrName       = errors.New("bad name")
	ErrNumber     = errors.New("bad number")
	ErrProb       = errors.New("bad probabilities")
	ErrRange      = errors.New("class out of range")
	ErrDuplicate  = errors.New("duplicate row")
	ErrMissing    = errors.New("missing row")
	ErrLabel      = errors.New("conflicting labels")
)

// ParseError is the error Read returns, in the manner of csv.ParseError:
// File is the name given to Read, Line and Column (1-based, columns in
// bytes) locate the offending field, and Err says what is wrong and wraps
// one of the ErrXxx values.
type ParseError struct {
	File   string
	Line   int
	Column int
	Err    error
}

// Error formats the error as file:line:col: msg.
func (e *ParseError) Error() string {
	if e.Line <= 0 { // about the file as a whole (unreadable, a folder)
		return fmt.Sprintf("%s: %v", e.File, e.Err)
	}
	return fmt.Sprintf("%s:%d:%d: %v", e.File, e.Line, e.Column, e.Err)
}

// Unwrap returns the underlying error.
func (e *ParseError) Unwrap() error { return e.Err }

// Write writes x in the long CSV format: the header, then one row per
// (model, instance), model-major in Matrix order. Names are quoted as
// encoding/csv quotes them; probabilities use the shortest decimal that
// reads back as the same float32, so the output is byte-deterministic and
// Read(Write(x)) reproduces x's Models, Instances, Classes, Labels, Pred,
// Prob and Groups (a last column, group, when x has them) exactly. Configs and Features are not written. A Matrix that
// fails Validate is not written.
func Write(w io.Writer, x *Matrix) error {
	if err := x.Validate(); err != nil {
		return fmt.Errorf("predmat: write: %w", err)
	}
	m, n, c := x.M(), x.N(), x.Classes
	bw := bufio.NewWriterSize(w, 1<<16)
	buf := []byte(strings.Join(fixedHeader[:], ","))
	if x.Prob != nil {
		for j := 0; j < c; j++ {
			buf = append(buf, ",p"...)
			buf = strconv.AppendInt(buf, int64(j), 10)
		}
	}
	var qg []string
	if x.Groups != nil {
		buf = append(buf, ","+GroupColumn...)
		qg = quoteAll(x.Groups)
	}
	buf = append(buf, '\n')
	if _, err := bw.Write(buf); err != nil {
		return fmt.Errorf("predmat: write: %w", err)
	}
	qm := quoteAll(x.Models)
	qi := quoteAll(x.Instances)
	for a := 0; a < m; a++ {
		for i := 0; i < n; i++ {
			buf = append(buf[:0], qm[a]...)
			buf = append(buf, ',')
			buf = append(buf, qi[i]...)
			buf = append(buf, ',')
			buf = strconv.AppendInt(buf, int64(x.Labels[i]), 10)
			buf = append(buf, ',')
			buf = strconv.AppendInt(buf, int64(x.Pred[a*n+i]), 10)
			if x.Prob != nil {
				for _, p := range x.Prob[(a*n+i)*c : (a*n+i+1)*c] {
					buf = append(buf, ',')
					buf = strconv.AppendFloat(buf, float64(p), 'g', -1, 32)
				}
			}
			if qg != nil {
				buf = append(buf, ',')
				buf = append(buf, qg[i]...)
			}
			buf = append(buf, '\n')
			if _, err := bw.Write(buf); err != nil {
				return fmt.Errorf("predmat: write: %w", err)
			}
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("predmat: write: %w", err)
	}
	return nil
}

// quoteAll returns each name as encoding/csv would write it as a field.
func quoteAll(names []string) []string {
	out := make([]string, len(names))
	var b bytes.Buffer
	cw := csv.NewWriter(&b)
	for k, s := range names {
		b.Reset()
		cw.Write([]string{s, ""}) // a second field keeps a lone field from being special-cased
		cw.Flush()
		out[k] = strings.TrimSuffix(b.String(), ",\n")
	}
	return out
}

// Read parses the long CSV format written by Write. name is used in error
// messages only.
//
// Models take the order in which they first appear and instances the order
// in which the first model lists them; rows may come in any order
// (model-major files are read in one pass without copying). C is the number
// of p columns when the header has them; otherwise it is
// max(label, pred) + 1 over the file, and Prob is nil. Every error is a
// *ParseError; Read never panics.
//
// Rejected: unreadable or truncated CSV (including a bare or unclosed
// quote), text that is not UTF-8, a header other than
// model,instance,label,pred[,p0,…,p{C-1}][,group], rows with another number of
// fields, empty names, labels and predictions that are not integers in
// [0, C) (C ≤ MaxClasses), probabilities that are not finite and ≥ 0 or
// that do not sum to 1 within ProbTolerance, a repeated (model, instance)
// row, a model without a row for some instance, an instance whose label
// differs between rows, and a file with no rows; also a compressed file
// (named by its format), and model names holding control or formatting
// characters (line breaks, tabs, bidirectional overrides:
// textcheck.BadRune), which would print as other names. Messages locate
// the problem by line and column and never quote the file's content,
// which may not be a predictions file at all.
func Read(name string, r io.Reader) (*Matrix, error) {
	x, _, err := ReadChecked(name, r)
	return x, err
}

// Mismatch counts the rows of a predictions file whose pred is not a most
// probable class of their p columns: the measures of agreement read pred
// while the measures of probabilities read p, so such a file describes
// two classifiers. Line is the first such row's line (0 when Rows is 0).
type Mismatch struct {
	Rows int
	Line int
}

// ReadChecked is Read, also counting the rows whose pred is not an argmax
// of their probabilities (a pred tied with the most probable class counts
// as an argmax).
func ReadChecked(name string, r io.Reader) (*Matrix, Mismatch, error) {
	p := &parser{file: name, cr: newRecords(r), modelIdx: map[string]int{}, instIdx: map[string]int32{}, classes: -1, cur: -1}
	if st, ok := r.(interface{ Stat() (fs.FileInfo, error) }); ok {
		if fi, err := st.Stat(); err == nil && fi.Mode().IsRegular() {
			p.size = fi.Size()
		}
	}
	if format := textcheck.Compressed(p.cr.peek(8)); format != "" {
		return nil, Mismatch{}, &ParseError{File: name, Line: 1, Column: 1, Err: fmt.Errorf("%w: a %s-compressed file, not CSV text; decompress it first", ErrEncoding, format)}
	}
	x, err := p.read()
	if err != nil {
		return nil, Mismatch{}, err
	}
	return x, p.mismatch, nil
}

type parser struct {
	file string
	cr   *records
	rec  []string // the current record; its fields are valid until the next read
	line int      // line of the current record's first field

	classes int // C from the header, or -1 when there are no p columns
	nf      int // fields per row

	models    []string
	modelIdx  map[string]int
	modelLine []int // line of each model's first row
	cur       int   // index of the model of the previous row
	instances []string
	instIdx   map[string]int32
	labels    []int32
	labelLine []int32 // line where each instance's label was first given
	order0    []int32 // instance indices in the order the first model lists them
	maxClass  int32

	// pred and prob hold model a's value for instance i at a*stride+i
	// (times C for prob); unwritten slots of pred are -1.
	stride int
	pred   []int32
	prob   []float32

	// size is the input's size in bytes when known (a regular file), 0
	// otherwise; headerEnd the offset after the header. With both, the
	// arrays are sized once the first model is read, for as many models as
	// the file holds at that model's bytes per model: reading a large
	// matrix then neither doubles nor copies it.
	size      int64
	headerEnd int64

	mismatch Mismatch // rows whose pred is not an argmax of their p

	groupCol  int      // index of the optional group column, 0 when there is none
	groups    []string // each instance's group, when there is a group column
	groupLine []int32  // line where each instance's group was first given
}

func (p *parser) errAt(field int, err error) *ParseError {
	line, col := p.line, 1
	if field >= 0 && field < len(p.rec) {
		line, col = p.cr.FieldPos(field)
	}
	return &ParseError{File: p.file, Line: line, Column: col, Err: err}
}

// next reads one record; it returns false at the end of the input.
func (p *parser) next() (bool, error) {
	rec, err := p.cr.Read()
	if err == io.EOF {
		return false, nil
	}
	if err != nil {
		var ce *csv.ParseError
		if errors.As(err, &ce) {
			return false, &ParseError{File: p.file, Line: ce.Line, Column: ce.Column, Err: fmt.Errorf("%w: %w", ErrSyntax, ce.Err)}
		}
		line, _ := p.cr.FieldPos(0)
		return false, &ParseError{File: p.file, Line: line, Column: 1, Err: fmt.Errorf("read: %w", err)}
	}
	p.rec = rec
	p.line, _ = p.cr.FieldPos(0)
	for k, f := range rec {
		if !utf8.ValidString(f) {
			return false, p.errAt(k, fmt.Errorf("%w: field %d", ErrEncoding, k+1))
		}
	}
	return true, nil
}

func (p *parser) read() (*Matrix, error) {
	ok, err := p.next()
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, &ParseError{File: p.file, Line: 1, Column: 1, Err: fmt.Errorf("%w: empty file, want a header and rows", ErrEmpty)}
	}
	if err := p.header(); err != nil {
		return nil, err
	}
	p.headerEnd = p.cr.InputOffset()
	headerLine := p.line
	rows := 0
	for {
		ok, err := p.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		if err := p.row(); err != nil {
			return nil, err
		}
		rows++
	}
	if rows == 0 {
		return nil, &ParseError{File: p.file, Line: headerLine + 1, Column: 1, Err: fmt.Errorf("%w: header only, no rows", ErrEmpty)}
	}
	return p.finish()
}

func (p *parser) header() error {
	rec := p.rec
	if len(rec) > 0 {
		rec[0] = strings.TrimPrefix(rec[0], "\ufeff")
	}
	for k, want := range fixedHeader {
		if k >= len(rec) {
			return p.errAt(len(rec)-1, fmt.Errorf("%w: %d columns, want model,instance,label,pred[,p0,…]", ErrHeader, len(rec)))
		}
		if rec[k] != want {
			return p.errAt(k, fmt.Errorf("%w: column %d is not %q (want model,instance,label,pred[,p0,…])", ErrHeader, k+1, want))
		}
	}
	p.nf = len(rec)
	rec = p.groupHeader(rec)
	for k := len(fixedHeader); k < len(rec); k++ {
		if want := "p" + strconv.Itoa(k-len(fixedHeader)); rec[k] != want {
			return p.errAt(k, fmt.Errorf("%w: column %d is not %q", ErrHeader, k+1, want))
		}
	}
	if c := len(rec) - len(fixedHeader); c > 0 {
		if c > MaxClasses {
			return p.errAt(len(rec)-1, fmt.Errorf("%w: %d probability columns, at most %d classes are supported", ErrHeader, c, MaxClasses))
		}
		p.classes = c
	}
	return nil
}

func (p *parser) class(k int, what string) (int32, error) {
	s := p.rec[k]
	v, err := strconv.ParseInt(s, 10, 32)
	if err != nil {
		return 0, p.errAt(k, fmt.Errorf("%w: %s is not an integer", ErrNumber, what))
	}
	switch {
	case v < 0:
		return 0, p.errAt(k, fmt.Errorf("%w: %s %d is negative", ErrRange, what, v))
	case p.classes > 0 && v >= int64(p.classes):
		return 0, p.errAt(k, fmt.Errorf("%w: %s %d outside [0, %d) set by the %d probability columns", ErrRange, what, v, p.classes, p.classes))
	case v >= MaxClasses:
		return 0, p.errAt(k, fmt.Errorf("%w: %s %d exceeds the limit of %d classes", ErrRange, what, v, MaxClasses))
	}
	return int32(v), nil
}

func (p *parser) row() error {
	rec := p.rec
	if len(rec) != p.nf {
		return p.errAt(len(rec)-1, fmt.Errorf("%w: row has %d fields, header has %d", ErrFieldCount, len(rec), p.nf))
	}
	if rec[0] == "" {
		return p.errAt(0, fmt.Errorf("%w: model name is empty", ErrName))
	}
	if rec[1] == "" {
		return p.errAt(1, fmt.Errorf("%w: instance id is empty", ErrName))
	}
	// A model name is shown in the terminal, the report, its figures and
	// tables: one holding a line break, a tab or a bidirectional override
	// would print as another name (a\nb, a\tb and a b all printed as
	// "a b"). Instance ids may hold line breaks, but no carriage return,
	// which CSV readers drop before a line break.
	if r, off, bad := textcheck.BadRune(rec[0]); bad {
		return p.errAt(0, fmt.Errorf("%w: model name holds %s; a model name may not hold control characters (line breaks, tabs) or formatting characters (bidirectional overrides), which print as other names", ErrName, textcheck.Describe(r, off)))
	}
	if strings.ContainsRune(rec[1], '\r') {
		return p.errAt(1, fmt.Errorf("%w: instance id contains a carriage return, which CSV cannot carry (readers drop a \\r before a line break)", ErrName))
	}
	if p.cur < 0 || rec[0] != p.models[p.cur] {
		a, ok := p.modelIdx[rec[0]]
		if !ok {
			a = p.addModel(strings.Clone(rec[0]))
		}
		p.cur = a
	}
	a := p.cur
	ii, ok := p.instIdx[rec[1]]
	if !ok {
		ii = p.addInstance(strings.Clone(rec[1]))
	}
	label, err := p.class(2, "label")
	if err != nil {
		return err
	}
	pred, err := p.class(3, "pred")
	if err != nil {
		return err
	}
	if err := p.groupField(ii); err != nil {
		return err
	}
	switch l := p.labels[ii]; {
	case l < 0:
		p.labels[ii] = label
		p.labelLine[ii] = int32(p.line)
	case l != label:
		return p.errAt(2, fmt.Errorf("%w: the instance has label %d here but %d on line %d", ErrLabel, label, l, p.labelLine[ii]))
	}
	slot := a*p.stride + int(ii)
	if p.pred[slot] >= 0 {
		return p.errAt(0, fmt.Errorf("%w: this model and instance appear on an earlier line too", ErrDuplicate))
	}
	p.pred[slot] = pred
	if a == 0 {
		p.order0 = append(p.order0, ii)
	}
	p.maxClass = max(p.maxClass, label, pred)
	if p.classes > 0 {
		c := p.classes
		dst := p.prob[slot*c : (slot+1)*c]
		sum := 0.0
		for j := range c {
			k := len(fixedHeader) + j
			v, err := strconv.ParseFloat(rec[k], 64)
			if err != nil && !errors.Is(err, strconv.ErrRange) {
				return p.errAt(k, fmt.Errorf("%w: p%d is not a number", ErrNumber, j))
			}
			if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 || v > math.MaxFloat32 {
				return p.errAt(k, fmt.Errorf("%w: p%d = %v, want a finite value ≥ 0", ErrProb, j, v))
			}
			dst[j] = toFloat32(v, rec[k])
			sum += v // the written decimals, in float64
		}
		if !probSumOK(sum) {
			return p.errAt(len(fixedHeader), fmt.Errorf("%w: p0…p%d sum to %.6g, want 1 ± %v", ErrProb, c-1, sum, ProbTolerance))
		}
		for _, v := range dst {
			if v > dst[pred] {
				if p.mismatch.Rows == 0 {
					p.mismatch.Line = p.line
				}
				p.mismatch.Rows++
				break
			}
		}
	}
	return nil
}

// toFloat32 returns the float32 nearest to the decimal s, whose nearest
// float64 is v: float32(v), unless v lies halfway between two float32s
// (or below float32's normal range), where rounding twice may differ from
// rounding s once and s is parsed again, so that the value is the one
// strconv.ParseFloat(s, 32) gives.
func toFloat32(v float64, s string) float32 {
	const dropped = 52 - 23 // mantissa bits of a float64 beyond a float32's
	if math.Float64bits(v)&(1<<dropped-1) == 1<<(dropped-1) || (v != 0 && v < 0x1p-126) {
		f, _ := strconv.ParseFloat(s, 32)
		return float32(f)
	}
	return float32(v)
}

// width is the number of prob values per pred slot.
func (p *parser) width() int { return max(p.classes, 0) }

func (p *parser) addModel(name string) int {
	a := len(p.models)
	p.models = append(p.models, name)
	p.modelIdx[name] = a
	p.modelLine = append(p.modelLine, p.line)
	if a == 1 {
		// The first model has listed its instances (in a model-major file,
		// all of them): fix the stride to their number.
		p.stride = len(p.instances)
		p.pred = p.pred[:p.stride]
		p.prob = p.prob[:p.stride*p.width()]
		p.presize()
	}
	p.pred = grow(p.pred, p.stride, -1)
	p.prob = grow(p.prob, p.stride*p.width(), 0)
	return a
}

func (p *parser) addInstance(id string) int32 {
	ii := int32(len(p.instances))
	p.instances = append(p.instances, id)
	p.instIdx[id] = ii
	p.labels = append(p.labels, -1)
	p.labelLine = append(p.labelLine, 0)
	if int(ii) >= p.stride {
		p.restride(max(2*p.stride, 64))
	}
	return ii
}

// restride moves every model's values to a larger stride.
func (p *parser) restride(stride int) {
	m, w := len(p.models), p.width()
	pred := make([]int32, m*stride)
	for k := range pred {
		pred[k] = -1
	}
	prob := make([]float32, m*stride*w)
	for a := 0; a < m; a++ {
		copy(pred[a*stride:], p.pred[a*p.stride:(a+1)*p.stride])
		copy(prob[a*stride*w:], p.prob[a*p.stride*w:(a+1)*p.stride*w])
	}
	p.stride, p.pred, p.prob = stride, pred, prob
}

// presize reserves room for the models the rest of the file holds,
// estimated from the bytes the first model took (when the input's size is
// known), with 2% to spare. Pages of the reserve that are never used are
// never touched, so an overestimate costs address space, not memory.
func (p *parser) presize() {
	used := p.cr.InputOffset() - p.headerEnd // the first model and one row
	if p.size <= 0 || used <= 0 || p.stride == 0 {
		return
	}
	models := (p.size-p.headerEnd)/used + 1
	models += models/50 + 1
	const limit = 64 << 30 // bytes; beyond it, grow as we go
	w := int64(p.width())
	if models*int64(p.stride)*(4+4*w) > limit {
		return
	}
	pred := make([]int32, len(p.pred), models*int64(p.stride))
	copy(pred, p.pred)
	prob := make([]float32, len(p.prob), models*int64(p.stride)*w)
	copy(prob, p.prob)
	p.pred, p.prob = pred, prob
}

// grow appends n copies of v to s. When it must reallocate, it grows the
// capacity by a quarter (at least to len(s)+n), so that appending model
// after model stays linear without the doubling's peak of three times the
// matrix during the copy.
func grow[T int32 | float32](s []T, n int, v T) []T {
	if len(s)+n > cap(s) {
		t := make([]T, len(s), max(cap(s)+cap(s)/4, len(s)+n))
		copy(t, s)
		s = t
	}
	s = s[:len(s)+n]
	tail := s[len(s)-n:]
	for k := range tail {
		tail[k] = v
	}
	return s
}

func (p *parser) finish() (*Matrix, error) {
	m, n, w := len(p.models), len(p.instances), p.width()
	if p.stride != n {
		// Compact to stride n; rows only move towards the front.
		for a := 0; a < m; a++ {
			copy(p.pred[a*n:(a+1)*n], p.pred[a*p.stride:a*p.stride+n])
			copy(p.prob[a*n*w:(a+1)*n*w], p.prob[a*p.stride*w:(a*p.stride+n)*w])
		}
		p.pred, p.prob = p.pred[:m*n], p.prob[:m*n*w]
		p.stride = n
	}
	for a := 0; a < m; a++ {
		for i, v := range p.pred[a*n : (a+1)*n] {
			if v < 0 {
				return nil, &ParseError{File: p.file, Line: p.modelLine[a], Column: 1,
					Err: fmt.Errorf("%w: the model first listed here has no row for the instance first listed on line %d", ErrMissing, p.labelLine[i])}
			}
		}
	}
	x := &Matrix{Models: p.models, Instances: p.instances, Classes: p.classes, Labels: p.labels, Pred: p.pred, Groups: p.groups}
	if p.classes > 0 {
		x.Prob = p.prob
	} else {
		x.Classes = int(p.maxClass) + 1
	}
	x.permute(p.order0)
	return x, nil
}

// permute reorders the instances of x so that new instance k is old
// instance order[k]; order is a permutation of 0..N-1.
func (x *Matrix) permute(order []int32) {
	identity := true
	for k, v := range order {
		if int(v) != k {
			identity = false
			break
		}
	}
	if identity {
		return
	}
	n, c := x.N(), x.Classes
	ids := make([]string, n)
	labels := make([]int32, n)
	for k, v := range order {
		ids[k], labels[k] = x.Instances[v], x.Labels[v]
	}
	x.Instances, x.Labels = ids, labels
	x.Groups = permuteGroups(x.Groups, order)
	tmp := make([]int32, n)
	for a := range x.Models {
		row := x.Pred[a*n : (a+1)*n]
		for k, v := range order {
			tmp[k] = row[v]
		}
		copy(row, tmp)
	}
	if x.Prob != nil {
		tmpP := make([]float32, n*c)
		for a := range x.Models {
			row := x.Prob[a*n*c : (a+1)*n*c]
			for k, v := range order {
				copy(tmpP[k*c:(k+1)*c], row[int(v)*c:(int(v)+1)*c])
			}
			copy(row, tmpP)
		}
	}
}
