package predmat

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"reflect"
	"strings"
	"testing"
)

// npyOf encodes a C-order .npy (format 1.0) of dtype descr and shape
// holding vals: float64 for 'f', int64 for 'i'/'u', string for 'U'.
func npyOf(descr string, shape []int, vals any) []byte {
	var body bytes.Buffer
	switch v := vals.(type) {
	case []float64:
		for _, f := range v {
			if descr == "<f4" {
				binary.Write(&body, binary.LittleEndian, math.Float32bits(float32(f)))
			} else {
				binary.Write(&body, binary.LittleEndian, math.Float64bits(f))
			}
		}
	case []int64:
		for _, i := range v {
			switch descr {
			case "<i4":
				binary.Write(&body, binary.LittleEndian, int32(i))
			default:
				binary.Write(&body, binary.LittleEndian, i)
			}
		}
	case []string:
		var width int
		fmt.Sscanf(descr[2:], "%d", &width)
		for _, s := range v {
			r := []rune(s)
			for k := range width {
				var c uint32
				if k < len(r) {
					c = uint32(r[k])
				}
				binary.Write(&body, binary.LittleEndian, c)
			}
		}
	}
	parts := make([]string, len(shape))
	for k, d := range shape {
		parts[k] = fmt.Sprint(d)
	}
	sh := strings.Join(parts, ", ")
	if len(shape) == 1 {
		sh += ","
	}
	h := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': (%s), }", descr, sh)
	for (10+len(h)+1)%64 != 0 {
		h += " "
	}
	h += "\n"
	var b bytes.Buffer
	b.WriteString("\x93NUMPY\x01\x00")
	binary.Write(&b, binary.LittleEndian, uint16(len(h)))
	b.WriteString(h)
	b.Write(body.Bytes())
	return b.Bytes()
}

// npzOf zips the members (name → .npy bytes), in sorted order.
func npzOf(members map[string][]byte) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, k := range sortedKeys(members) {
		w, _ := zw.Create(k + ".npy")
		w.Write(members[k])
	}
	zw.Close()
	return b.Bytes()
}

func sortedKeys(m map[string][]byte) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	for i := range ks {
		for j := i + 1; j < len(ks); j++ {
			if ks[j] < ks[i] {
				ks[i], ks[j] = ks[j], ks[i]
			}
		}
	}
	return ks
}

// goodNPZ returns the members of a valid 2-model, 2-instance, 2-class npz.
func goodNPZ() map[string][]byte {
	return map[string][]byte{
		"probs":  npyOf("<f8", []int{2, 2, 2}, []float64{0.9, 0.1, 0.2, 0.8, 0.4, 0.6, 0.5, 0.5}),
		"labels": npyOf("<i8", []int{2}, []int64{0, 1}),
		"models": npyOf("<U3", []int{2}, []string{"cnn", "mlp"}),
	}
}

