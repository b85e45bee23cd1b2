package spec

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// field is one settable field of a struct, found by flattening embedded
// structs the way encoding/json does.
type field struct {
	key   string // json name
	index []int  // for reflect.Value.FieldByIndex
	typ   reflect.Type
}

// structFields lists the fields of struct type t by json name, in
// declaration order, with anonymous struct fields flattened. A name that
// appears twice keeps its first (shallowest, earliest) field.
func structFields(t reflect.Type) []field {
	var out []field
	seen := map[string]bool{}
	var walk func(t reflect.Type, index []int)
	walk = func(t reflect.Type, index []int) {
		for i := 0; i < t.NumField(); i++ {
			sf := t.Field(i)
			idx := append(append([]int(nil), index...), i)
			name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			if sf.Anonymous && name == "" && sf.Type.Kind() == reflect.Struct {
				walk(sf.Type, idx)
				continue
			}
			if !sf.IsExported() {
				continue
			}
			if name == "" {
				name = sf.Name
			}
			if seen[name] {
				continue
			}
			seen[name] = true
			out = append(out, field{key: name, index: idx, typ: sf.Type})
		}
	}
	walk(t, nil)
	return out
}

// initType is decoded specially: a scalar or a mapping.
var initType = reflect.TypeFor[Init]()

// runFields are the run fields: the keys valid in fixed, axes, zip and
// exclude.
var runFields = structFields(reflect.TypeOf(Config{}))

// runFieldIndex maps a run field's key to its index in runFields.
var runFieldIndex = func() map[string]int {
	m := make(map[string]int, len(runFields))
	for i, f := range runFields {
		if _, dup := m[f.key]; !dup {
			m[f.key] = i
		}
	}
	return m
}()

// runField returns the run field called key.
func runField(key string) (field, bool) {
	i, ok := runFieldIndex[key]
	if !ok {
		return field{}, false
	}
	return runFields[i], true
}

// Keys returns the run field keys in the order of Config's fields: the keys
// that fixed, axes, zip and exclude accept.
func Keys() []string {
	out := make([]string, len(runFields))
	for i, f := range runFields {
		out[i] = f.key
	}
	return out
}

// IsSeed reports whether key is one of the run fields that only seed a
// random stream: seed, init_seed, order_seed, aug_seed and data_seed.
func IsSeed(key string) bool {
	switch key {
	case keySeed, keyInitSeed, keyOrderSeed, keyAugSeed, keyDataSeed:
		return true
	}
	return false
}

// Reserved run-field keys that Resolve treats specially.
const (
	keySeed      = "seed"
	keyInitSeed  = "init_seed"
	keyOrderSeed = "order_seed"
	keyAugSeed   = "aug_seed"
	keyDataSeed  = "data_seed"
	// keyDataSubset takes a string, but a fraction may be written as a
	// YAML number (data_subset: 0.5).
	keyDataSubset = "data_subset"
)

// NoneValue, written for a list-valued field, means the empty list.
const NoneValue = "none"

// maxAliasDepth bounds alias chains; yaml.v3 rejects cycles, but a bound
// keeps deref total on any node graph.
const maxAliasDepth = 100

// deref follows aliases to the node they name.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < maxAliasDepth; i++ {
		n = n.Alias
	}
	return n
}

// typeError is a wrong-type message: what the field wants, what it got.
func typeError(t reflect.Type, n *yaml.Node) string {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	k := t.Kind()
	negative := strings.HasPrefix(n.Value, "-")
	if (k >= reflect.Int && k <= reflect.Int64 || k >= reflect.Uint && k <= reflect.Uint64 && !negative) &&
		n.Kind == yaml.ScalarNode && n.ShortTag() != "!!str" && integerRE().MatchString(n.Value) {
		// An integer literal that the field cannot hold: too large (YAML
		// reads one beyond 64 bits as a float).
		return fmt.Sprintf("want %s, got %s, which does not fit in %d bits", describeType(t), n.Value, t.Bits())
	}
	return fmt.Sprintf("want %s, got %s", describeType(t), describeNode(n))
}

