package store

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.npy from the current encoder")

// goldenData is the matrix of testdata/<name>.npy: value k is k/4 − 1.
func goldenData(rows, cols int) []float32 {
	d := make([]float32, rows*cols)
	for k := range d {
		d[k] = float32(k)/4 - 1
	}
	return d
}

// TestNPYMatchesGolden pins the bytes of the .npy encoding. The files
// were written by the encoder before AppendNPY existed (fmt and
// binary.Write) with
//
//	go test ./study/store -run TestNPYMatchesGolden -update
//
// so appending to a reused buffer must not change one byte of a run's
// features.npy (its checksum is recorded in metrics.json).
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
			if *update && len(tt.dst) == 0 {
				b, err := EncodeNPY(data, tt.rows, tt.cols)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, b, 0o644); err != nil {
					t.Fatal(err)
				}
			}
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
