package predmat

import (
	"bytes"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// small returns a 2-model, 3-instance, 3-class matrix with probabilities.
func small() *Matrix {
	return &Matrix{
		Models:    []string{"a", `b,"quoted"`},
		Instances: []string{"i0", "i 1", "i2\nnewline"},
		Classes:   3,
		Labels:    []int32{0, 1, 2},
		Pred:      []int32{0, 1, 1, 2, 1, 2},
		Prob: []float32{
			0.7, 0.2, 0.1, 0.1, 0.8, 0.1, 0.3, 0.4, 0.3,
			0.1, 0.1, 0.8, 0, 1, 0, 1.0 / 3, 1.0 / 3, 1 - 2.0/3,
		},
	}
}

func TestWriteThenReadGivesTheSameMatrix(t *testing.T) {
	labelsOnly := small()
	labelsOnly.Prob = nil
	for _, tc := range []struct {
		name string
		x    *Matrix
	}{
		{"with probabilities", small()},
		{"with labels only", labelsOnly},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := Write(&b, tc.x); err != nil {
				t.Fatal(err)
			}
			got, err := Read("t.csv", bytes.NewReader(b.Bytes()))
			if err != nil {
				t.Fatalf("Read: %v\n%s", err, b.String())
			}
			if !reflect.DeepEqual(got, tc.x) {
				t.Errorf("round trip changed the matrix:\n got %+v\nwant %+v", got, tc.x)
			}
			var b2 bytes.Buffer
			if err := Write(&b2, got); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b.Bytes(), b2.Bytes()) {
				t.Errorf("second Write differs:\n%s\nvs\n%s", b.String(), b2.String())
			}
		})
	}
}

