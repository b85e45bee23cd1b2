package spec

import (
	"fmt"
	"math"
	"reflect"

	"github.com/study-harness/study/study/internal/textcheck"
)

// unsetOnly are the run fields whose zero value stands for "not given":
// the architecture's or the schedule's default. A value written in a spec
// means itself, so writing that zero is refused rather than silently
// replaced by the default (k: 0 used to train with 5 neighbours, and
// widths: [] with [64, 32]). Each entry says what the field takes.
// momentum is not here: it is optional (a pointer), so a given 0 is
// honoured. max_depth is not here either: 0 is the tree's "unlimited",
// which is also its default, so a written 0 means what it says.
var unsetOnly = map[string]string{
	"widths":      "at least one hidden width (an mlp without hidden layers is arch logreg)",
	"activation":  "relu, tanh or gelu",
	"width":       "a value ≥ 1",
	"depth":       "a value ≥ 1",
	"heads":       "a value ≥ 1",
	"patch":       "a value ≥ 1",
	"min_leaf":    "a value ≥ 1",
	"k":           "a value ≥ 1",
	"step_size":   "a value ≥ 1",
	"gamma":       "a value in (0, 1]",
	"schedule":    "constant, step or cosine",
	"data_subset": "full, bootstrap, half-a, half-b, overlap-a, overlap-b or a fraction",
}

// unsetOnlyDataset are the dataset keys whose zero value stands for the
// default; no_val: true is how to ask for no validation split.
var unsetOnlyDataset = map[string]string{
	"train":   "a count ≥ 1",
	"test":    "a count ≥ 1",
	"val":     "a fraction in (0, 1), or no_val: true for no validation split",
	"noise":   "a value > 0",
	"dim":     "a value ≥ 2",
	"classes": "a value ≥ 2",
	"label":   "the name of the label column",
}

// givenZero returns the message refusing v, the decoded value of key, when
// v is the zero value that stands for "not given" in want (unsetOnly or
// unsetOnlyDataset), and "" otherwise.
func givenZero(want map[string]string, key string, v reflect.Value) string {
	w, ok := want[key]
	if !ok || !isZeroValue(v) {
		return ""
	}
	return fmt.Sprintf("%s %s is what an unset %s stands for (the default), not a value of its own; leave %s out for the default, or give %s", key, zeroText(v), key, key, w)
}

// isZeroValue reports whether v is zero, an empty list or an empty string
// (−0 counts as 0).
func isZeroValue(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Float32, reflect.Float64:
		return v.Float() == 0
	}
	return v.IsZero()
}

// zeroText is the readable form of a zero value in messages.
func zeroText(v reflect.Value) string {
	switch v.Kind() {
	case reflect.Slice:
		return "[] (none)"
	case reflect.String:
		return "''"
	}
	return text(v)
}

// positiveZero returns v with a float −0, or a pointer to one, made +0, so
// that l2: [0, -0.0] is one value (one run, one run id), not two runs
// whose configs encode the same. Other values are returned unchanged.
func positiveZero(v reflect.Value) reflect.Value {
	switch {
	case negativeZero(v):
		return reflect.Zero(v.Type())
	case v.Kind() == reflect.Pointer && !v.IsNil() && negativeZero(v.Elem()):
		return reflect.New(v.Type().Elem()) // points to +0
	}
	return v
}

// negativeZero reports whether v is the float −0.
func negativeZero(v reflect.Value) bool {
	k := v.Kind()
	return (k == reflect.Float32 || k == reflect.Float64) && v.Float() == 0 && math.Signbit(v.Float())
}

// badText returns the message refusing a string value (or a string of a
// list) holding a character that prints as something else (see
// textcheck.BadRune): values make the run names that the terminal, the
// report and predictions.csv show, where role: "a\tb" and role: "a b"
// would look alike. It returns "" for any other value.
func badText(v reflect.Value) string {
	switch v.Kind() {
	case reflect.String:
		if r, off, bad := textcheck.BadRune(v.String()); bad {
			return "value holds " + textcheck.Describe(r, off) + "; run names are made of the values, and may not hold control characters (line breaks, tabs) or formatting characters (bidirectional overrides), which print as other names"
		}
	case reflect.Slice:
		for i := range v.Len() {
			if msg := badText(v.Index(i)); msg != "" {
				return msg
			}
		}
	}
	return ""
}
