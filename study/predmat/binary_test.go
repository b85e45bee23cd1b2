package predmat

import (
	"bytes"
	"errors"
	"math"
	"reflect"
	"testing"
)

// oneModel is a valid one-model matrix with the given ids (nil: implicit).
func oneModel(ids []string, classes int, prob bool) *Matrix {
	n := 5
	x := &Matrix{Models: []string{"arch=mlp seed=3"}, Instances: ids, Classes: classes}
	for i := range n {
		x.Labels = append(x.Labels, int32(i%classes))
		x.Pred = append(x.Pred, int32((i*7)%classes))
	}
	if prob {
		for i := range n {
			p := float32(0.1) + float32(i)/100 // the predicted class gets the rest
			for c := range classes {
				if int32(c) == x.Pred[i] {
					x.Prob = append(x.Prob, 1-p*float32(classes-1))
				} else {
					x.Prob = append(x.Prob, p)
				}
			}
		}
	}
	return x
}

func TestBinaryRoundTripsAndWritesTheSameCSV(t *testing.T) {
	for _, tc := range []struct {
		name string
		x    *Matrix
	}{
		{"implicit ids, binary probabilities", oneModel(nil, 2, true)},
		{"listed ids, three classes", oneModel([]string{"17", "3", "a b", "é", "0"}, 3, true)},
		{"labels only", oneModel(nil, 4, false)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := AppendBinary([]byte("prefix"), tc.x)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(b, []byte("prefix")) {
				t.Fatal("AppendBinary did not append")
			}
			got, err := ReadBinary("p.bin", b[len("prefix"):])
			if err != nil {
				t.Fatal(err)
			}
			want := *tc.x
			if want.Instances == nil {
				want.Instances = []string{"0", "1", "2", "3", "4"}
			}
			if !reflect.DeepEqual(got, &want) {
				t.Errorf("decoded %+v, want %+v", got, &want)
			}
			var fromBin, direct bytes.Buffer
			if err := Write(&fromBin, got); err != nil {
				t.Fatal(err)
			}
			if err := Write(&direct, &want); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(fromBin.Bytes(), direct.Bytes()) {
				t.Errorf("CSV from the binary form differs:\n%s\nwant\n%s", fromBin.Bytes(), direct.Bytes())
			}
		})
	}
}

func TestBinaryKeepsEveryProbabilityBit(t *testing.T) {
	x := oneModel(nil, 2, true)
	x.Prob[0], x.Prob[1] = math.Nextafter32(0.5, 1), math.Nextafter32(0.5, 0)
	b, err := AppendBinary(nil, x)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ReadBinary("p.bin", b)
	if err != nil {
		t.Fatal(err)
	}
	for i := range x.Prob {
		if math.Float32bits(got.Prob[i]) != math.Float32bits(x.Prob[i]) {
			t.Errorf("prob[%d] = %v, want %v", i, got.Prob[i], x.Prob[i])
		}
	}
}

func TestAppendBinaryRefusesWhatWriteRefuses(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(x *Matrix)
	}{
		{"two models", func(x *Matrix) {
			x.Models = append(x.Models, "b")
			x.Pred = append(x.Pred, x.Pred...)
			x.Prob = append(x.Prob, x.Prob...)
		}},
		{"a NaN probability", func(x *Matrix) { x.Prob[3] = float32(math.NaN()) }},
		{"a prediction out of range", func(x *Matrix) { x.Pred[1] = 7 }},
		{"probabilities that do not sum to 1", func(x *Matrix) { x.Prob[0] += 0.5 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x := oneModel(nil, 2, true)
			tc.edit(x)
			if b, err := AppendBinary(nil, x); err == nil {
				t.Errorf("accepted, wrote %d bytes", len(b))
			}
		})
	}
}

func TestReadBinaryRefusesDamage(t *testing.T) {
	good, err := AppendBinary(nil, oneModel([]string{"a", "b", "c", "d", "e"}, 3, true))
	if err != nil {
		t.Fatal(err)
	}
	set := func(off int, v byte) []byte {
		b := bytes.Clone(good)
		b[off] = v
		return b
	}
	for _, tc := range []struct {
		name string
		b    []byte
	}{
		{"empty", nil},
		{"another magic", set(0, 'X')},
		{"truncated", good[:len(good)-1]},
		{"a byte too many", append(bytes.Clone(good), 0)},
		{"an unknown flag", set(12, 0xff)},
		{"zero classes", set(8, 0)},
		{"a huge instance count", set(7, 0x7f)},
		{"a label out of range", set(len(good)-5*3*4-5*8, 9)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if x, err := ReadBinary("p.bin", tc.b); !errors.Is(err, ErrBinary) && (err == nil || x != nil) {
				t.Errorf("got %v, %v; want an error", x, err)
			}
		})
	}
}

// FuzzReadBinary feeds ReadBinary any bytes: it never panics, and what
// it accepts encodes back to the same bytes.
func FuzzReadBinary(f *testing.F) {
	for _, x := range []*Matrix{oneModel(nil, 2, true), oneModel([]string{"a", "b", "c", "d", "e"}, 3, false)} {
		b, err := AppendBinary(nil, x)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		x, err := ReadBinary("f.bin", b)
		if err != nil {
			return
		}
		again, err := AppendBinary(nil, x)
		if err != nil {
			t.Fatalf("an accepted matrix does not encode: %v", err)
		}
		y, err := ReadBinary("f.bin", again)
		if err != nil || !reflect.DeepEqual(x, y) {
			t.Fatalf("re-encoded matrix differs: %v", err)
		}
	})
}

// TestAppendBinaryLeavesOutFeatures checks that features beside implicit
// ids, which the binary form does not hold, are neither written nor read
// for validation.
func TestAppendBinaryLeavesOutFeatures(t *testing.T) {
	x := oneModel(nil, 2, true)
	x.Features, x.FeatureDims, x.FeatureIdx = [][]float32{{1, 2}}, []int{1}, []int{4, 4} // a repeat: validating it named instance 4 by id
	b, err := AppendBinary(nil, x)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ReadBinary("p.bin", b)
	if err != nil || got.Features != nil {
		t.Errorf("decoded features %v (%v), want none", got.Features, err)
	}
}