// integerRE matches a decimal integer literal as YAML writes one.
var integerRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[-+]?[0-9][0-9_]*$`) })

func describeType(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "an integer"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a non-negative integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice:
		return "a list of " + strings.TrimPrefix(strings.TrimPrefix(describeType(t.Elem()), "a "), "an ") + "s"
	case reflect.Struct:
		return "a mapping"
	case reflect.Pointer:
		return describeType(t.Elem())
	}
	return t.String()
}

func describeNode(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return "null"
		case "!!str":
			if n.Style == 0 && outOfRange(n.Value) {
				// yaml.v3 tags a plain number beyond float64 (1e400) as
				// a string; it is a number the program cannot hold.
				return "number " + n.Value + ", which is beyond the range of a 64-bit float"
			}
			return fmt.Sprintf("string %q", n.Value)
		case "!!int":
			return "integer " + n.Value
		case "!!float":
			return "number " + n.Value
		case "!!bool":
			return "boolean " + n.Value
		}
		return fmt.Sprintf("%s %q", n.ShortTag(), n.Value)
	}
	return "an alias"
}

// keyRE matches a key that looks like a field name.
var keyRE = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,40}$`)

// safeKey returns key when it looks like a field name, else a placeholder
// that quotes nothing: a file given as a spec by mistake (/etc/shadow)
// must not have its lines printed back as unknown keys.
func safeKey(key string) string {
	if keyRE.MatchString(key) {
		return key
	}
	return fmt.Sprintf("<a key of %d characters>", utf8.RuneCountInString(key))
}

// quoteKey is safeKey, quoted when it is the key itself.
func quoteKey(key string) string {
	if keyRE.MatchString(key) {
		return strconv.Quote(key)
	}
	return safeKey(key)
}

// outOfRange reports whether v is a decimal number too large in
// magnitude for a float64.
func outOfRange(v string) bool {
	_, err := strconv.ParseFloat(strings.ReplaceAll(v, "_", ""), 64)
	return errors.Is(err, strconv.ErrRange)
}

// decodeError is a problem at a node; the parser turns it into an *Error.
type decodeError struct {
	node *yaml.Node
	path string
	msg  string
	err  error
}

func (e *decodeError) Error() string { return e.path + ": " + e.msg }

// decodeValue decodes n into a new value of type t, strictly by type: see
// the package comment. path names n in errors.
func decodeValue(n *yaml.Node, t reflect.Type, path string) (reflect.Value, *decodeError) {
	n = deref(n)
	if n == nil {
		return reflect.Value{}, &decodeError{node: n, path: path, msg: "missing value"}
	}
	bad := func() (reflect.Value, *decodeError) {
		return reflect.Value{}, &decodeError{node: n, path: path, msg: typeError(t, n)}
	}
	if t == initType {
		// init is the word scratch or a mapping {from, freeze}.
		if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!str" && n.Value == InitScratch {
			return reflect.ValueOf(Init{}), nil
		}
		if n.Kind != yaml.MappingNode {
			return reflect.Value{}, &decodeError{node: n, path: path, msg: "want scratch or a mapping {from: SELECTOR, freeze: [PREFIXES]}, got " + describeNode(n)}
		}
	}
	if t == adversarialType {
		// adversarial is the word none or a mapping {method, eps, ...}.
		if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!str" && n.Value == NoneValue {
			return reflect.ValueOf(Adversarial{}), nil
		}
		if n.Kind != yaml.MappingNode {
			return reflect.Value{}, &decodeError{node: n, path: path, msg: "want none or a mapping {method: pgd, eps: E, steps: S, alpha: A, ratio: R}, got " + describeNode(n)}
		}
	}
	switch t.Kind() {
	case reflect.Pointer:
		// An optional field: a given value, even its zero, is kept apart
		// from an unset one (nil).
		ev, err := decodeValue(n, t.Elem(), path)
		if err != nil {
			return reflect.Value{}, err
		}
		p := reflect.New(t.Elem())
		p.Elem().Set(ev)
		return p, nil
	case reflect.Slice:
		out := reflect.MakeSlice(t, 0, 0)
		switch n.Kind {
		case yaml.SequenceNode:
			for _, e := range n.Content {
				ev, err := decodeValue(e, t.Elem(), path)
				if err != nil {
					return reflect.Value{}, err
				}
				out = reflect.Append(out, ev)
			}
			return out, nil
		case yaml.ScalarNode:
			if n.ShortTag() == "!!str" && n.Value == NoneValue {
				return out, nil
			}
			ev, err := decodeValue(n, t.Elem(), path)
			if err != nil {
				return reflect.Value{}, err
			}
			return reflect.Append(out, ev), nil
		}
		return bad()
	case reflect.Struct:
		v := reflect.New(t).Elem()
		if err := decodeStruct(n, v, path); err != nil {
			return reflect.Value{}, err
		}
		return v, nil
	}
	if n.Kind != yaml.ScalarNode {
		return bad()
	}
	tag := n.ShortTag()
	switch t.Kind() {
	case reflect.String:
		if tag != "!!str" {
			return bad()
		}
		return reflect.ValueOf(n.Value).Convert(t), nil
	case reflect.Bool:
		if tag != "!!bool" {
			return bad()
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if tag != "!!int" {
			return bad()
		}
	case reflect.Float32, reflect.Float64:
		if tag != "!!int" && tag != "!!float" {
			return bad()
		}
	default:
		return bad()
	}
	p := reflect.New(t)
	if err := n.Decode(p.Interface()); err != nil {
		// Out-of-range integers end here.
		return reflect.Value{}, &decodeError{node: n, path: path, msg: fmt.Sprintf("%s does not fit in %s", describeNode(n), t), err: err}
	}
	return p.Elem(), nil
}

