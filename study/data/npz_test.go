package data

import (
	"archive/zip"
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNPZDatasets loads the arrays numpy wrote (testdata/npz_reference.py)
// and checks every value against the formula the script used.
func TestNPZDatasets(t *testing.T) {
	for _, tc := range []struct {
		name         string
		spec         Spec
		h, w, c, in  int
		ntr, nte     int
		classes      []string
		standardised bool
		value        func(i, j int) float64 // feature j of training instance i
	}{
		{name: "uint8 N×H×W×C images are scaled by 1/255, channels last",
			spec: Spec{Name: "npz", Path: "testdata/images_u8.npz", NoVal: true}, h: 4, w: 3, c: 2, in: 24, ntr: 6, nte: 3,
			classes: []string{"0", "1", "2"},
			value: func(i, j int) float64 {
				hh, ww, cc := j/6, j/2%3, j%2
				return float64((7*i+5*hh+3*ww+cc)%256) / 255
			}},
		{name: "float64 N×H×W images get one channel, values as they are",
			spec: Spec{Name: "npz", Path: "testdata/gray_f8.npz", NoVal: true}, h: 4, w: 4, c: 1, in: 16, ntr: 4, nte: 2,
			classes: []string{"0", "1"},
			value:   func(i, j int) float64 { return float64(i+(j/4)*(j%4)) / 100 }},
		{name: "a float32 N×D table is standardised, labels in numeric order",
			spec: Spec{Name: "npz", Path: "testdata/table_f4.npz", NoVal: true}, in: 5, ntr: 8, nte: 4,
			classes: []string{"10", "11"}, standardised: true},
		{name: "an N×D table with image: becomes an image",
			spec: Spec{Name: "npz", Path: "testdata/table_f4.npz", NoVal: true, Image: &Image{Height: 1, Width: 5, Channels: 1}}, h: 1, w: 5, c: 1, in: 5, ntr: 8, nte: 4,
			classes: []string{"10", "11"},
			value:   func(i, j int) float64 { return float64(i) - 0.5*float64(j) }},
		{name: "train and test take the first N",
			spec: Spec{Name: "npz", Path: "testdata/images_u8.npz", NoVal: true, Train: 2, Test: 1}, h: 4, w: 3, c: 2, in: 24, ntr: 2, nte: 1,
			classes: []string{"0", "1", "2"},
			value: func(i, j int) float64 {
				return float64((7*i+5*(j/6)+3*(j/2%3)+j%2)%256) / 255
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			set, err := Load(tc.spec, 1, "")
			if err != nil {
				t.Fatal(err)
			}
			if set.Height != tc.h || set.Width != tc.w || set.Chans != tc.c || set.In != tc.in || set.NTrain() != tc.ntr || set.NTest() != tc.nte {
				t.Fatalf("%v, %d×%d×%d; want %d×%d×%d, %d features, %d/%d", set, set.Height, set.Width, set.Chans, tc.h, tc.w, tc.c, tc.in, tc.ntr, tc.nte)
			}
			if strings.Join(set.ClassNames, ",") != strings.Join(tc.classes, ",") {
				t.Errorf("classes %v; want %v", set.ClassNames, tc.classes)
			}
			if tc.standardised {
				var mean float64
				for i := range set.NTrain() {
					mean += float64(set.TrainX[i*set.In])
				}
				if math.Abs(mean) > 1e-5 {
					t.Errorf("feature 0 has training mean %v; want 0", mean/float64(set.NTrain()))
				}
				return
			}
			for i := range set.NTrain() {
				for j := range set.In {
					if got, want := set.TrainX[i*set.In+j], float32(tc.value(i, j)); got != want {
						t.Fatalf("instance %d feature %d = %v; want %v", i, j, got, want)
					}
				}
			}
		})
	}
}

func TestNPZRefusesBadArrays(t *testing.T) {
	good, err := os.ReadFile("testdata/images_u8.npz")
	if err != nil {
		t.Fatal(err)
	}
	zr, _ := zip.NewReader(bytes.NewReader(good), int64(len(good)))
	arrays := map[string][]byte{}
	for _, f := range zr.File {
		r, _ := f.Open()
		var b bytes.Buffer
		b.ReadFrom(r)
		arrays[strings.TrimSuffix(f.Name, ".npy")] = b.Bytes()
	}
	write := func(t *testing.T, change func(map[string][]byte)) string {
		m := map[string][]byte{}
		for k, v := range arrays {
			m[k] = v
		}
		change(m)
		var b bytes.Buffer
		zw := zip.NewWriter(&b)
		for k, v := range m {
			w, _ := zw.Create(k + ".npy")
			w.Write(v)
		}
		zw.Close()
		p := filepath.Join(t.TempDir(), "d.npz")
		os.WriteFile(p, b.Bytes(), 0o644)
		return p
	}
	for _, tc := range []struct {
		name   string
		change func(map[string][]byte)
		want   string
	}{
		{"a missing array is named", func(m map[string][]byte) { delete(m, "y_test") }, "array y_test: missing"},
		{"a test set of another image shape is refused", func(m map[string][]byte) { m["x_test"] = m["y_test"] }, "does not match x_train"},
		{"labels of the wrong length are refused", func(m map[string][]byte) { m["y_train"] = m["y_test"] }, "want (6,)"},
		{"a truncated array is refused", func(m map[string][]byte) { m["x_train"] = m["x_train"][:len(m["x_train"])-1] }, "data bytes"},
		{"a non-npy member is refused", func(m map[string][]byte) { m["x_train"] = []byte("hello") }, "not a .npy array"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(Spec{Name: "npz", Path: write(t, tc.change)}, 1, "")
			var ne *NPYError
			if !errors.As(err, &ne) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v; want an NPYError saying %q", err, tc.want)
			}
		})
	}
}

func FuzzDecodeNPY(f *testing.F) {
	f.Add([]byte("\x93NUMPY\x01\x00\x46\x00{'descr': '|u1', 'fortran_order': False, 'shape': (2, 3), }            \n\x01\x02\x03\x04\x05\x06"))
	f.Add([]byte("\x93NUMPY\x01\x00\x46\x00{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }               \n\x00\x00\x80\x3f"))
	f.Add([]byte("\x93NUMPY\x02\x00\x10\x00\x00\x00{'descr': '<i8'}"))
	f.Add([]byte("\x93NUMPY\x01\x00\xff\xff"))
	f.Fuzz(func(t *testing.T, in []byte) {
		a, err := DecodeNPY(in)
		if err != nil {
			return
		}
		n := 1
		for _, d := range a.Shape {
			n *= d
		}
		if a.Len() != n {
			t.Fatalf("shape %v but %d values", a.Shape, a.Len())
		}
		for i := range a.Len() {
			a.At(i)
		}
	})
}
