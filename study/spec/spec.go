package spec

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/study-harness/study/models"
	"github.com/study-harness/study/optim"
	"github.com/study-harness/study/study/attack"
	"github.com/study-harness/study/study/data"
)

// Tasks a spec may ask for.
const (
	TaskBinary     = "binary"
	TaskMulticlass = "multiclass"
)

// MaxNameLen is the longest spec name accepted.
const MaxNameLen = 100

// Spec is a parsed, validated sweep spec.
type Spec struct {
	File    string    // file name, as given to Parse; used in errors
	Source  []byte    // a copy of the file's bytes, exactly as given
	Name    string    // results go to results/<Name>/
	Seed    int64     // spec seed; the default run seed
	Dataset data.Spec // the dataset mapping
	// EvalSets are corrupted copies of the test set on which every run is
	// also evaluated, for distribution-shift measures.
	EvalSets []data.Shift
	// Attacks are the adversarial attacks run on every model with an
	// input gradient after it has trained (study/attack), in spec order.
	Attacks []attack.Attack
	// AttackSubset is the number of test instances attacked (the spec's
	// attack_subset, attack.DefaultSubset when it is not written), or the
	// whole test set when that is smaller.
	AttackSubset int
	// Explain is the `explain:` block (attributions and their
	// agreement); nil when the spec has none.
	Explain *Explain
	Task    string  // TaskBinary or TaskMulticlass
	Fixed   []Value // run fields shared by every run, in written order
	// Axes are the dimensions of the grid: the axes in written order, then
	// the zip groups in written order. The grid is their cartesian product
	// with the first axis varying slowest.
	Axes    []Axis
	Exclude []Exclude // partial assignments whose runs are dropped
	// DatasetAt locates the dataset mapping, for errors found when the
	// data are loaded: "dataset" is the mapping, "dataset.<key>" the value
	// of each key written in it.
	DatasetAt map[string]Position
}

// Position is a line and column of the spec file, from 1.
type Position struct{ Line, Column int }

// DatasetError returns err, an error found in the dataset when it is
// loaded, as an *Error at the dataset field it names (a
// *models.FieldError's Field, "dataset.<key>") or, failing that, at the
// dataset mapping. It returns nil for nil.
func (s *Spec) DatasetError(err error) error {
	if err == nil {
		return nil
	}
	e := &Error{File: s.File, Field: "dataset", Msg: err.Error(), Err: err}
	var fe *models.FieldError
	if errors.As(err, &fe) {
		if at, ok := s.DatasetAt[fe.Field]; ok {
			e.Field, e.Msg, e.Line, e.Column = fe.Field, fe.Msg, at.Line, at.Column
			return e
		}
	}
	var pe *fs.PathError
	if at, ok := s.DatasetAt["dataset.path"]; ok && errors.As(err, &pe) {
		e.Field, e.Line, e.Column = "dataset.path", at.Line, at.Column
		return e
	}
	at := s.DatasetAt["dataset"]
	e.Line, e.Column = at.Line, at.Column
	return e
}

// RunError locates err, a problem of one run of the grid found outside
// the spec (a recipe the data cannot support), at the spec value that
// set the offending field: when err wraps a *models.FieldError, the
// value of that field in the run's axis point (the one whose readable
// form axisText returns for the key) or its fixed value (a field is
// written once in a spec). For a FieldError the *Error's Field and
// message are the FieldError's (the message after the run's name), and
// it has a line unless no value set the field (its default); for any
// other error it has no field or line and its message is err's.
func (s *Spec) RunError(run string, axisText func(key string) (string, bool), err error) *Error {
	e := &Error{File: s.File, Msg: "run " + run + ": " + err.Error(), Err: err}
	var fe *models.FieldError
	if !errors.As(err, &fe) {
		return e
	}
	e.Field, e.Msg = fe.Field, "run "+run+": "+fe.Msg
	if x, ok := s.valueOf(fe.Field, axisText); ok {
		e.Field, e.Line, e.Column = x.Path, x.Line, x.Column
	}
	return e
}

