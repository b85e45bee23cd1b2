package data

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// maxNPYBytes caps the payload of one array of an npz dataset.
const maxNPYBytes = 1 << 32

// NPYError is a malformed .npy array, alone or inside an .npz file.
type NPYError struct {
	Path  string // the file
	Array string // the array's name inside an npz, or ""
	Err   error
}

// Error names the file and the array.
func (e *NPYError) Error() string {
	if e.Array != "" {
		return fmt.Sprintf("%s: array %s: %v", e.Path, e.Array, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.Path, e.Err)
}

// Unwrap returns the underlying error.
func (e *NPYError) Unwrap() error { return e.Err }

// BadInput marks the error as the user's to fix (exit code 2).
func (e *NPYError) BadInput() {}

// Array is a decoded .npy array: its shape, its numpy dtype and its
// row-major values, read one at a time with At.
type Array struct {
	Shape []int
	Descr string // numpy dtype, e.g. "|u1", "<f4"
	size  int
	get   func([]byte) float64
	body  []byte
}

// Len returns the number of values.
func (a *Array) Len() int { return len(a.body) / a.size }

// At returns value i (row-major) as a float64; every supported type but
// 64-bit integers beyond 2⁵³ converts exactly.
func (a *Array) At(i int) float64 { return a.get(a.body[i*a.size:]) }

var (
	npyDescr   = regexp.MustCompile(`'descr'\s*:\s*'([^']*)'`)
	npyFortran = regexp.MustCompile(`'fortran_order'\s*:\s*(True|False)`)
	npyShape   = regexp.MustCompile(`'shape'\s*:\s*\(([^)]*)\)`)
)

// DecodeNPY decodes one .npy array (format versions 1 to 3) of little-
// endian or single-byte booleans, integers or floats in C order: numpy's
// np.save of a uint8, int, float32 or float64 array.
func DecodeNPY(b []byte) (*Array, error) {
	if len(b) < 10 || string(b[:6]) != "\x93NUMPY" {
		return nil, errors.New("not a .npy array (no \\x93NUMPY magic)")
	}
	var hlen, off int
	switch b[6] {
	case 1:
		hlen, off = int(binary.LittleEndian.Uint16(b[8:10])), 10
	case 2, 3:
		if len(b) < 12 {
			return nil, errors.New("header ends early")
		}
		hlen, off = int(binary.LittleEndian.Uint32(b[8:12])), 12
	default:
		return nil, fmt.Errorf("format version %d.%d is not 1, 2 or 3", b[6], b[7])
	}
	if hlen > len(b)-off {
		return nil, fmt.Errorf("header of %d bytes is longer than the file", hlen)
	}
	hdr := string(b[off : off+hlen])
	body := b[off+hlen:]
	d := npyDescr.FindStringSubmatch(hdr)
	f := npyFortran.FindStringSubmatch(hdr)
	sh := npyShape.FindStringSubmatch(hdr)
	if d == nil || f == nil || sh == nil {
		return nil, fmt.Errorf("header %q lacks descr, fortran_order or shape", hdr)
	}
	if f[1] == "True" {
		return nil, errors.New("Fortran-order array; save it in C order (np.ascontiguousarray)")
	}
	a := &Array{Descr: d[1]}
	n := int64(1)
	for _, s := range strings.Split(sh[1], ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		v, err := strconv.Atoi(s)
		if err != nil || v < 0 {
			return nil, fmt.Errorf("shape (%s) is not a tuple of counts", sh[1])
		}
		a.Shape = append(a.Shape, v)
		n *= int64(v)
		if n > maxNPYBytes {
			return nil, fmt.Errorf("shape (%s) is more than %d values", sh[1], int64(maxNPYBytes))
		}
	}
	descr := d[1]
	if len(descr) != 3 || (descr[0] != '<' && descr[0] != '|' && descr[0] != '=') {
		return nil, fmt.Errorf("dtype %q is not a little-endian number", descr)
	}
	size := int64(descr[2] - '0')
	var get func([]byte) float64
	switch descr[1:] {
	case "u1":
		get = func(p []byte) float64 { return float64(p[0]) }
	case "b1":
		get = func(p []byte) float64 { return float64(p[0] & 1) }
	case "i1":
		get = func(p []byte) float64 { return float64(int8(p[0])) }
	case "u2":
		get = func(p []byte) float64 { return float64(binary.LittleEndian.Uint16(p)) }
	case "i2":
		get = func(p []byte) float64 { return float64(int16(binary.LittleEndian.Uint16(p))) }
	case "u4":
		get = func(p []byte) float64 { return float64(binary.LittleEndian.Uint32(p)) }
	case "i4":
		get = func(p []byte) float64 { return float64(int32(binary.LittleEndian.Uint32(p))) }
	case "i8":
		get = func(p []byte) float64 { return float64(int64(binary.LittleEndian.Uint64(p))) }
	case "u8":
		get = func(p []byte) float64 { return float64(binary.LittleEndian.Uint64(p)) }
	case "f4":
		get = func(p []byte) float64 { return float64(math.Float32frombits(binary.LittleEndian.Uint32(p))) }
	case "f8":
		get = func(p []byte) float64 { return math.Float64frombits(binary.LittleEndian.Uint64(p)) }
	default:
		return nil, fmt.Errorf("dtype %q is not supported (uint8, integers, float32, float64, bool)", descr)
	}
	if int64(len(body)) != n*size {
		return nil, fmt.Errorf("%d data bytes, shape (%s) of %s needs %d", len(body), sh[1], descr, n*size)
	}
	a.size, a.get, a.body = int(size), get, body
	return a, nil
}

// readNPZ reads the named arrays of the .npz (zip) file at path.
func readNPZ(path string, names []string) (map[string]*Array, []byte, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("dataset npz: %w", err)
	}
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		return nil, nil, &NPYError{Path: path, Err: fmt.Errorf("not an .npz (zip) file: %w", err)}
	}
	out := map[string]*Array{}
	for _, name := range names {
		zf, err := zr.Open(name + ".npy")
		if err != nil {
			return nil, nil, &NPYError{Path: path, Array: name, Err: errors.New("missing; an npz dataset holds x_train, y_train, x_test and y_test")}
		}
		b, err := io.ReadAll(io.LimitReader(zf, maxNPYBytes*8+1<<20))
		zf.Close()
		if err != nil {
			return nil, nil, &NPYError{Path: path, Array: name, Err: err}
		}
		a, err := DecodeNPY(b)
		if err != nil {
			return nil, nil, &NPYError{Path: path, Array: name, Err: err}
		}
		out[name] = a
	}
	return out, raw, nil
}

