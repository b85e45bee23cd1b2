package runs

import (
	"bytes"
	"encoding/csv"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/study-harness/study/study/predmat"
	"github.com/study-harness/study/study/store"
)

// csvRows is what the predictions files of every run on one test set
// share: per test row, the instance id and label exactly as predmat.Write
// formats them. A plan builds it once for its test set; predmat.Write,
// called once per run and per evaluation set, would quote and check the
// uniqueness of every instance id and allocate a 64 KiB writer each time,
// which made up a third of the engine's allocations on tiny runs.
type csvRows struct {
	classes int
	prefix  []byte // the rows' "instance,label," concatenated
	ends    []int  // row i is prefix[ends[i-1]:ends[i]]
	// valid is false when predmat.Write would refuse these ids or labels
	// (empty, repeated or non-UTF-8 ids, labels outside [0, classes)):
	// appendCSV then declines, and the caller's predmat.Write reports it.
	valid bool
}

// newCSVRows formats ids and labels as predmat.Write does.
func newCSVRows(ids []string, labels []int32, classes int) *csvRows {
	t := &csvRows{classes: classes, ends: make([]int, len(ids)), valid: len(ids) == len(labels) && len(ids) > 0}
	seen := make(map[string]struct{}, len(ids))
	var b bytes.Buffer
	cw := csv.NewWriter(&b)
	for i, id := range ids {
		if _, dup := seen[id]; dup || id == "" || !utf8.ValidString(id) {
			t.valid = false
		}
		seen[id] = struct{}{}
		// As predmat's quoteAll: a second field keeps a lone field from
		// being special-cased by encoding/csv.
		b.Reset()
		cw.Write([]string{id, ""})
		cw.Flush()
		t.prefix = append(t.prefix, strings.TrimSuffix(b.String(), "\n")...)
		var l int32
		if i < len(labels) {
			l = labels[i]
		}
		if l < 0 || int(l) >= classes {
			t.valid = false
		}
		t.prefix = strconv.AppendInt(t.prefix, int64(l), 10)
		t.prefix = append(t.prefix, ',')
		t.ends[i] = len(t.prefix)
	}
	return t
}

// appendCSV appends to dst the predictions CSV of one model, byte for
// byte what predmat.Write writes for the one-model matrix of these rows.
// It reports false, leaving dst as it was, whenever it cannot vouch for
// that: predictions or probabilities that predmat.Validate would refuse,
// or a model name that encoding/csv would quote.
func (t *csvRows) appendCSV(dst []byte, model string, pred []int32, prob []float32) ([]byte, bool) {
	n, c := len(t.ends), t.classes
	if !t.valid || c < 1 || c > predmat.MaxClasses || len(pred) != n || (prob != nil && len(prob) != n*c) || !plainField(model) {
		return dst, false
	}
	for i, p := range pred {
		if p < 0 || int(p) >= c {
			return dst, false
		}
		if prob != nil {
			sum := 0.0
			for _, q := range prob[i*c : (i+1)*c] {
				v := float64(q)
				if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
					return dst, false
				}
				sum += v
			}
			if math.Abs(sum-1) > predmat.ProbTolerance {
				return dst, false
			}
		}
	}
	dst = append(dst, "model,instance,label,pred"...)
	if prob != nil {
		for j := 0; j < c; j++ {
			dst = append(dst, ",p"...)
			dst = strconv.AppendInt(dst, int64(j), 10)
		}
	}
	dst = append(dst, '\n')
	// Rows are about 16 bytes of id, label and pred plus up to 12 per
	// probability.
	dst = slices.Grow(dst, n*(len(model)+16+12*c*min(len(prob), 1)))
	from := 0
	for i, p := range pred {
		dst = append(dst, model...)
		dst = append(dst, ',')
		dst = append(dst, t.prefix[from:t.ends[i]]...)
		from = t.ends[i]
		dst = strconv.AppendInt(dst, int64(p), 10)
		if prob != nil {
			for _, q := range prob[i*c : (i+1)*c] {
				dst = append(dst, ',')
				dst = strconv.AppendFloat(dst, float64(q), 'g', -1, 32)
			}
		}
		dst = append(dst, '\n')
	}
	return dst, true
}

// plainField reports whether encoding/csv writes s as it is, unquoted,
// and predmat accepts it as a name: not empty, valid UTF-8, no comma,
// quote or line break, not `\.`, not starting with a space.
func plainField(s string) bool {
	if s == "" || s == `\.` || !utf8.ValidString(s) || strings.ContainsAny(s, ",\"\r\n") {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s)
	return !unicode.IsSpace(r)
}

// records recycles the buffers that runs' pack records are built in
// (predictions, features, weights, metrics.json), so that a worker does
// not allocate and fault in fresh pages for every run.
var records = sync.Pool{New: func() any { return new(store.RecordBuf) }}

func getRecordBuf() *store.RecordBuf { return records.Get().(*store.RecordBuf) }

// putRecordBuf returns b for reuse; a buffer grown past 64 MiB (the
// weights of a large model) is left to the garbage collector.
func putRecordBuf(b *store.RecordBuf) {
	if b.Cap() > 64<<20 {
		return
	}
	records.Put(b)
}