// valueOf returns the value that sets key in the run whose axis values
// axisText gives: its axis point's or the fixed one.
func (s *Spec) valueOf(key string, axisText func(key string) (string, bool)) (Value, bool) {
	if text, ok := axisText(key); ok {
		for _, a := range s.Axes {
			for _, pt := range a.Points {
				for _, x := range pt {
					if x.Key == key && x.Text == text {
						return x, true
					}
				}
			}
		}
	}
	for _, x := range s.Fixed {
		if x.Key == key {
			return x, true
		}
	}
	return Value{}, false
}

// Value is one run-field value written in the spec.
type Value struct {
	Key  string // run field key, e.g. "lr"
	V    any    // the decoded value, of the Config field's Go type
	Text string // readable form: numbers shortest, lists joined by "+", empty list "none"
	Path string // where the value is written, e.g. "axes.lr"; the Field of errors
	// Line and Column locate the value in the file.
	Line, Column int
}

// Point is one position along an axis: one value per key of the axis.
type Point []Value

// Axis is one dimension of the grid. A plain axis has one key; a zip group
// has several keys that vary together, and its points set all of them.
type Axis struct {
	Keys   []string
	Points []Point
	Zip    bool   // whether the axis is a zip group
	Path   string // "axes.<key>" or "zip[i]"
	// Line and Column locate the axis key or the zip group.
	Line, Column int
}

// Varies reports whether the axis has two or more points; only varying axes
// appear in run names.
func (a *Axis) Varies() bool { return len(a.Points) >= 2 }

// Exclude is one entry of exclude: a run whose values match all of Values
// (by Text) is dropped from the grid.
type Exclude struct {
	Values       []Value
	Line, Column int
}

// nameRE is the alphabet of a spec name, which becomes a folder name.
var nameRE = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)

// Load reads and parses the spec file at path.
func Load(path string) (*Spec, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, src)
}

// Parse parses and validates the spec in src; file names it in errors.
// Every error is an *Error. Parse checks everything that does not need the
// grid expanded: keys, types, lists, duplicate keys and values, exclude
// entries, and every value against Config.Validate. The grid size is
// checked by the grid package.
func Parse(file string, src []byte) (*Spec, error) {
	return ParseMax(file, src, 0)
}

type parser struct {
	s       *Spec
	maxRuns int // see ParseMax; ≤ 0: no cap here
	// owner maps each run key set by fixed, axes or zip to its path and
	// line, to reject a key set twice.
	owner map[string]Value
}

func (p *parser) errorf(n *yaml.Node, field, format string, args ...any) *Error {
	e := &Error{File: p.s.File, Field: field, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		e.Line, e.Column = n.Line, n.Column
	}
	return e
}

func (p *parser) wrap(d *decodeError) *Error {
	if d == nil {
		return nil
	}
	e := p.errorf(d.node, d.path, "%s", d.msg)
	e.Err = d.err
	return e
}