func TestReadNPZ(t *testing.T) {
	b := npzOf(goodNPZ())
	x, err := ReadNPZ("p.npz", bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	want := &Matrix{Models: []string{"cnn", "mlp"}, Instances: []string{"0", "1"}, Classes: 2, Labels: []int32{0, 1},
		Pred: []int32{0, 1, 1, 0}, Prob: []float32{0.9, 0.1, 0.2, 0.8, 0.4, 0.6, 0.5, 0.5}}
	if !reflect.DeepEqual(x, want) {
		t.Errorf("got %+v\nwant %+v", x, want)
	}
}

func TestReadNPZErrorsNameTheIndex(t *testing.T) {
	tests := []struct {
		name   string
		change func(m map[string][]byte)
		want   string
		is     error
	}{
		{"no probs", func(m map[string][]byte) { delete(m, "probs") }, "p.npz: missing row: no member probs [M, N, C]", ErrMissing},
		{"an unknown member", func(m map[string][]byte) { m["weights"] = m["labels"] }, `p.npz: bad NumPy array: member "weights.npy"`, ErrNPY},
		{"a label out of range", func(m map[string][]byte) { m["labels"] = npyOf("<i8", []int{2}, []int64{0, 2}) }, "p.npz: labels[1]: class out of range: label 2 outside [0, 2)", ErrRange},
		{"probabilities that do not sum to 1", func(m map[string][]byte) {
			m["probs"] = npyOf("<f4", []int{2, 2, 2}, []float64{0.9, 0.1, 0.2, 0.8, 0.4, 0.7, 0.5, 0.5})
		}, `p.npz: probs[1, 0]: bad probabilities: the 2 probabilities of model "mlp" on instance "0" sum to 1.1`, ErrProb},
		{"a NaN", func(m map[string][]byte) {
			m["probs"] = npyOf("<f8", []int{2, 2, 2}, []float64{0.9, 0.1, math.NaN(), 0.8, 0.4, 0.6, 0.5, 0.5})
		}, "p.npz: probs[0, 1, 0]: bad probabilities: NaN", ErrProb},
		{"repeated model names", func(m map[string][]byte) { m["models"] = npyOf("<U1", []int{2}, []string{"a", "a"}) }, `p.npz: models[1]: duplicate row: "a" repeats models[0]`, ErrDuplicate},
		{"a control character in a name", func(m map[string][]byte) { m["models"] = npyOf("<U2", []int{2}, []string{"a\x1b", "b"}) }, `p.npz: models[0]: bad name: "a\x1b" has a control character`, ErrName},
		{"labels of another length", func(m map[string][]byte) { m["labels"] = npyOf("<i8", []int{3}, []int64{0, 1, 1}) }, "p.npz: labels: bad NumPy array: shape (3,), want (2,) to match probs (2, 2, 2)", ErrNPY},
		{"float labels", func(m map[string][]byte) { m["labels"] = npyOf("<f8", []int{2}, []float64{0, 1}) }, "p.npz: labels: bad NumPy array: dtype <f8 shape (2,), want integers [N]", ErrNPY},
		{"a prediction out of range", func(m map[string][]byte) { m["preds"] = npyOf("<i4", []int{2, 2}, []int64{0, 1, 1, 5}) }, "p.npz: preds[1, 1]: class out of range: pred 5 outside [0, 2)", ErrRange},
		{"a truncated array", func(m map[string][]byte) { m["labels"] = m["labels"][:len(m["labels"])-3] }, "p.npz: labels: bad NumPy array: shape (2,) of <i8 needs 16 bytes of data, the file has 13", ErrNPY},
		{"groups of another length", func(m map[string][]byte) { m["groups"] = npyOf("<U1", []int{3}, []string{"a", "b", "a"}) }, "p.npz: groups: bad NumPy array: dtype <U1 shape (3,), want unicode strings or integers of shape (2,)", ErrNPY},
		{"an empty group", func(m map[string][]byte) { m["groups"] = npyOf("<U1", []int{2}, []string{"a", ""}) }, "p.npz: groups[1]: bad name: group is empty", ErrName},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := goodNPZ()
			tc.change(m)
			b := npzOf(m)
			_, err := ReadNPZ("p.npz", bytes.NewReader(b), int64(len(b)))
			var pe *ParseError
			if !errors.As(err, &pe) || !errors.Is(err, tc.is) {
				t.Fatalf("err = %v, want a *ParseError wrapping %v", err, tc.is)
			}
			if !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("err = %q\nwant  %q…", err, tc.want)
			}
		})
	}
}

// TestReadFileFormatsAgree reads the same predictions written by
// testdata/formats/gen.py as CSV, gzip CSV and npz (numpy's own
// writer), and by genparquet.go as Parquet: the same matrix.
// TestReadNPZGroups reads the optional groups member, strings or
// integers, one per instance; groups repeat, unlike names.
func TestReadNPZGroups(t *testing.T) {
	tests := []struct {
		name   string
		groups []byte
		want   []string
	}{
		{"strings", npyOf("<U2", []int{2}, []string{"f", "f"}), []string{"f", "f"}},
		{"integers", npyOf("<i8", []int{2}, []int64{3, 7}), []string{"3", "7"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := goodNPZ()
			m["groups"] = tc.groups
			b := npzOf(m)
			x, err := ReadNPZ("p.npz", bytes.NewReader(b), int64(len(b)))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(x.Groups, tc.want) {
				t.Errorf("groups = %q, want %q", x.Groups, tc.want)
			}
		})
	}
}

