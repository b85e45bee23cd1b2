package store

import (
	"math"
	"testing"
)

// FuzzDecodeNPY: any bytes given as a features.npy never panic; what
// decodes re-encodes (AppendNPY) to a file that decodes to the same
// values and shape.
func FuzzDecodeNPY(f *testing.F) {
	for _, m := range []struct {
		data       []float32
		rows, cols int
	}{{[]float32{1, 2, 3, 4, 5, 6}, 2, 3}, {nil, 0, 4}, {[]float32{float32(math.NaN())}, 1, 1}} {
		b, err := AppendNPY(nil, m.data, m.rows, m.cols)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(b[:len(b)-1])
	}
	f.Add([]byte("\x93NUMPY\x01\x00\x10\x00{'descr': '<f4'}"))
	f.Fuzz(func(t *testing.T, b []byte) {
		data, rows, cols, err := DecodeNPY("f.npy", b)
		if err != nil {
			return
		}
		if rows < 0 || cols < 0 || len(data) != rows*cols {
			t.Fatalf("decoded %d values for shape (%d, %d)", len(data), rows, cols)
		}
		again, err := AppendNPY(nil, data, rows, cols)
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		d2, r2, c2, err := DecodeNPY("g.npy", again)
		if err != nil || r2 != rows || c2 != cols || len(d2) != len(data) {
			t.Fatalf("round trip: %v, shape (%d, %d), want (%d, %d)", err, r2, c2, rows, cols)
		}
		for i := range data {
			if math.Float32bits(d2[i]) != math.Float32bits(data[i]) {
				t.Fatalf("value %d: %v, want %v", i, d2[i], data[i])
			}
		}
	})
}