// yamlLineRE finds the line in a yaml.v3 syntax error.
var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): `)

// decodeYAML parses src into a document node. yaml.v3 is not known to
// panic, but a spec must never crash the program, so a panic becomes an
// error.
func decodeYAML(src []byte) (doc, more *yaml.Node, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("yaml: parser failure: %v", r)
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var n yaml.Node
	if err := dec.Decode(&n); err != nil {
		return nil, nil, err
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return &n, &extra, nil // extra.Line is 0 when it does not parse
	}
	return &n, nil, nil
}

// parserProblems start the messages of yaml.v3's parser (not scanner)
// errors. yaml.v3 reports their line 0-based (the line of the
// construct being parsed) and omits it when it is 0; scanner errors have
// 1-based lines.
var parserProblems = []string{
	"did not find expected",
	"found duplicate %",
	"found incompatible YAML document",
	"found undefined tag handle",
}

// syntaxError turns a yaml.v3 error on src into an *Error with a 1-based
// line, and a column where the message names something to find in src.
func (p *parser) syntaxError(err error, src []byte) *Error {
	e := &Error{File: p.s.File, Msg: err.Error(), Err: err}
	m := yamlLineRE.FindStringSubmatch(e.Msg)
	if m != nil {
		e.Line, _ = strconv.Atoi(m[1])
		e.Msg = strings.TrimPrefix(e.Msg, m[0])
	}
	e.Msg = strings.TrimPrefix(e.Msg, "yaml: ")
	for _, prefix := range parserProblems {
		if strings.HasPrefix(e.Msg, prefix) {
			e.Line++
			break
		}
	}
	lines := strings.Split(string(src), "\n")
	switch {
	case strings.HasPrefix(e.Msg, "found a tab character"):
		// yaml.v3 names the line before the tab's: report the first line
		// from there whose indentation holds a tab.
		for i := max(e.Line-1, 0); i < len(lines); i++ {
			indent := lines[i][:len(lines[i])-len(strings.TrimLeft(lines[i], " \t"))]
			if c := strings.IndexByte(indent, '\t'); c >= 0 {
				e.Line, e.Column = i+1, c+1
				break
			}
		}
	case e.Line == 0:
		// "unknown anchor 'a' referenced" has no line: find the alias.
		if a := unknownAnchorRE().FindStringSubmatch(e.Msg); a != nil {
			alias := regexp.MustCompile(`\*` + regexp.QuoteMeta(a[1]) + `(?:[\s,\]}]|$)`)
			for i, l := range lines {
				if loc := alias.FindStringIndex(l); loc != nil {
					e.Line, e.Column = i+1, utf8.RuneCountInString(l[:loc[0]])+1
					break
				}
			}
		}
	}
	e.Msg = "YAML syntax: " + e.Msg
	return e
}

// secondDocument returns the 1-based line of the "---" that starts a
// second YAML document in src, 0 if it finds none.
func secondDocument(src []byte) int {
	content := false
	for i, l := range strings.Split(string(src), "\n") {
		switch t := strings.TrimSpace(l); {
		case strings.HasPrefix(l, "---") && content:
			return i + 1
		case t != "" && t[0] != '#' && t[0] != '%' && !strings.HasPrefix(l, "---"):
			content = true
		}
	}
	return 0
}

// unknownAnchorRE matches yaml.v3's message for an alias of no anchor.
var unknownAnchorRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^unknown anchor '([^']*)' referenced`) })