func TestReadFileFormatsAgree(t *testing.T) {
	want, f, err := ReadFile("testdata/formats/preds.csv")
	if err != nil || f != FormatCSV {
		t.Fatal(f, err)
	}
	for _, tc := range []struct {
		path   string
		format Format
	}{
		{"testdata/formats/preds.csv.gz", FormatGzipCSV},
		{"testdata/formats/preds.npz", FormatNPZ},
		{"testdata/formats/preds.parquet", FormatParquet},
	} {
		t.Run(tc.path, func(t *testing.T) {
			x, f, err := ReadFile(tc.path)
			if err != nil {
				t.Fatal(err)
			}
			if f != tc.format {
				t.Errorf("format %q, want %q", f, tc.format)
			}
			if !reflect.DeepEqual(x, want) {
				t.Errorf("got %+v\nwant %+v", x, want)
			}
		})
	}
}

func TestReadFileSniffsGzipByContent(t *testing.T) {
	gz, err := os.ReadFile("testdata/formats/preds.csv.gz")
	if err != nil {
		t.Fatal(err)
	}
	path := t.TempDir() + "/renamed.csv"
	if err := os.WriteFile(path, gz, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, f, err := ReadFile(path); err != nil || f != FormatGzipCSV {
		t.Fatalf("format %q, err %v; want csv.gz read", f, err)
	}
	bad := append(append([]byte{}, gz[:len(gz)-8]...), 0, 0, 0, 0, 0, 0, 0, 0)
	if err := os.WriteFile(path, bad, 0o644); err != nil {
		t.Fatal(err)
	}
	var pe *ParseError
	if _, _, err := ReadFile(path); !errors.As(err, &pe) {
		t.Fatalf("corrupt gzip: err = %v, want a *ParseError", err)
	}
}

func FuzzReadNPZ(f *testing.F) {
	f.Add(npzOf(goodNPZ()))
	if b, err := os.ReadFile("testdata/formats/preds.npz"); err == nil {
		f.Add(b)
	}
	f.Add(goodNPZ()["probs"])
	f.Fuzz(func(t *testing.T, b []byte) {
		x, err := ReadNPZ("f.npz", bytes.NewReader(b), int64(len(b)))
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *ParseError", err)
			}
			return
		}
		if err := x.Validate(); err != nil {
			t.Fatalf("ReadNPZ returned an invalid matrix: %v", err)
		}
	})
}

// FuzzDecodeNPY feeds arbitrary bytes to the .npy decoder behind npz
// members and feature files: an error or an array whose data matches its
// shape, never a panic.
func FuzzDecodeNPY(f *testing.F) {
	f.Add(goodNPZ()["models"])
	f.Add(goodNPZ()["probs"])
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := decodeNPY(b)
		if err != nil {
			return
		}
		n := 1
		for _, d := range a.shape {
			n *= d
		}
		if a.len() != n {
			t.Fatalf("%d elements for shape %v", a.len(), a.shape)
		}
	})
}

func FuzzReadGzipCSV(f *testing.F) {
	if b, err := os.ReadFile("testdata/formats/preds.csv.gz"); err == nil {
		f.Add(b)
	}
	f.Add([]byte{0x1f, 0x8b})
	f.Fuzz(func(t *testing.T, b []byte) {
		x, _, err := readGzip("f.csv.gz", bytes.NewReader(b))
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *ParseError", err)
			}
			return
		}
		if err := x.Validate(); err != nil {
			t.Fatalf("invalid matrix: %v", err)
		}
	})
}
