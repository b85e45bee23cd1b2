package metrics

import (
	"bufio"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// streamJSON writes v to w as the bytes of json.Marshal(v), producing the
// large members as it goes instead of building the document in memory.
// json.Marshal of a Result holds each Square's text, the encoder's buffer
// of every enclosing member, and the copies that marshalWithExtra and
// json.Marshal make on return: about five times the document at once
// (1.3 GB of a 1.5 GB peak for 1000 models). Here a Square is written a
// row at a time; Result, PerModelStats, PairMatrices, EnsembleStats and
// maps with string keys member by member, with the keys in json.Marshal's
// order; every other value (numbers, vectors, small structs) goes through
// json.Marshal itself, so its bytes cannot differ. TestStreamJSONMatchesMarshal
// holds the equality on results with every kind of member.
func streamJSON(w *bufio.Writer, v any) error {
	s := &streamer{w: w}
	s.value(v)
	return s.err
}

type streamer struct {
	w   *bufio.Writer
	buf []byte // one Square row's text, reused
	err error  // the first error; later writes are skipped
}

var marshalerType = reflect.TypeFor[json.Marshaler]()

func (s *streamer) write(b []byte) {
	if s.err == nil {
		_, s.err = s.w.Write(b)
	}
}

func (s *streamer) byte(c byte) {
	if s.err == nil {
		s.err = s.w.WriteByte(c)
	}
}

// marshal writes json.Marshal(v).
func (s *streamer) marshal(v any) {
	if s.err != nil {
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		s.err = err
		return
	}
	s.write(b)
}

func (s *streamer) value(v any) {
	if s.err != nil {
		return
	}
	switch t := v.(type) {
	case *Result:
		if t == nil {
			s.marshal(nil)
			return
		}
		s.value(*t)
	case Result:
		if t.Reasons == nil {
			t.Reasons = Reasons{} // as Result.MarshalJSON
		}
		s.object(plainResult(t), t.Extra)
	case PerModelStats:
		s.object(plainPerModel(t), t.Extra)
	case PairMatrices:
		s.object(plainPairs(t), t.Extra)
	case EnsembleStats:
		s.object(plainEnsemble(t), t.Extra)
	case Square:
		s.square(t)
	default:
		rv := reflect.ValueOf(v)
		// A map with string keys, and no MarshalJSON of its own, is
		// written as json.Marshal writes it: keys sorted as strings. Its
		// values may be large (eval_sets holds a Result per set).
		if rv.Kind() == reflect.Map && rv.Type().Key().Kind() == reflect.String && !rv.Type().Implements(marshalerType) {
			s.stringMap(rv)
			return
		}
		s.marshal(v)
	}
}

// square writes t as Square.MarshalJSON does, one row at a time.
func (s *streamer) square(t Square) {
	if t == nil {
		s.write([]byte("null"))
		return
	}
	s.byte('[')
	for a, row := range t {
		if a > 0 {
			s.byte(',')
		}
		s.buf = appendVec(s.buf[:0], row)
		s.write(s.buf)
	}
	s.byte(']')
}

// stringMap writes the map rv with string keys in sorted order.
func (s *streamer) stringMap(rv reflect.Value) {
	if rv.IsNil() {
		s.write([]byte("null"))
		return
	}
	keys := make([]string, 0, rv.Len())
	vals := make(map[string]reflect.Value, rv.Len())
	for it := rv.MapRange(); it.Next(); {
		k := it.Key().String()
		keys = append(keys, k)
		vals[k] = it.Value()
	}
	slices.Sort(keys)
	s.byte('{')
	for j, k := range keys {
		if j > 0 {
			s.byte(',')
		}
		s.marshal(k)
		s.byte(':')
		s.value(vals[k].Interface())
	}
	s.byte('}')
}

// object writes the struct plain member by member, then the members of
// extra in sorted key order, as marshalWithExtra does.
func (s *streamer) object(plain any, extra map[string]any) {
	rv := reflect.ValueOf(plain)
	rt := rv.Type()
	fixed := map[string]bool{}
	members := 0
	s.byte('{')
	for i := range rt.NumField() {
		f := rt.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if opts != "" || f.Anonymous {
			// json.Marshal's omitempty, string and embedding rules are
			// not reproduced; no member of this package uses them.
			s.err = fmt.Errorf("%s.%s: tag %q not supported", rt.Name(), f.Name, f.Tag.Get("json"))
			return
		}
		if name == "" {
			name = f.Name
		}
		if members > 0 {
			s.byte(',')
		}
		members++
		fixed[name] = true
		s.marshal(name)
		s.byte(':')
		s.value(rv.Field(i).Interface())
	}
	keys := make([]string, 0, len(extra))
	for k := range extra {
		if fixed[k] {
			s.err = fmt.Errorf("extra field %q repeats a fixed field", k)
			return
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if members > 0 {
			s.byte(',')
		}
		members++
		s.marshal(k)
		s.byte(':')
		s.value(extra[k])
	}
	s.byte('}')
}