// readNPZDataset loads an npz dataset: x_train and x_test of shape N×D,
// N×H×W or N×H×W×C (channels last), y_train and y_test of N integer
// labels. uint8 pixels are scaled by 1/255; other types are used as they
// are. A 3- or 4-dimensional x is an image; a 2-dimensional one is a table
// (standardised like a CSV) unless `image:` gives its geometry. Classes
// are the distinct labels in numeric order; train and test take the first
// s.Train / s.Test instances.
func readNPZDataset(s Spec, baseDir string) (*raw, error) {
	path := s.Path
	if !filepath.IsAbs(path) {
		path = filepath.Join(baseDir, path)
	}
	arr, file, err := readNPZ(path, []string{"x_train", "y_train", "x_test", "y_test"})
	if err != nil {
		return nil, err
	}
	bad := func(array, format string, args ...any) error {
		return &NPYError{Path: path, Array: array, Err: fmt.Errorf(format, args...)}
	}
	xtr, xte := arr["x_train"], arr["x_test"]
	if len(xtr.Shape) < 2 || len(xtr.Shape) > 4 {
		return nil, bad("x_train", "shape %v: want N×D, N×H×W or N×H×W×C", xtr.Shape)
	}
	if len(xte.Shape) != len(xtr.Shape) || !slices.Equal(xte.Shape[1:], xtr.Shape[1:]) {
		return nil, bad("x_test", "shape %v does not match x_train's %v", xte.Shape, xtr.Shape)
	}
	if xtr.Descr != xte.Descr {
		return nil, bad("x_test", "type differs from x_train's")
	}
	r := &raw{in: 1}
	for _, d := range xtr.Shape[1:] {
		r.in *= d
	}
	if len(xtr.Shape) >= 3 {
		if s.Image != nil {
			return nil, fieldErr("image", "%s holds images of shape %v already; image: is for N×D arrays", path, xtr.Shape[1:])
		}
		r.h, r.w, r.c = xtr.Shape[1], xtr.Shape[2], 1
		if len(xtr.Shape) == 4 {
			r.c = xtr.Shape[3]
		}
	} else if s.Image == nil {
		r.standardise = true
	}
	var labels [2][]string
	for i, name := range []string{"y_train", "y_test"} {
		y, x := arr[name], []*Array{xtr, xte}[i]
		if len(y.Shape) != 1 || y.Shape[0] != x.Shape[0] {
			return nil, bad(name, "shape %v: want (%d,), one label per instance of x", y.Shape, x.Shape[0])
		}
		for j := range y.Len() {
			v := y.At(j)
			if v != math.Trunc(v) || math.IsInf(v, 0) {
				return nil, bad(name, "label %v of instance %d is not an integer", v, j)
			}
			labels[i] = append(labels[i], strconv.FormatFloat(v, 'f', -1, 64))
		}
	}
	if len(labels[0]) == 0 || len(labels[1]) == 0 {
		return nil, bad("y_train", "no instances in the training or test part")
	}
	names, y := classIndex(append(append([]string(nil), labels[0]...), labels[1]...))
	if len(names) < 2 {
		return nil, bad("y_train", "one distinct label; need at least 2 classes")
	}
	if err := validPositive(s.Positive, len(names)); err != nil {
		return nil, err
	}
	ntr, nte := len(labels[0]), len(labels[1])
	if s.Train > ntr {
		return nil, fieldErr("train", "%d instances requested, %s has %d", s.Train, path, ntr)
	}
	if s.Test > nte {
		return nil, fieldErr("test", "%d instances requested, %s has %d", s.Test, path, nte)
	}
	if s.Train > 0 {
		ntr = s.Train
	}
	if s.Test > 0 {
		nte = s.Test
	}
	scale := 1.0
	if xtr.Descr[1:] == "u1" {
		scale = 255
	}
	conv := func(a *Array, n int) ([]float32, error) {
		out := make([]float32, n*r.in)
		for i := range out {
			v := a.At(i)
			if math.IsNaN(v) || math.Abs(v/scale) > math.MaxFloat32 {
				return nil, fmt.Errorf("value %v at flat index %d is not a finite float32", v, i)
			}
			out[i] = float32(v / scale)
		}
		return out, nil
	}
	if r.trainX, err = conv(xtr, ntr); err != nil {
		return nil, bad("x_train", "%v", err)
	}
	if r.testX, err = conv(xte, nte); err != nil {
		return nil, bad("x_test", "%v", err)
	}
	r.trainY, r.testY = y[:ntr:ntr], y[len(labels[0]):len(labels[0])+nte]
	r.classes, r.classNames = len(names), names
	r.provenance = fmt.Sprintf("npz file %s (sha256 %x)", s.Path, sha256.Sum256(file))
	if s.Image != nil {
		if err := s.Image.apply(r, path); err != nil {
			return nil, err
		}
	}
	return r, nil
}