func TestWriteProducesTheDocumentedBytes(t *testing.T) {
	x := &Matrix{
		Models: []string{"m1", "m,2"}, Instances: []string{"x", "y"}, Classes: 2,
		Labels: []int32{0, 1}, Pred: []int32{0, 0, 1, 1},
		Prob: []float32{0.9, 0.1, 0.6, 0.4, 0.25, 0.75, 1.0 / 3, 2.0 / 3},
	}
	want := "model,instance,label,pred,p0,p1\n" +
		"m1,x,0,0,0.9,0.1\n" +
		"m1,y,1,0,0.6,0.4\n" +
		`"m,2",x,0,1,0.25,0.75` + "\n" +
		`"m,2",y,1,1,0.33333334,0.6666667` + "\n"
	var b bytes.Buffer
	if err := Write(&b, x); err != nil {
		t.Fatal(err)
	}
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestWriteRejectsAnInvalidMatrix(t *testing.T) {
	for _, tc := range []struct {
		name  string
		spoil func(x *Matrix)
		want  string
	}{
		{"a prediction outside the classes", func(x *Matrix) { x.Pred[3] = 7 }, "pred 7 outside [0, 3)"},
		{"a model name with a carriage return", func(x *Matrix) { x.Models[0] = "a\r\nb" }, "contains a carriage return"},
		{"an instance id with a carriage return", func(x *Matrix) { x.Instances[1] = "y\r" }, "contains a carriage return"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := small()
			tc.spoil(bad)
			if err := Write(&bytes.Buffer{}, bad); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Write: err = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestReadAcceptsRowsInAnyOrder(t *testing.T) {
	want := &Matrix{
		Models: []string{"a", "b"}, Instances: []string{"x", "y", "z"}, Classes: 3,
		Labels: []int32{0, 2, 1}, Pred: []int32{0, 2, 2, 1, 2, 1},
	}
	for _, tc := range []struct {
		name, in string
	}{
		{"model-major", "model,instance,label,pred\na,x,0,0\na,y,2,2\na,z,1,2\nb,x,0,1\nb,y,2,2\nb,z,1,1\n"},
		{"instance-major", "model,instance,label,pred\na,x,0,0\nb,x,0,1\na,y,2,2\nb,y,2,2\na,z,1,2\nb,z,1,1\n"},
		{"second model in another instance order", "model,instance,label,pred\na,x,0,0\na,y,2,2\na,z,1,2\nb,z,1,1\nb,y,2,2\nb,x,0,1\n"},
		{"another model listing an instance first", "model,instance,label,pred\na,x,0,0\nb,z,1,1\nb,y,2,2\nb,x,0,1\na,y,2,2\na,z,1,2\n"},
		{"CRLF line ends and a byte-order mark", "\ufeffmodel,instance,label,pred\r\na,x,0,0\r\na,y,2,2\r\na,z,1,2\r\nb,x,0,1\r\nb,y,2,2\r\nb,z,1,1\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Read("t.csv", strings.NewReader(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestReadInfersClassesFromTheLargestLabelOrPrediction(t *testing.T) {
	x, err := Read("t.csv", strings.NewReader("model,instance,label,pred\na,x,0,4\na,y,1,0\n"))
	if err != nil {
		t.Fatal(err)
	}
	if x.Classes != 5 || x.Prob != nil {
		t.Errorf("Classes = %d, Prob = %v; want 5 and nil", x.Classes, x.Prob)
	}
}

func TestReadReportsWhatAndWhere(t *testing.T) {
	const h = "model,instance,label,pred,p0,p1\n"
	for _, tc := range []struct {
		name, in string
		is       error
		want     string // full Error() text
	}{
		{"an empty file is rejected", "", ErrEmpty, "f.csv:1:1: no data: empty file, want a header and rows"},
		{"a header without rows is rejected", h, ErrEmpty, "f.csv:2:1: no data: header only, no rows"},
		// Issue 17: names that print as other names, compressed files,
		// and messages that quote no content.
		{"a model name with a line break is rejected", h + "\"a\nb\",x,0,0,1,0\n", ErrName, "f.csv:2:1: bad name: model name holds U+000A (a control character) at byte 1; a model name may not hold control characters (line breaks, tabs) or formatting characters (bidirectional overrides), which print as other names"},
		{"a model name with a tab is rejected", h + "a\tb,x,0,0,1,0\n", ErrName, "f.csv:2:1: bad name: model name holds U+0009 (a control character) at byte 1; a model name may not hold control characters (line breaks, tabs) or formatting characters (bidirectional overrides), which print as other names"},
		{"a model name with a bidi override is rejected", h + "ok,x,0,0,1,0\nab\u202Ec,x,0,0,1,0\n", ErrName, "f.csv:3:1: bad name: model name holds U+202E (a formatting character such as a bidirectional override) at byte 2; a model name may not hold control characters (line breaks, tabs) or formatting characters (bidirectional overrides), which print as other names"},
		{"a gzip file is named as compressed", "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03secret", ErrEncoding, "f.csv:1:1: not valid UTF-8: a gzip-compressed file, not CSV text; decompress it first"},
		{"a password file is not quoted", "root:$6$salt$hash:19000:0:99999:7:::\n", ErrHeader, `f.csv:1:1: bad header: column 1 is not "model" (want model,instance,label,pred[,p0,…])`},
		{"a header of secrets is not quoted", "secret,instance,label,pred\n", ErrHeader, `f.csv:1:1: bad header: column 1 is not "model" (want model,instance,label,pred[,p0,…])`},
		{"probabilities summing to 1.0011 are rejected", "model,instance,label,pred,p0,p1,p2\na,x,0,0,0.3341,0.333,0.334\n", ErrProb, "f.csv:2:9: bad probabilities: p0…p2 sum to 1.0011, want 1 ± 0.001"},
		{"a wrong first column is rejected", "mod,instance,label,pred\n", ErrHeader, `f.csv:1:1: bad header: column 1 is not "model" (want model,instance,label,pred[,p0,…])`},
		{"a short header is rejected", "model,instance\n", ErrHeader, "f.csv:1:7: bad header: 2 columns, want model,instance,label,pred[,p0,…]"},
		{"probability columns out of order are rejected", "model,instance,label,pred,p1,p0\n", ErrHeader, `f.csv:1:27: bad header: column 5 is not "p0"`},
		{"a row with too few fields is rejected", h + "a,x,0,0,1\n", ErrFieldCount, "f.csv:2:9: wrong number of fields: row has 5 fields, header has 6"},
		{"a row with too many fields is rejected", h + "a,x,0,0,1,0,0\n", ErrFieldCount, "f.csv:2:13: wrong number of fields: row has 7 fields, header has 6"},
		{"a truncated quoted field is rejected", h + "\"a,x,0,0,1,0\n", ErrSyntax, `f.csv:2:14: malformed CSV: extraneous or missing " in quoted-field`},
		{"a bare quote is rejected", h + "a\"b,x,0,0,1,0\n", ErrSyntax, `f.csv:2:2: malformed CSV: bare " in non-quoted-field`},
		{"non-UTF-8 text is rejected", h + "a\xff,x,0,0,1,0\n", ErrEncoding, `f.csv:2:1: not valid UTF-8: field 1`},
		{"an empty model name is rejected", h + ",x,0,0,1,0\n", ErrName, "f.csv:2:1: bad name: model name is empty"},
		{"an empty instance id is rejected", h + "a,,0,0,1,0\n", ErrName, "f.csv:2:3: bad name: instance id is empty"},
		{"a model name with a carriage return is rejected", h + "\"a\r\r\nb\",x,0,0,1,0\n", ErrName, "f.csv:2:1: bad name: model name holds U+000D (a control character) at byte 1; a model name may not hold control characters (line breaks, tabs) or formatting characters (bidirectional overrides), which print as other names"},
		{"an instance id with a carriage return is rejected", h + "a,x\ry,0,0,1,0\n", ErrName, "f.csv:2:3: bad name: instance id contains a carriage return, which CSV cannot carry (readers drop a \\r before a line break)"},
		{"a non-integer label is rejected", h + "a,x,1.5,0,1,0\n", ErrNumber, `f.csv:2:5: bad number: label is not an integer`},
		{"a non-integer prediction is rejected", h + "a,x,0,zero,1,0\n", ErrNumber, `f.csv:2:7: bad number: pred is not an integer`},
		{"a negative label is rejected", h + "a,x,-1,0,1,0\n", ErrRange, "f.csv:2:5: class out of range: label -1 is negative"},
		{"a prediction past the probability columns is rejected", h + "a,x,0,2,1,0\n", ErrRange, "f.csv:2:7: class out of range: pred 2 outside [0, 2) set by the 2 probability columns"},
		{"a label beyond the class limit is rejected", "model,instance,label,pred\na,x,2147483647,0\n", ErrRange, "f.csv:2:5: class out of range: label 2147483647 exceeds the limit of 65536 classes"},
		{"a label beyond int32 is rejected", "model,instance,label,pred\na,x,2147483648,0\n", ErrNumber, `f.csv:2:5: bad number: label is not an integer`},
		{"a non-numeric probability is rejected", h + "a,x,0,0,one,0\n", ErrNumber, `f.csv:2:9: bad number: p0 is not a number`},
		{"a NaN probability is rejected", h + "a,x,0,0,NaN,0\n", ErrProb, "f.csv:2:9: bad probabilities: p0 = NaN, want a finite value ≥ 0"},
		{"an infinite probability is rejected", h + "a,x,0,0,0,+Inf\n", ErrProb, "f.csv:2:11: bad probabilities: p1 = +Inf, want a finite value ≥ 0"},
		{"a negative probability is rejected", h + "a,x,0,0,1.5,-0.5\n", ErrProb, "f.csv:2:13: bad probabilities: p1 = -0.5, want a finite value ≥ 0"},
		{"probabilities that do not sum to one are rejected with their sum", h + "a,x,0,0,0.5,0.49\n", ErrProb, "f.csv:2:9: bad probabilities: p0…p1 sum to 0.99, want 1 ± 0.001"},
		{"a repeated row is rejected", h + "a,x,0,0,1,0\na,x,0,0,1,0\n", ErrDuplicate, `f.csv:3:1: duplicate row: this model and instance appear on an earlier line too`},
		{"a conflicting label is rejected", h + "a,x,0,0,1,0\nb,x,1,0,1,0\n", ErrLabel, `f.csv:3:5: conflicting labels: the instance has label 1 here but 0 on line 2`},
		{"a model missing an instance is named with the instance", h + "a,x,0,0,1,0\na,y,1,0,1,0\nb,x,0,0,1,0\n", ErrMissing, `f.csv:4:1: missing row: the model first listed here has no row for the instance first listed on line 3`},
		{"the first model missing an instance is named too", h + "a,x,0,0,1,0\nb,x,0,0,1,0\nb,y,1,0,1,0\n", ErrMissing, `f.csv:2:1: missing row: the model first listed here has no row for the instance first listed on line 4`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x, err := Read("f.csv", strings.NewReader(tc.in))
			if err == nil {
				t.Fatalf("no error; read %+v", x)
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v (%T) is not a *ParseError", err, err)
			}
			if !errors.Is(err, tc.is) {
				t.Errorf("error %v does not wrap %v", err, tc.is)
			}
			if err.Error() != tc.want {
				t.Errorf("error\n got %s\nwant %s", err, tc.want)
			}
		})
	}
}

type failingReader struct{ n int }

func (r *failingReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, errors.New("disk on fire")
	}
	s := "model,instance,label,pred\na,x,0,0\n"
	n := copy(p, s[:min(len(s), r.n)])
	r.n = 0
	return n, nil
}

func TestReadWrapsIOErrors(t *testing.T) {
	_, err := Read("f.csv", &failingReader{n: 30})
	var pe *ParseError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "disk on fire") {
		t.Errorf("err = %v, want a *ParseError wrapping the read error", err)
	}
}

func FuzzRead(f *testing.F) {
	var b bytes.Buffer
	if err := Write(&b, small()); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Add([]byte("model,instance,label,pred\na,x,0,0\nb,x,0,1\na,y,1,1\nb,y,1,0\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		x, err := Read("fuzz.csv", bytes.NewReader(data))
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *ParseError", err)
			}
			return
		}
		if err := x.Validate(); err != nil {
			t.Fatalf("Read returned an invalid matrix: %v", err)
		}
		var w1 bytes.Buffer
		if err := Write(&w1, x); err != nil {
			t.Fatalf("Write of a read matrix: %v", err)
		}
		y, err := Read("fuzz2.csv", bytes.NewReader(w1.Bytes()))
		if err != nil {
			t.Fatalf("reading back: %v\n%s", err, w1.String())
		}
		if !reflect.DeepEqual(x, y) {
			t.Fatalf("round trip changed the matrix:\n%+v\n%+v", x, y)
		}
	})
}

func TestParseErrorNamesALineOnlyWhenItHasOne(t *testing.T) {
	for _, tc := range []struct {
		err  ParseError
		want string
	}{
		{ParseError{File: "p.csv", Line: 3, Column: 2, Err: errors.New("bad")}, "p.csv:3:2: bad"},
		{ParseError{File: "dir", Line: 0, Column: 1, Err: errors.New("read: is a directory")}, "dir: read: is a directory"},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
}

// TestReadProbabilitySumsOnTheBound checks that sums on the tolerance's
// bound are judged alike however they are written: both sums below are
// 1.001, and 0.3335+0.333+0.3345 used to be refused (summed after
// rounding to float32) while 0.334+0.333+0.334 passed.
func TestReadProbabilitySumsOnTheBound(t *testing.T) {
	for _, row := range []string{"0.3335,0.333,0.3345", "0.334,0.333,0.334", "0.3325,0.333,0.3335", "0.332,0.333,0.334"} {
		in := "model,instance,label,pred,p0,p1,p2\na,x,0,0," + row + "\n"
		x, err := Read("f.csv", strings.NewReader(in))
		if err != nil {
			t.Errorf("%s: %v", row, err)
			continue
		}
		if err := x.Validate(); err != nil {
			t.Errorf("%s: read, then Validate refuses: %v", row, err)
		}
	}
}

// TestReadCheckedCountsPredOtherThanArgmax checks the count and first line
// of rows whose pred is not a most probable class; a tie counts as argmax.
func TestReadCheckedCountsPredOtherThanArgmax(t *testing.T) {
	for _, tc := range []struct {
		name, rows string
		want       Mismatch
	}{
		{"pred at the argmax", "a,x,0,0,0.9,0.1\na,y,1,1,0.2,0.8\n", Mismatch{}},
		{"a tie is an argmax", "a,x,0,1,0.5,0.5\na,y,1,0,0.5,0.5\n", Mismatch{}},
		{"two rows against their p", "a,x,0,0,0.9,0.1\na,y,1,0,0.2,0.8\nb,x,0,1,0.6,0.4\nb,y,1,1,0.3,0.7\n", Mismatch{Rows: 2, Line: 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, got, err := ReadChecked("f.csv", strings.NewReader("model,instance,label,pred,p0,p1\n"+tc.rows))
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("mismatch %+v, want %+v", got, tc.want)
			}
		})
	}
}

// TestToFloat32RoundsOnce checks that probabilities read in float64 are
// stored as the float32 that strconv.ParseFloat(s, 32) gives, including
// decimals whose float64 lies halfway between two float32s, where
// rounding twice would differ, and float32 subnormals.
func TestToFloat32RoundsOnce(t *testing.T) {
	// 1 + 2⁻²⁴ is halfway between float32 1 and 1 + 2⁻²³; the decimal a
	// little above it rounds to the float64 midpoint, then down to 1 by
	// ties-to-even, while rounded once it goes up.
	for _, s := range []string{"1.00000005960464477539062500000000001", "0.1", "0.33333334", "1e-40", "1.4e-45", "0", "1"} {
		v, _ := strconv.ParseFloat(s, 64)
		want, _ := strconv.ParseFloat(s, 32)
		if got := toFloat32(v, s); got != float32(want) {
			t.Errorf("toFloat32(%s) = %v, want %v", s, got, float32(want))
		}
	}
}