func (p *parser) parse(src []byte) error {
	if len(bytes.TrimSpace(src)) == 0 {
		return p.errorf(nil, "", "empty spec")
	}
	if !utf8.Valid(src) {
		i := 0
		for i < len(src) {
			r, size := utf8.DecodeRune(src[i:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			i += size
		}
		line := 1 + bytes.Count(src[:i], []byte("\n"))
		col := 1 + utf8.RuneCount(src[bytes.LastIndexByte(src[:i], '\n')+1:i])
		return &Error{File: p.s.File, Line: line, Column: col, Msg: fmt.Sprintf("invalid UTF-8 (byte %#02x); a spec must be UTF-8 text", src[i])}
	}
	doc, more, err := decodeYAML(src)
	if err != nil {
		if errors.Is(err, io.EOF) {
			return p.errorf(nil, "", "empty spec")
		}
		return p.syntaxError(err, src)
	}
	if more != nil {
		if more.Line == 0 { // the second document does not parse
			more = &yaml.Node{Line: secondDocument(src)}
		}
		return p.errorf(more, "", "more than one YAML document; a spec is one document")
	}
	root := doc
	if root.Kind == yaml.DocumentNode {
		if len(root.Content) == 0 {
			return p.errorf(nil, "", "empty spec")
		}
		root = deref(root.Content[0])
	}
	if root == nil || (root.Kind == yaml.ScalarNode && root.ShortTag() == "!!null") {
		return p.errorf(nil, "", "empty spec")
	}
	if root.Kind != yaml.MappingNode {
		got := describeNode(root)
		if root.Kind == yaml.ScalarNode {
			got = "a single value" // not quoted: the file may be any file
		}
		return p.errorf(root, "", "a spec must be a mapping of keys (name, dataset, axes, ...), got %s", got)
	}

	// Collect the sections first, then read them in dependency order.
	sections := map[string][2]*yaml.Node{}
	if d := eachPair(root, "", func(k, v *yaml.Node, key, _ string) *decodeError {
		switch key {
		case "name", "seed", "dataset", "task", "fixed", "axes", "zip", "exclude", "eval_sets", "attacks", "attack_subset", "explain":
			sections[key] = [2]*yaml.Node{k, deref(v)}
			return nil
		}
		return &decodeError{node: k, path: safeKey(key), msg: fmt.Sprintf("unknown key %s (known: name, seed, dataset, task, fixed, axes, zip, exclude, eval_sets, attacks, attack_subset, explain)", quoteKey(key))}
	}); d != nil {
		return p.wrap(d)
	}
	if err := p.checkCap(sections["axes"], sections["zip"]); err != nil {
		return err
	}
	for _, step := range []struct {
		key string
		fn  func(k, v *yaml.Node) error
	}{
		{"name", p.name}, {"seed", p.seed}, {"dataset", p.dataset}, {"task", p.task},
		{"fixed", p.fixed}, {"axes", p.axes}, {"zip", p.zip}, {"exclude", p.exclude},
		{"eval_sets", p.evalSets}, {"attacks", p.attacks}, {"attack_subset", p.attackSubset},
		{"explain", p.explainBlock},
	} {
		kv, ok := sections[step.key]
		if !ok {
			switch step.key {
			case "name", "dataset":
				return p.errorf(root, step.key, "missing required key %q", step.key)
			}
			continue
		}
		if err := step.fn(kv[0], kv[1]); err != nil {
			return err
		}
	}
	return p.validate()
}

func (p *parser) name(_, v *yaml.Node) error {
	if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!str" {
		return p.errorf(v, "name", "want a string, got %s", describeNode(v))
	}
	name := v.Value
	switch {
	case name == "." || name == ".." || !nameRE.MatchString(name):
		return p.errorf(v, "name", "name %q must be a single folder name of letters, digits, '.', '_' or '-' (not . or ..)", name)
	case len(name) > MaxNameLen:
		return p.errorf(v, "name", "name is %d characters; at most %d are allowed", len(name), MaxNameLen)
	}
	p.s.Name = name
	return nil
}

func (p *parser) seed(_, v *yaml.Node) error {
	x, d := decodeValue(v, reflect.TypeFor[int64](), "seed")
	if d != nil {
		return p.wrap(d)
	}
	p.s.Seed = x.Int()
	return nil
}

func (p *parser) dataset(_, v *yaml.Node) error {
	if v.Kind != yaml.MappingNode {
		return p.errorf(v, "dataset", "want a mapping, got %s", describeNode(v))
	}
	if d := decodeStruct(v, reflect.ValueOf(&p.s.Dataset).Elem(), "dataset"); d != nil {
		return p.wrap(d)
	}
	p.s.DatasetAt = map[string]Position{"dataset": {v.Line, v.Column}}
	ds := reflect.ValueOf(p.s.Dataset)
	for i := 0; i+1 < len(v.Content); i += 2 {
		key, val := v.Content[i].Value, v.Content[i+1]
		p.s.DatasetAt["dataset."+key] = Position{val.Line, val.Column}
		for _, f := range structFields(ds.Type()) {
			if f.key == key {
				if msg := givenZero(unsetOnlyDataset, key, ds.FieldByIndex(f.index)); msg != "" {
					return p.errorf(deref(val), "dataset."+key, "%s", msg)
				}
			}
		}
	}
	if p.s.Dataset.Name == "" {
		return p.errorf(v, "dataset.name", "missing dataset name")
	}
	return nil
}

// evalSets reads `eval_sets:`, a list of corrupted copies of the test set
// (data.Shift) on which every run is also evaluated.
func (p *parser) evalSets(_, v *yaml.Node) error {
	if v.Kind != yaml.SequenceNode {
		return p.errorf(v, "eval_sets", "want a list of {name, corruption, severity}, got %s", describeNode(v))
	}
	seen := map[string]bool{}
	for i, item := range v.Content {
		item = deref(item)
		path := fmt.Sprintf("eval_sets[%d]", i)
		if item.Kind != yaml.MappingNode {
			return p.errorf(item, path, "want a mapping {name, corruption, severity}, got %s", describeNode(item))
		}
		var sh data.Shift
		if d := decodeStruct(item, reflect.ValueOf(&sh).Elem(), path); d != nil {
			return p.wrap(d)
		}
		if err := sh.Validate(); err != nil {
			var fe *models.FieldError
			errors.As(err, &fe)
			return p.errorf(fieldNode(item, fe.Field), path+"."+fe.Field, "%s", fe.Msg)
		}
		if seen[sh.Name] {
			return p.errorf(fieldNode(item, "name"), path+".name", "duplicate eval set name %q", sh.Name)
		}
		seen[sh.Name] = true
		p.s.EvalSets = append(p.s.EvalSets, sh)
	}
	return nil
}

// fieldNode returns the value node of key in mapping n, or n itself.
func fieldNode(n *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return n
}

func (p *parser) task(_, v *yaml.Node) error {
	if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!str" {
		return p.errorf(v, "task", "want a string, got %s", describeNode(v))
	}
	switch v.Value {
	case TaskBinary, TaskMulticlass:
		p.s.Task = v.Value
		return nil
	}
	return p.errorf(v, "task", "unknown task %q (known: %s, %s)", v.Value, TaskBinary, TaskMulticlass)
}

