package metrics

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/study-harness/study/study/predmat"
)

// failWriter fails every write after the first n bytes.
type failWriter struct{ n int }

func (w *failWriter) Write(b []byte) (int, error) {
	if len(b) > w.n {
		k := w.n
		w.n = 0
		return k, errors.New("disk full")
	}
	w.n -= len(b)
	return len(b), nil
}

func TestStreamJSONMatchesMarshal(t *testing.T) {
	compute := func(x *predmat.Matrix) *Result {
		t.Helper()
		r, err := Compute(x, Options{Workers: 2})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	labelsOnly := randomMatrix(5, 7, 90, 4, 0.6)
	labelsOnly.Prob = nil
	html := randomMatrix(6, 3, 30, 3, 0.8)
	html.Models = []string{"<a&b>", "m\u2028\"x\"", "é,1"}
	for _, tc := range []struct {
		name string
		r    func() *Result
	}{
		{"probabilities, NaN cells and reasons", func() *Result { return compute(randomMatrix(1, 9, 200, 5, 0.7)) }},
		{"labels only: jsd and capa null", func() *Result { return compute(labelsOnly) }},
		{"perfect models", func() *Result { return compute(constant(3, 10, 3, 1, 1)) }},
		{"a grid with features and configs", func() *Result { return compute(gridWithFeatures()) }},
		{"names that json.Marshal escapes", func() *Result { return compute(html) }},
		{"nil reasons and no extras", func() *Result {
			return &Result{Models: []string{"a"}, NInstances: 1, NClasses: 2, PerModel: PerModelStats{Accuracy: Vec{math.NaN()}}}
		}},
		{"eval sets and nested extras", func() *Result {
			r := compute(randomMatrix(2, 5, 80, 3, 0.6))
			r.Extra["eval_sets"] = map[string]*Result{"noise": compute(randomMatrix(3, 5, 80, 3, 0.5)), "<nil>": nil}
			r.Extra["nested"] = map[string]any{"z": Square{{1, math.NaN()}, {math.Inf(1), 0.5}}, "a": []any{Num(math.NaN()), Interval{1, 2}}, "m": map[string]any(nil)}
			r.Extra["plain"] = struct {
				X []float64 `json:"x,omitempty"`
				Y string
			}{Y: "<&>"}
			r.Extra["none"] = nil
			r.Pairwise.Extra = map[string]any{"empty": Square{}, "nil": Square(nil)}
			return r
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.r()
			want, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			if err := r.Encode(&got); err != nil {
				t.Fatal(err)
			}
			if got.String() != string(want)+"\n" {
				k := 0
				for k < min(got.Len(), len(want)) && got.Bytes()[k] == want[k] {
					k++
				}
				t.Errorf("Encode and json.Marshal differ at byte %d:\n got %.80q\nwant %.80q", k, got.Bytes()[k:], want[k:])
			}
		})
	}
}

func TestEncodeReportsErrors(t *testing.T) {
	r, err := Compute(randomMatrix(4, 4, 50, 3, 0.7), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		edit func(r *Result)
		w    func() *failWriter
		want string
	}{
		{"an extra member repeating a fixed one", func(r *Result) { r.Pairwise.Extra = map[string]any{"jsd": 1} }, nil, `extra field "jsd" repeats a fixed field`},
		{"a value json.Marshal rejects", func(r *Result) { r.Extra["bad"] = []float64{math.NaN()} }, nil, "unsupported value"},
		{"a failing writer", func(r *Result) {}, func() *failWriter { return &failWriter{n: 1000} }, "disk full"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := *r
			c.Extra = map[string]any{}
			c.Pairwise.Extra = nil
			tc.edit(&c)
			var w interface{ Write([]byte) (int, error) } = &bytes.Buffer{}
			if tc.w != nil {
				w = tc.w()
			}
			err := c.Encode(w)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Encode: %v, want an error containing %q", err, tc.want)
			}
			if _, merr := json.Marshal(&c); tc.w == nil && merr == nil {
				t.Errorf("json.Marshal accepts what Encode rejects")
			}
		})
	}
}
