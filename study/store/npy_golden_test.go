package store

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// goldenData is the matrix of testdata/<name>.npy: value k is k/4 − 1.
func goldenData(rows, cols int) []float32 {
	d := make([]float32, rows*cols)
	for k := range d {
		d[k] = float32(k)/4 - 1
	}
	return d
}

// TestNPYMatchesGolden holds the .npy encoding to numpy's, byte for byte:
// the files are numpy.save of the same matrices (testdata/gen_npy.py), so
// a run's features.npy is what numpy writes, and appending to a reused
// buffer changes none of its bytes (their checksum is recorded).
func TestNPYMatchesGolden(t *testing.T) {
	tests := []struct {
		name       string
		rows, cols int
		dst        []byte // bytes already in the buffer
	}{
		{"npy-2x3", 2, 3, nil},
		{"npy-2x3", 2, 3, []byte("previous run's bytes")},
		{"npy-1000x16", 1000, 16, make([]byte, 0, 1<<20)},
		{"npy-0x4", 0, 4, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join("testdata", tt.name+".npy")
			data := goldenData(tt.rows, tt.cols)
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			prefix := append([]byte(nil), tt.dst...)
			got, err := AppendNPY(tt.dst, data, tt.rows, tt.cols)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got[:len(prefix)], prefix) {
				t.Errorf("AppendNPY changed the bytes already in the buffer")
			}
			if !bytes.Equal(got[len(prefix):], want) {
				t.Errorf("AppendNPY wrote %d bytes that differ from %s (%d bytes)", len(got)-len(prefix), path, len(want))
			}
			if enc, _ := EncodeNPY(data, tt.rows, tt.cols); !bytes.Equal(enc, want) {
				t.Errorf("EncodeNPY differs from %s", path)
			}
		})
	}
}

func TestAppendNPYRejectsWrongShape(t *testing.T) {
	dst := []byte("keep")
	got, err := AppendNPY(dst, make([]float32, 5), 2, 3)
	if err == nil {
		t.Fatal("5 values accepted as 2×3")
	}
	if string(got) != "keep" {
		t.Errorf("a failed append left %q, want the buffer unchanged", got)
	}
}
