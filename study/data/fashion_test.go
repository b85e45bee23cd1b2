package data

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// writeFakeIDXSet writes the four gzipped IDX files of an MNIST-sized set
// into dir: image i has pixel (i mod 784) set to 1 + i mod 255 (plus bump
// on pixel 0 of training image 0), label i mod 10.
func writeFakeIDXSet(t *testing.T, dir string, bump byte) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name string, dims []int, payload []byte) {
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestSpeed)
		hdr := []byte{0, 0, 8, byte(len(dims))}
		for _, d := range dims {
			hdr = binary.BigEndian.AppendUint32(hdr, uint32(d))
		}
		zw.Write(hdr)
		zw.Write(payload)
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []struct {
		images, labels string
		n              int
	}{{idxTrainImages, idxTrainLabels, mnistTrain}, {idxTestImages, idxTestLabels, mnistTest}} {
		x := make([]byte, p.n*mnistPix)
		y := make([]byte, p.n)
		for i := range p.n {
			x[i*mnistPix+i%mnistPix] = byte(1 + i%255)
			y[i] = byte(i % 10)
		}
		if p.n == mnistTrain {
			x[0] += bump
		}
		write(p.images, []int{p.n, mnistSide, mnistSide}, x)
		write(p.labels, []int{p.n}, y)
	}
}

func TestFashionMNISTLooksInPathThenDataDirThenDebian(t *testing.T) {
	root := t.TempDir()
	spec := filepath.Join(root, "specdir")
	own := filepath.Join(root, "specdir", "own")
	cache := filepath.Join(root, "cache")
	system := filepath.Join(root, "system")
	writeFakeIDXSet(t, own, 1)
	writeFakeIDXSet(t, filepath.Join(cache, "fashion-mnist"), 2)
	writeFakeIDXSet(t, filepath.Join(system, "fashion-mnist"), 3)
	old := systemDatasets
	systemDatasets = system
	t.Cleanup(func() { systemDatasets = old })

	load := func(t *testing.T, s Spec, dataDir string) (*Set, error) {
		t.Setenv(EnvDataDir, dataDir)
		s.Name, s.Train, s.Test = "fashion-mnist", 20, 10
		return Load(s, 1, spec)
	}
	for _, tc := range []struct {
		name    string
		path    string
		dataDir string
		want    byte // the bump of the folder that must be read
	}{
		{"dataset.path comes first, relative to the spec", "own", cache, 1},
		{"$STUDY_DATA/fashion-mnist comes next", "", cache, 2},
		{"a dataset.path without the files falls through", "nowhere", cache, 2},
		{"the Debian folder comes last", "", filepath.Join(root, "empty"), 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			set, err := load(t, Spec{Path: tc.path}, tc.dataDir)
			if err != nil {
				t.Fatal(err)
			}
			// Training image 0 is pixel 0 = 1 + bump, found in train or val.
			got := -1
			for _, x := range [][]float32{set.TrainX, set.ValX} {
				for i := 0; i < len(x); i += mnistPix {
					if x[i] != 0 {
						got = int(x[i]*255+0.5) - 1
					}
				}
			}
			if got != int(tc.want) {
				t.Errorf("read the folder with bump %d; want %d", got, tc.want)
			}
			if set.Height != 28 || set.Width != 28 || set.Chans != 1 || set.Classes != 10 || set.ClassNames[9] != "Ankle boot" {
				t.Errorf("geometry %d×%d×%d, %d classes %v", set.Height, set.Width, set.Chans, set.Classes, set.ClassNames)
			}
		})
	}

	t.Run("the fingerprint covers the bytes, not the folder", func(t *testing.T) {
		a, err := load(t, Spec{Path: "own"}, cache)
		if err != nil {
			t.Fatal(err)
		}
		copyDir := filepath.Join(root, "copy")
		writeFakeIDXSet(t, copyDir, 1)
		b, err := load(t, Spec{Path: copyDir}, cache)
		if err != nil {
			t.Fatal(err)
		}
		c, err := load(t, Spec{}, cache)
		if err != nil {
			t.Fatal(err)
		}
		if a.Fingerprint != b.Fingerprint {
			t.Error("the same bytes in two folders have different fingerprints")
		}
		if a.Fingerprint == c.Fingerprint {
			t.Error("folders that differ in one pixel have the same fingerprint")
		}
	})

	t.Run("when missing, the error names the file and how to get it", func(t *testing.T) {
		old := systemDatasets
		systemDatasets = filepath.Join(root, "nosystem")
		defer func() { systemDatasets = old }()
		_, err := load(t, Spec{}, filepath.Join(root, "empty"))
		var me *MissingError
		if !errors.As(err, &me) {
			t.Fatalf("error %v; want a *MissingError", err)
		}
		var bad interface{ BadInput() }
		if !errors.As(err, &bad) {
			t.Error("a missing dataset is not marked bad input (exit code 2)")
		}
		for _, want := range []string{"train-images-idx3-ubyte.gz", "apt-get install dataset-fashion-mnist", "study data fetch fashion-mnist", filepath.Join(root, "empty", "fashion-mnist")} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not say %q", err, want)
			}
		}
	})
}

// TestFashionMNISTMatchesReference checks the files of Debian's
// dataset-fashion-mnist package against numpy's reading of them
// (testdata/fashion_reference.json); it is skipped where the package is
// not installed.
func TestFashionMNISTMatchesReference(t *testing.T) {
	dir := "/usr/share/datasets/fashion-mnist"
	if _, err := os.Stat(filepath.Join(dir, idxTrainImages)); err != nil {
		t.Skip("Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)")
	}
	b, err := os.ReadFile("testdata/fashion_reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref map[string]mnistRef
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	set, err := Load(Spec{Name: "fashion-mnist", Path: dir, NoVal: true}, 1, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, part := range []struct {
		name string
		x    []float32
		y    []int
	}{{"train", set.TrainX, set.TrainY}, {"test", set.TestX, set.TestY}} {
		r := ref[part.name]
		counts := make([]int, 10)
		for _, y := range part.y {
			counts[y]++
		}
		if len(part.y) != r.N || !slices.Equal(part.y[:10], r.FirstLabels) || !slices.Equal(counts, r.ClassCounts) {
			t.Errorf("%s: %d labels, first %v, counts %v; want %d, %v, %v", part.name, len(part.y), part.y[:10], counts, r.N, r.FirstLabels, r.ClassCounts)
		}
		if got := byteSum(t, part.x); got != r.PixelSum {
			t.Errorf("%s: pixel sum %d; want %d", part.name, got, r.PixelSum)
		}
	}
}
