package metrics

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// Num is a float64 that marshals to JSON as null when it is NaN or ±Inf.
type Num float64

// MarshalJSON writes the shortest decimal that parses back to n, or null.
func (n Num) MarshalJSON() ([]byte, error) { return appendNum(nil, float64(n)), nil }

// Vec is a vector of float64 that marshals NaN and ±Inf entries as null.
type Vec []float64

// MarshalJSON writes v as a JSON array.
func (v Vec) MarshalJSON() ([]byte, error) {
	if v == nil {
		return []byte("null"), nil
	}
	return appendVec(make([]byte, 0, 2+len(v)*20), v), nil
}

// Square is an M×M matrix, row-major: s[a][b] is the value for row model a
// and column model b. The rows share one backing array. NaN and ±Inf
// entries marshal as null.
type Square [][]float64

// NewSquare returns an m×m matrix of zeros.
func NewSquare(m int) Square {
	data := make([]float64, m*m)
	s := make(Square, m)
	for a := range s {
		s[a] = data[a*m : (a+1)*m : (a+1)*m]
	}
	return s
}

// MarshalJSON writes s as an array of row arrays.
func (s Square) MarshalJSON() ([]byte, error) {
	if s == nil {
		return []byte("null"), nil
	}
	b := make([]byte, 0, 2+len(s)*len(s)*20)
	b = append(b, '[')
	for a, row := range s {
		if a > 0 {
			b = append(b, ',')
		}
		b = appendVec(b, row)
	}
	return append(b, ']'), nil
}

func appendVec(b []byte, v []float64) []byte {
	b = append(b, '[')
	for k, f := range v {
		if k > 0 {
			b = append(b, ',')
		}
		b = appendNum(b, f)
	}
	return append(b, ']')
}

func appendNum(b []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(b, "null"...)
	}
	return strconv.AppendFloat(b, f, 'g', -1, 64)
}

// Interval is a confidence interval [lo, hi]. Companion fields named
// <measure>_ci use it. An interval with two NaN bounds is undefined and
// marshals as null; a single NaN bound marshals as a null element.
type Interval [2]float64

// MarshalJSON writes the interval as a two-element array, or null.
func (iv Interval) MarshalJSON() ([]byte, error) {
	if math.IsNaN(iv[0]) && math.IsNaN(iv[1]) {
		return []byte("null"), nil
	}
	return appendVec(nil, iv[:]), nil
}

// whyCI is the reason of an interval that the bootstrap leaves undefined.
const whyCI = "undefined: the measure is undefined on more than half of the bootstrap replicates"

// interval records why iv, at the JSON path, is undefined, unless a
// reason is already there.
func (r Reasons) interval(path string, iv Interval, why string) {
	if math.IsNaN(iv[0]) && math.IsNaN(iv[1]) && r[path] == "" {
		r[path] = why
	}
}

// num records why v, at the JSON path, is undefined.
func (r Reasons) num(path string, v float64, why string) {
	if (math.IsNaN(v) || math.IsInf(v, 0)) && r[path] == "" {
		r[path] = why
	}
}

// marshalWithExtra marshals v (a struct without a MarshalJSON method) and
// then appends the members of extra in sorted key order, so that later
// stages can add companion fields (<name>_ci, <name>_p, cka, …) from their
// own files without changing the fixed fields. An extra key that repeats a
// fixed field is an error.
func marshalWithExtra(v any, extra map[string]any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil || len(extra) == 0 {
		return b, err
	}
	fixed := jsonKeys(v)
	keys := make([]string, 0, len(extra))
	for k := range extra {
		if fixed[k] {
			return nil, fmt.Errorf("extra field %q repeats a fixed field", k)
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var buf bytes.Buffer
	buf.Write(b[:len(b)-1]) // drop the closing brace
	for _, k := range keys {
		kb, _ := json.Marshal(k)
		vb, err := json.Marshal(extra[k])
		if err != nil {
			return nil, fmt.Errorf("extra field %q: %w", k, err)
		}
		if buf.Len() > 1 {
			buf.WriteByte(',')
		}
		buf.Write(kb)
		buf.WriteByte(':')
		buf.Write(vb)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// jsonKeys returns the JSON member names of the struct v.
func jsonKeys(v any) map[string]bool {
	t := reflect.TypeOf(v)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	keys := map[string]bool{}
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		keys[name] = true
	}
	return keys
}