// isNull reports whether n is an empty section (`fixed:` with nothing).
func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// runValue decodes one value of run field key.
func (p *parser) runValue(k, v *yaml.Node, key, path string) (Value, *Error) {
	f, ok := runField(key)
	if !ok {
		return Value{}, p.errorf(k, path, "unknown run field %s (known: %s)", quoteKey(key), strings.Join(Keys(), ", "))
	}
	if key == keyDataSubset {
		v = canonicalFraction(numberAsString(v))
	}
	x, d := decodeValue(v, f.typ, path)
	if d != nil {
		return Value{}, p.wrap(d)
	}
	v = deref(v)
	x = positiveZero(x)
	if msg := givenZero(unsetOnly, key, x); msg != "" {
		return Value{}, p.errorf(v, path, "%s", msg)
	}
	if msg := badText(x); msg != "" {
		return Value{}, p.errorf(v, path, "%s", msg)
	}
	return Value{Key: key, V: x.Interface(), Text: text(x), Path: path, Line: v.Line, Column: v.Column}, nil
}

// numberAsString returns n retagged as a string when it is a YAML number,
// so that a string field can take a value written as a number (data_subset:
// 0.5); other nodes are returned unchanged. n itself is not modified.
func numberAsString(n *yaml.Node) *yaml.Node {
	n = deref(n)
	if n == nil || n.Kind != yaml.ScalarNode {
		return n
	}
	if t := n.ShortTag(); t != "!!int" && t != "!!float" {
		return n
	}
	c := *n
	c.Tag = "!!str"
	return &c
}

// canonicalFraction returns scalar n with a numeric value respelled in its
// shortest form (0.50, .5 and 5e-1 all become 0.5), so that one fraction
// of data_subset is one config, one run id and one axis value however it
// is written; other nodes are returned unchanged. n itself is not
// modified.
func canonicalFraction(n *yaml.Node) *yaml.Node {
	if n == nil || n.Kind != yaml.ScalarNode {
		return n
	}
	f, err := strconv.ParseFloat(n.Value, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return n
	}
	c := *n
	c.Value = strconv.FormatFloat(f, 'g', -1, 64)
	return &c
}

// claim records that path sets key, rejecting a key set twice.
func (p *parser) claim(k *yaml.Node, key, path string) *Error {
	if p.owner == nil {
		p.owner = map[string]Value{}
	}
	if prev, dup := p.owner[key]; dup {
		return p.errorf(k, path, "%s is already set at %s (line %d); a run field may appear once across fixed, axes and zip", key, prev.Path, prev.Line)
	}
	p.owner[key] = Value{Key: key, Path: path, Line: k.Line}
	return nil
}

