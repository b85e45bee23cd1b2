package runs

import (
	"bytes"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/study-harness/study/study/predmat"
)

// softmaxRows returns n×c probabilities that sum to 1 per row, drawn from
// a fixed stream, and the arg max of each row.
func softmaxRows(n, c int, seed uint64) ([]float32, []int32) {
	rng := rand.New(rand.NewPCG(seed, 1))
	prob := make([]float32, n*c)
	pred := make([]int32, n)
	for i := 0; i < n; i++ {
		row := prob[i*c : (i+1)*c]
		s := 0.0
		for j := range row {
			v := math.Exp(3 * rng.NormFloat64())
			row[j] = float32(v)
			s += v
		}
		for j := range row {
			row[j] = float32(float64(row[j]) / s)
			if row[j] > row[pred[i]] {
				pred[i] = int32(j)
			}
		}
	}
	return prob, pred
}

func seqIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = strconv.Itoa(i)
	}
	return ids
}

// TestAppendCSVMatchesPredmatWrite checks the engine's per-run CSV writer
// against predmat.Write, the format's definition: byte for byte when it
// takes the fast path, and declining (so that the engine calls
// predmat.Write) exactly where it cannot vouch for the bytes.
func TestAppendCSVMatchesPredmatWrite(t *testing.T) {
	prob2, pred2 := softmaxRows(100, 2, 1)
	prob10, pred10 := softmaxRows(300, 10, 2)
	odd := []float32{1e-8, 1 - 1e-8, 0.1, 0.9, math.SmallestNonzeroFloat32, 1, 0, 1, 0.5, 0.5}
	nan := append([]float32(nil), prob2...)
	nan[7] = float32(math.NaN())
	off := append([]float32(nil), prob2...)
	off[0] += 0.01
	badPred := append([]int32(nil), pred2...)
	badPred[3] = 2
	labels := func(n, c int) []int32 {
		l := make([]int32, n)
		for i := range l {
			l[i] = int32(i*7) % int32(c)
		}
		return l
	}
	tests := []struct {
		name    string
		model   string
		ids     []string
		labels  []int32
		classes int
		pred    []int32
		prob    []float32
		fast    bool // the fast path must be taken
	}{
		{"binary with probabilities", "seed=1 lr=0.01", seqIDs(100), labels(100, 2), 2, pred2, prob2, true},
		{"ten classes", "arch=mlp widths=[64 32]", seqIDs(300), labels(300, 10), 10, pred10, prob10, true},
		{"labels only", "knn", seqIDs(100), labels(100, 2), 2, pred2, nil, true},
		{"extreme probabilities", "m", seqIDs(5), labels(5, 2), 2, []int32{1, 1, 1, 0, 0}, odd, true},
		{"unicode name", "optimizer=ädam/β", seqIDs(100), labels(100, 2), 2, pred2, prob2, true},
		{"ids that need quoting", "m", []string{"a,b", `say "x"`, " lead", "two\nlines", "plain"}, labels(5, 2), 2, pred2[:5], prob2[:10], true},
		{"view rows as ids", "m", []string{"17", "3", "250", "4", "99"}, labels(5, 2), 2, pred2[:5], prob2[:10], true},
		{"a name with a comma", "a,b", seqIDs(100), labels(100, 2), 2, pred2, prob2, false},
		{"a name with a leading space", " m", seqIDs(100), labels(100, 2), 2, pred2, prob2, false},
		{"an empty name", "", seqIDs(100), labels(100, 2), 2, pred2, prob2, false},
		{"a prediction out of range", "m", seqIDs(100), labels(100, 2), 2, badPred, prob2, false},
		{"a NaN probability", "m", seqIDs(100), labels(100, 2), 2, pred2, nan, false},
		{"probabilities not summing to 1", "m", seqIDs(100), labels(100, 2), 2, pred2, off, false},
		{"a repeated id", "m", []string{"1", "2", "1"}, labels(3, 2), 2, pred2[:3], prob2[:6], false},
		{"a label out of range", "m", seqIDs(3), []int32{0, 2, 1}, 2, pred2[:3], prob2[:6], false},
		{"too few predictions", "m", seqIDs(100), labels(100, 2), 2, pred2[:99], prob2, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var want bytes.Buffer
			werr := predmat.Write(&want, &predmat.Matrix{Models: []string{tt.model}, Instances: tt.ids, Classes: tt.classes, Labels: tt.labels, Pred: tt.pred, Prob: tt.prob})
			rows := newCSVRows(tt.ids, tt.labels, tt.classes)
			prefix := []byte("bytes of an earlier run")
			got, ok := rows.appendCSV(append([]byte(nil), prefix...), tt.model, tt.pred, tt.prob)
			if ok != tt.fast {
				t.Fatalf("fast path taken: %v, want %v (predmat.Write: %v)", ok, tt.fast, werr)
			}
			if !ok {
				if !bytes.Equal(got, prefix) {
					t.Errorf("declining changed the buffer to %q", got)
				}
				return
			}
			if werr != nil {
				t.Fatalf("fast path wrote what predmat.Write refuses: %v", werr)
			}
			if !bytes.HasPrefix(got, prefix) {
				t.Fatalf("the buffer's earlier bytes were overwritten")
			}
			if got = got[len(prefix):]; !bytes.Equal(got, want.Bytes()) {
				t.Errorf("differs from predmat.Write:\ngot  %.300q\nwant %.300q", got, want.Bytes())
			}
			back, err := predmat.Read("got.csv", bytes.NewReader(got))
			if err != nil {
				t.Fatalf("does not read back: %v", err)
			}
			if back.Models[0] != tt.model || back.N() != len(tt.ids) {
				t.Errorf("read back model %q with %d instances", back.Models[0], back.N())
			}
		})
	}
}

// TestAppendCSVReusesRows checks that one csvRows serves many runs: the
// output for a model does not depend on what was written before.
func TestAppendCSVReusesRows(t *testing.T) {
	ids := seqIDs(50)
	lab := make([]int32, 50)
	rows := newCSVRows(ids, lab, 3)
	var buf []byte
	for seed := uint64(0); seed < 20; seed++ {
		prob, pred := softmaxRows(50, 3, seed)
		name := "seed=" + strconv.Itoa(int(seed))
		var want bytes.Buffer
		if err := predmat.Write(&want, &predmat.Matrix{Models: []string{name}, Instances: ids, Classes: 3, Labels: lab, Pred: pred, Prob: prob}); err != nil {
			t.Fatal(err)
		}
		var ok bool
		if buf, ok = rows.appendCSV(buf[:0], name, pred, prob); !ok || !bytes.Equal(buf, want.Bytes()) {
			t.Fatalf("run %d: ok=%v, output differs from predmat.Write", seed, ok)
		}
	}
}