// decodeStruct decodes mapping n into the struct v field by field, by json
// name; an unknown or repeated key is an error.
func decodeStruct(n *yaml.Node, v reflect.Value, path string) *decodeError {
	n = deref(n)
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		return &decodeError{node: n, path: path, msg: typeError(v.Type(), n)}
	}
	fields := structFields(v.Type())
	return eachPair(n, path, func(k, val *yaml.Node, key, kpath string) *decodeError {
		var f *field
		for i := range fields {
			if fields[i].key == key {
				f = &fields[i]
				break
			}
		}
		if f == nil {
			names := make([]string, len(fields))
			for i, f := range fields {
				names[i] = f.key
			}
			return &decodeError{node: k, path: kpath, msg: fmt.Sprintf("unknown key %s (known: %s)", quoteKey(key), strings.Join(names, ", "))}
		}
		fv, err := decodeValue(val, f.typ, kpath)
		if err != nil {
			return err
		}
		v.FieldByIndex(f.index).Set(fv)
		return nil
	})
}

// eachPair calls fn for every key/value pair of mapping n in order, after
// checking that the key is a string and not repeated.
func eachPair(n *yaml.Node, path string, fn func(k, v *yaml.Node, key, kpath string) *decodeError) *decodeError {
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), n.Content[i+1]
		if k == nil || k.Kind != yaml.ScalarNode || k.ShortTag() == "!!null" {
			kn := k
			if kn == nil {
				kn = n
			}
			return &decodeError{node: kn, path: path, msg: "mapping key must be a string, got " + describeNode(kn)}
		}
		kpath := safeKey(k.Value)
		if path != "" {
			kpath = path + "." + kpath
		}
		if prev, dup := seen[k.Value]; dup {
			return &decodeError{node: k, path: kpath, msg: fmt.Sprintf("duplicate key %s (first at line %d)", quoteKey(k.Value), prev.Line)}
		}
		seen[k.Value] = k
		if err := fn(k, v, k.Value, kpath); err != nil {
			return err
		}
	}
	return nil
}

// text is the readable form of a decoded value, used in run names and to
// compare values: numbers in their shortest form, lists joined by "+", the
// empty list as none.
func text(v reflect.Value) string {
	if v.Type() == initType {
		return v.Interface().(Init).String()
	}
	if v.Type() == adversarialType {
		return v.Interface().(Adversarial).String()
	}
	switch v.Kind() {
	case reflect.String:
		return v.String()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(v.Uint(), 10)
	case reflect.Float32:
		return strconv.FormatFloat(v.Float(), 'g', -1, 32)
	case reflect.Float64:
		return strconv.FormatFloat(v.Float(), 'g', -1, 64)
	case reflect.Bool:
		return strconv.FormatBool(v.Bool())
	case reflect.Pointer:
		if v.IsNil() {
			return ""
		}
		return text(v.Elem())
	case reflect.Slice:
		if v.Len() == 0 {
			return NoneValue
		}
		parts := make([]string, v.Len())
		for i := range parts {
			parts[i] = text(v.Index(i))
		}
		return strings.Join(parts, "+")
	}
	return fmt.Sprint(v.Interface())
}