func (p *parser) fixed(_, v *yaml.Node) error {
	if isNull(v) {
		return nil
	}
	if v.Kind != yaml.MappingNode {
		return p.errorf(v, "fixed", "want a mapping of run fields, got %s", describeNode(v))
	}
	var err *Error
	d := eachPair(v, "fixed", func(k, val *yaml.Node, key, path string) *decodeError {
		var x Value
		if x, err = p.runValue(k, val, key, path); err != nil {
			return errStop
		}
		if err = p.claim(k, key, path); err != nil {
			return errStop
		}
		p.s.Fixed = append(p.s.Fixed, x)
		return nil
	})
	return p.result(d, err)
}

// errStop stops eachPair after the callback has set an *Error itself.
var errStop = &decodeError{msg: "stop"}

// result returns the error of an eachPair walk: the callback's own error
// when it stopped the walk, otherwise the walk's error.
func (p *parser) result(d *decodeError, err *Error) error {
	if d == errStop {
		return err
	}
	if d != nil {
		return p.wrap(d)
	}
	return nil
}

// axisValues decodes the list of values of one axis key.
func (p *parser) axisValues(k, v *yaml.Node, key, path string) ([]Value, *Error) {
	if _, ok := runField(key); !ok {
		return nil, p.errorf(k, path, "unknown run field %s (known: %s)", quoteKey(key), strings.Join(Keys(), ", "))
	}
	v = deref(v)
	if v.Kind != yaml.SequenceNode || len(v.Content) == 0 {
		return nil, p.errorf(v, path, "an axis must be a non-empty list of values, got %s (use fixed: for a single value)", describeNode(v))
	}
	out := make([]Value, 0, len(v.Content))
	for _, e := range v.Content {
		x, err := p.runValue(k, e, key, path)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, nil
}

func (p *parser) axes(_, v *yaml.Node) error {
	if isNull(v) {
		return nil
	}
	if v.Kind != yaml.MappingNode {
		return p.errorf(v, "axes", "want a mapping of run fields to lists, got %s", describeNode(v))
	}
	var err *Error
	d := eachPair(v, "axes", func(k, val *yaml.Node, key, path string) *decodeError {
		var vals []Value
		if vals, err = p.axisValues(k, val, key, path); err != nil {
			return errStop
		}
		if err = p.claim(k, key, path); err != nil {
			return errStop
		}
		a := Axis{Keys: []string{key}, Path: path, Line: k.Line, Column: k.Column}
		for _, x := range vals {
			a.Points = append(a.Points, Point{x})
		}
		if err = p.uniquePoints(&a); err != nil {
			return errStop
		}
		p.s.Axes = append(p.s.Axes, a)
		return nil
	})
	return p.result(d, err)
}

// uniquePoints rejects an axis that lists the same point twice, which would
// make two runs with the same config and name.
func (p *parser) uniquePoints(a *Axis) *Error {
	seen := map[string]int{}
	for i, pt := range a.Points {
		texts := make([]string, len(pt))
		for j, x := range pt {
			texts[j] = x.Text
		}
		t := strings.Join(texts, "\x00")
		if j, dup := seen[t]; dup {
			return p.errorf(&yaml.Node{Line: pt[0].Line, Column: pt[0].Column}, a.Path,
				"duplicate value %s (same as value %d at line %d)", strings.Join(texts, ", "), j+1, a.Points[j][0].Line)
		}
		seen[t] = i
	}
	return nil
}

func (p *parser) zip(_, v *yaml.Node) error {
	if isNull(v) {
		return nil
	}
	if v.Kind != yaml.SequenceNode {
		return p.errorf(v, "zip", "want a list of groups (mappings of run fields to lists), got %s", describeNode(v))
	}
	for gi, g := range v.Content {
		g = deref(g)
		gpath := fmt.Sprintf("zip[%d]", gi)
		if g.Kind != yaml.MappingNode || len(g.Content) == 0 {
			return p.errorf(g, gpath, "a zip group must be a non-empty mapping of run fields to lists, got %s", describeNode(g))
		}
		a := Axis{Zip: true, Path: gpath, Line: g.Line, Column: g.Column}
		var cols [][]Value
		var first string
		var err *Error
		d := eachPair(g, gpath, func(k, val *yaml.Node, key, path string) *decodeError {
			var vals []Value
			if vals, err = p.axisValues(k, val, key, path); err != nil {
				return errStop
			}
			if len(cols) > 0 && len(vals) != len(cols[0]) {
				err = p.errorf(k, path, "%d values, but %s has %d; the lists of a zip group must have equal length", len(vals), first, len(cols[0]))
				return errStop
			}
			if err = p.claim(k, key, path); err != nil {
				return errStop
			}
			if len(cols) == 0 {
				first = path
			}
			a.Keys = append(a.Keys, key)
			cols = append(cols, vals)
			return nil
		})
		if err := p.result(d, err); err != nil {
			return err
		}
		for i := range cols[0] {
			pt := make(Point, len(cols))
			for j := range cols {
				pt[j] = cols[j][i]
			}
			a.Points = append(a.Points, pt)
		}
		if err := p.uniquePoints(&a); err != nil {
			return err
		}
		p.s.Axes = append(p.s.Axes, a)
	}
	return nil
}

// axisOf returns the axis that sets key, or nil.
func (s *Spec) axisOf(key string) *Axis {
	for i := range s.Axes {
		for _, k := range s.Axes[i].Keys {
			if k == key {
				return &s.Axes[i]
			}
		}
	}
	return nil
}

func (p *parser) exclude(_, v *yaml.Node) error {
	if isNull(v) {
		return nil
	}
	if v.Kind != yaml.SequenceNode {
		return p.errorf(v, "exclude", "want a list of partial assignments (mappings of axis keys to values), got %s", describeNode(v))
	}
	for ei, e := range v.Content {
		e = deref(e)
		epath := fmt.Sprintf("exclude[%d]", ei)
		if e.Kind != yaml.MappingNode || len(e.Content) == 0 {
			return p.errorf(e, epath, "an exclude entry must be a non-empty mapping of axis keys to values, got %s", describeNode(e))
		}
		ex := Exclude{Line: e.Line, Column: e.Column}
		var err *Error
		d := eachPair(e, epath, func(k, val *yaml.Node, key, path string) *decodeError {
			var x Value
			if x, err = p.runValue(k, val, key, path); err != nil {
				return errStop
			}
			a := p.s.axisOf(key)
			if a == nil {
				err = p.errorf(k, path, "%s is not an axis; exclude may only name keys of axes or zip", key)
				return errStop
			}
			var texts []string
			for _, pt := range a.Points {
				for _, y := range pt {
					if y.Key == key {
						if y.Text == x.Text {
							ex.Values = append(ex.Values, x)
							return nil
						}
						texts = append(texts, y.Text)
					}
				}
			}
			err = p.errorf(deref(val), path, "value %s is not in axis %s (values: %s)", x.Text, key, strings.Join(texts, ", "))
			return errStop
		})
		if err := p.result(d, err); err != nil {
			return err
		}
		p.s.Exclude = append(p.s.Exclude, ex)
	}
	return nil
}

// validate checks every value with Config.Validate: first the run made of
// the fixed values and the first point of each axis, then, axis by axis,
// that run with each other point substituted. This checks each value once
// without expanding the grid; grid.Expand validates every run again. A
// point that sets only seeds is not resolved again: its values are
// integers already (runValue), and Config.Validate checks no seed, so it
// cannot fail where the base run passed (a seed axis has a point per
// model, a thousand or more).
func (p *parser) validate() error {
	base := make([]Point, len(p.s.Axes))
	for i := range p.s.Axes {
		base[i] = p.s.Axes[i].Points[0]
	}
	if _, err := p.s.Resolve(base...); err != nil {
		return err
	}
	pts := make([]Point, len(base))
	for i := range p.s.Axes {
		for _, pt := range p.s.Axes[i].Points[1:] {
			if seedsOnly(pt) {
				continue // Config.Validate checks no seed: the base run stands for it
			}
			copy(pts, base)
			pts[i] = pt
			if _, err := p.s.Resolve(pts...); err != nil {
				return err
			}
		}
	}
	return nil
}

// seedsOnly reports whether every value of pt sets a seed.
func seedsOnly(pt Point) bool {
	for _, x := range pt {
		if !IsSeed(x.Key) {
			return false
		}
	}
	return true
}

// Resolve returns the config of the run that takes the given points (one per
// axis, in any order): the defaults, then the fixed values, then the
// points, with seed defaulting to the spec seed and init_seed, order_seed
// and aug_seed defaulting to the run's seed unless a value sets them;
// data_seed defaults to the run's seed too when data_subset is not full
// (for full data it is unused and stays 0 unless set). The
// config is validated; a validation error is an *Error at the value that
// set the offending field (or without a line, when the field has its
// default value). Slices in the config are fresh copies.
func (s *Spec) Resolve(points ...Point) (Config, error) {
	c := Default()
	c.Seed = s.Seed
	rv := reflect.ValueOf(&c).Elem()
	// set holds the values applied, the last one of a key winning; a
	// config has few keys, so a slice searched from its end beats a map.
	n := len(s.Fixed)
	for _, pt := range points {
		n += len(pt)
	}
	set := make([]Value, 0, n)
	lookup := func(key string) (Value, bool) {
		for i := len(set) - 1; i >= 0; i-- {
			if set[i].Key == key {
				return set[i], true
			}
		}
		return Value{}, false
	}
	apply := func(x Value) error {
		f, ok := runField(x.Key)
		if !ok {
			return &Error{File: s.File, Line: x.Line, Column: x.Column, Field: x.Path, Msg: fmt.Sprintf("unknown run field %q", x.Key)}
		}
		xv := reflect.ValueOf(x.V)
		if !xv.IsValid() || xv.Type() != f.typ {
			return &Error{File: s.File, Line: x.Line, Column: x.Column, Field: x.Path, Msg: fmt.Sprintf("value of %s is %T, want %s", x.Key, x.V, f.typ)}
		}
		switch xv.Kind() {
		case reflect.Slice:
			xv = reflect.AppendSlice(reflect.MakeSlice(f.typ, 0, xv.Len()), xv)
		case reflect.Pointer:
			if !xv.IsNil() {
				cp := reflect.New(f.typ.Elem())
				cp.Elem().Set(xv.Elem())
				xv = cp
			}
		}
		rv.FieldByIndex(f.index).Set(xv)
		set = append(set, x)
		return nil
	}
	for _, x := range s.Fixed {
		if err := apply(x); err != nil {
			return Config{}, err
		}
	}
	for _, pt := range points {
		for _, x := range pt {
			if err := apply(x); err != nil {
				return Config{}, err
			}
		}
	}
	for _, d := range [...]struct {
		key string
		dst *int64
	}{{keyInitSeed, &c.InitSeed}, {keyOrderSeed, &c.OrderSeed}, {keyAugSeed, &c.AugSeed}} {
		if _, ok := lookup(d.key); !ok {
			*d.dst = c.Seed
		}
	}
	// A given momentum equal to the optimizer's default of 0 trains as an
	// unset one, and is written as one, so that sgd's runs keep the run
	// id they had when momentum 0 stood for "not given".
	if c.Momentum != nil && *c.Momentum == 0 && optim.DefaultMomentumOf(c.Optimizer) == 0 {
		c.Momentum = nil
	}
	// data_seed matters only for a subset; leaving it 0 for full data
	// keeps the canonical encoding (and run id) of full-data runs as it was.
	if _, ok := lookup(keyDataSeed); !ok {
		if kind, _, err := ParseDataSubset(c.DataSubset); err == nil && kind != SubsetFull {
			c.DataSeed = c.Seed
		}
	}
	if err := c.Validate(); err != nil {
		e := &Error{File: s.File, Msg: err.Error(), Err: err}
		var fe *models.FieldError
		if errors.As(err, &fe) {
			e.Field, e.Msg = fe.Field, fe.Msg
			if x, ok := lookup(fe.Field); ok {
				e.Field, e.Line, e.Column = x.Path, x.Line, x.Column
			} else {
				e.Msg += " (default value)"
			}
		}
		return Config{}, e
	}
	return c, nil
}
