package grid

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"strconv"
	"strings"

	"github.com/study-harness/study/study/spec"
)

// Canonical returns the canonical JSON encoding of c: encoding/json of the
// struct, fields in declaration order, with nil slices written as empty
// ones so that configs that are equal as values encode, and hash, equal.
// The run id is a digest of these bytes.
//
// A valid config has only finite numbers. JSON has no NaN or infinity, so
// for an invalid config holding them Canonical writes those numbers as
// the strings "NaN", "+Inf" and "-Inf" instead of failing.
func Canonical(c spec.Config) []byte {
	v := reflect.ValueOf(&c).Elem()
	normalise(v)
	if b, err := json.Marshal(&c); err == nil {
		return b
	}
	var buf bytes.Buffer
	encode(&buf, v)
	return buf.Bytes()
}

// normalise replaces nil slices in v, recursively, by empty ones. A slice
// whose elements may hold slices is copied first so that the caller's
// config never changes; one of plain values is left as it is.
func normalise(v reflect.Value) {
	switch v.Kind() {
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Field(i).CanSet() {
				normalise(v.Field(i))
			}
		}
	case reflect.Slice:
		if v.IsNil() {
			v.Set(reflect.MakeSlice(v.Type(), 0, 0))
			return
		}
		if k := v.Type().Elem().Kind(); k != reflect.Struct && k != reflect.Slice && k != reflect.Array {
			return
		}
		n := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		reflect.Copy(n, v)
		for i := 0; i < n.Len(); i++ {
			normalise(n.Index(i))
		}
		v.Set(n)
	}
}

// encode writes v as encoding/json would, except that non-finite floats
// become strings. It covers the kinds a Config holds: structs (with
// embedded structs flattened, json names and omitempty), pointers (an
// optional field), slices, strings, numbers and booleans.
func encode(buf *bytes.Buffer, v reflect.Value) {
	switch v.Kind() {
	case reflect.Struct:
		buf.WriteByte('{')
		first := true
		encodeFields(buf, v, &first)
		buf.WriteByte('}')
	case reflect.Slice:
		buf.WriteByte('[')
		for i := 0; i < v.Len(); i++ {
			if i > 0 {
				buf.WriteByte(',')
			}
			encode(buf, v.Index(i))
		}
		buf.WriteByte(']')
	case reflect.Pointer:
		if v.IsNil() {
			buf.WriteString("null")
			return
		}
		encode(buf, v.Elem())
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		switch {
		case math.IsNaN(f):
			buf.WriteString(`"NaN"`)
		case math.IsInf(f, 1):
			buf.WriteString(`"+Inf"`)
		case math.IsInf(f, -1):
			buf.WriteString(`"-Inf"`)
		default:
			b, _ := json.Marshal(v.Interface())
			buf.Write(b)
		}
	default:
		b, err := json.Marshal(v.Interface())
		if err != nil {
			b = []byte(strconv.Quote(err.Error()))
		}
		buf.Write(b)
	}
}

func encodeFields(buf *bytes.Buffer, v reflect.Value, first *bool) {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		name, opts, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if sf.Anonymous && name == "" && sf.Type.Kind() == reflect.Struct {
			encodeFields(buf, v.Field(i), first)
			continue
		}
		if !sf.IsExported() {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		if strings.Contains(","+opts+",", ",omitempty,") && isEmpty(v.Field(i)) {
			continue
		}
		if strings.Contains(","+opts+",", ",omitzero,") && isZero(v.Field(i)) {
			continue
		}
		if !*first {
			buf.WriteByte(',')
		}
		*first = false
		b, _ := json.Marshal(name)
		buf.Write(b)
		buf.WriteByte(':')
		encode(buf, v.Field(i))
	}
}

// isZero is encoding/json's test for omitzero: the IsZero method when the
// type has one, else the zero value.
func isZero(v reflect.Value) bool {
	if z, ok := v.Interface().(interface{ IsZero() bool }); ok {
		return z.IsZero()
	}
	return v.IsZero()
}

// isEmpty is encoding/json's test for omitempty.
func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool:
		return !v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() == 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return v.Uint() == 0
	case reflect.Float32, reflect.Float64:
		return v.Float() == 0
	case reflect.Interface, reflect.Pointer:
		return v.IsNil()
	}
	return false
}
