package predmat

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// TestReadFromAFileGivesTheSameMatrixAsFromAStream checks that sizing the
// arrays from a file's size (Read's presize) changes nothing in the
// result, whether the first model's rows predict the rest well, too few
// models (long names after the first) or too many (short names after it).
func TestReadFromAFileGivesTheSameMatrixAsFromAStream(t *testing.T) {
	tests := []struct {
		name   string
		models []string
		probs  bool
	}{
		{"models of equal row length are read alike", []string{"m0", "m1", "m2", "m3", "m4"}, true},
		{"longer rows after the first model are read alike", []string{"a", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "cccccccccccccccccccccccccccccccccccccc", "dddddddddddddddddddddddddddddddddddddd"}, true},
		{"shorter rows after the first model are read alike", []string{"a-very-long-name-for-the-first-model", "b", "c", "d", "e", "f", "g"}, true},
		{"a file without probabilities is read alike", []string{"m0", "m1", "m2"}, false},
		{"a single model is read alike", []string{"only"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			const n, c = 37, 3
			x := &Matrix{Models: tt.models, Classes: c, Labels: make([]int32, n)}
			for i := 0; i < n; i++ {
				x.Instances = append(x.Instances, fmt.Sprint("i", i))
				x.Labels[i] = int32(i % c)
			}
			for a := range tt.models {
				for i := 0; i < n; i++ {
					x.Pred = append(x.Pred, int32((a+i)%c))
					if tt.probs {
						x.Prob = append(x.Prob, 0.25, 0.5, 0.25)
					}
				}
			}
			var buf bytes.Buffer
			if err := Write(&buf, x); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "p.csv")
			if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			fromFile, err := Read(path, f)
			if err != nil {
				t.Fatal(err)
			}
			fromStream, err := Read(path, bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(fromFile, fromStream) || !reflect.DeepEqual(fromFile.Pred, x.Pred) || !reflect.DeepEqual(fromFile.Prob, x.Prob) {
				t.Errorf("the file and the stream read differently:\n%+v\n%+v", fromFile, fromStream)
			}
		})
	}
}
