package data

import (
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestParseCSV(t *testing.T) {
	for _, tc := range []struct {
		name      string
		in        string
		label     string
		wantNames []string
		wantY     []int
		wantX     []float32
		wantErr   string // substring; "" = success
		line, col int    // CSVError position when wantErr != ""
	}{
		{
			name: "reads features around the label column", in: "a,label,b\n1,cat,2\n3,dog,4\n5,cat,6\n", label: "label",
			wantNames: []string{"cat", "dog"}, wantY: []int{0, 1, 0}, wantX: []float32{1, 2, 3, 4, 5, 6},
		},
		{
			name: "orders numeric labels numerically", in: "f,y\n1,10\n2,9\n3,10\n4,2\n", label: "y",
			wantNames: []string{"2", "9", "10"}, wantY: []int{2, 1, 2, 0}, wantX: []float32{1, 2, 3, 4},
		},
		{
			name: "strips a byte order mark and spaces around numbers", in: "\ufefflabel,f\nb, 1.5 \na,-2e3\n", label: "label",
			wantNames: []string{"a", "b"}, wantY: []int{1, 0}, wantX: []float32{1.5, -2000},
		},
		{
			name: "reads quoted fields and CRLF line ends", in: "\"f\",\"label\"\r\n\"1\",\"x, y\"\r\n2,z\r\n", label: "label",
			wantNames: []string{"x, y", "z"}, wantY: []int{0, 1}, wantX: []float32{1, 2},
		},
		{name: "rejects an empty file", in: "", label: "label", wantErr: "empty file"},
		{name: "rejects a header without rows", in: "f,label\n", label: "label", wantErr: "no data rows"},
		{name: "rejects a missing label column", in: "f,class\n1,a\n", label: "label", wantErr: `no column named "label" (the label) among the header's 2 columns`, line: 1},
		{name: "rejects a feature column named twice", in: "a,label,a\n1,x,2\n", label: "label", wantErr: `column name appears twice (columns 1 and 3)`, line: 1, col: 3},
		{name: "rejects a duplicated label column", in: "label,f,label\na,1,a\n", label: "label", wantErr: "appears twice", line: 1, col: 3},
		{name: "rejects a file with only the label", in: "label\na\nb\n", label: "label", wantErr: "no feature columns", line: 1},
		{name: "rejects a single class", in: "f,label\n1,a\n2,a\n", label: "label", wantErr: "one distinct value"},
		{name: "rejects a short row with its line", in: "f,g,label\n1,2,a\n3,b\n", label: "label", wantErr: "row has 2 fields, header has 3", line: 3},
		{name: "rejects a long row with its line", in: "f,label\n1,a\n2,b\n3,c,4\n", label: "label", wantErr: "row has 3 fields", line: 4},
		{name: "rejects a bad number with line and column", in: "f,g,label\n1,2,a\n3,x4,b\n", label: "label", wantErr: `feature is not a number: invalid syntax`, line: 3, col: 2},
		{name: "rejects an empty feature", in: "f,label\n,a\n", label: "label", wantErr: `feature is not a number`, line: 2, col: 1},
		// Issue 17: errors quote no content of the file, which may be any
		// file the spec names.
		{name: "quotes no header of a password file", in: "root:$6$salt$hash:19000:0:99999:7:::\n", label: "label", wantErr: `d.csv:1: no column named "label" (the label) among the header's 1 columns`, line: 1},
		{name: "quotes no field that is not a number", in: "f,label\nsecret,a\n", label: "label", wantErr: "d.csv:2: column 1: feature is not a number: invalid syntax", line: 2, col: 1},
		{name: "quotes no repeated column name", in: "secret,label,secret\n1,a,2\n", label: "label", wantErr: "d.csv:1: column 3: column name appears twice (columns 1 and 3)", line: 1, col: 3},
		{name: "quotes no label value", in: "f,label\n1,secret\n2,secret\n", label: "label", wantErr: `d.csv: label column "label" has one distinct value; need at least 2 classes`},
		{name: "rejects NaN", in: "f,label\nNaN,a\n1,b\n", label: "label", wantErr: "not a finite float32", line: 2, col: 1},
		{name: "rejects infinity", in: "f,label\n1,a\n-Inf,b\n", label: "label", wantErr: "not a finite float32", line: 3, col: 1},
		{name: "rejects values beyond float32", in: "f,label\n1e39,a\n", label: "label", wantErr: "not a finite float32", line: 2, col: 1},
		{name: "rejects non-UTF-8 fields with line and column", in: "f,label\n1,a\n2,\xff\n", label: "label", wantErr: "not valid UTF-8", line: 3, col: 2},
		{name: "rejects non-UTF-8 column names", in: "f\xfe,label\n1,a\n", label: "label", wantErr: "column name is not valid UTF-8", line: 1, col: 1},
		{name: "rejects a bare quote with its line", in: "f,label\n1,a\n2,b\"c\n", label: "label", wantErr: "bare \"", line: 3},
		{name: "rejects an unterminated quote", in: "f,label\n1,\"a\n", label: "label", wantErr: "extraneous or missing", line: 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tab, err := parseCSV(strings.NewReader(tc.in), "d.csv", tc.label, "")
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("parseCSV: %v", err)
				}
				if !slices.Equal(tab.classNames, tc.wantNames) || !slices.Equal(tab.y, tc.wantY) || !slices.Equal(tab.x, tc.wantX) {
					t.Fatalf("parseCSV = names %q y %v x %v; want %q %v %v", tab.classNames, tab.y, tab.x, tc.wantNames, tc.wantY, tc.wantX)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("parseCSV error = %v; want one containing %q", err, tc.wantErr)
			}
			if strings.Contains(err.Error(), "secret") || strings.Contains(err.Error(), "$6$") {
				t.Fatalf("parseCSV error %q quotes the file", err)
			}
			var ce *CSVError
			if !errors.As(err, &ce) {
				t.Fatalf("error %v is not a *CSVError", err)
			}
			if ce.Path != "d.csv" || ce.Line != tc.line || ce.Column != tc.col {
				t.Errorf("error at %s:%d column %d; want d.csv:%d column %d (%v)", ce.Path, ce.Line, ce.Column, tc.line, tc.col, err)
			}
			if !strings.HasPrefix(err.Error(), "d.csv") {
				t.Errorf("error %q does not start with the file name", err)
			}
		})
	}
}

// writeCSV writes a CSV with an id feature (0..n-1), a noisy feature and a
// label cycling through a, b, c; it returns the folder.
func writeCSV(t *testing.T, n int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("id,label,v\n")
	for i := range n {
		b.WriteString(strings.Join([]string{strconv.Itoa(i), string(rune('a' + i%3)), strconv.Itoa(i * i % 7)}, ","))
		b.WriteString("\n")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "d.csv"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestReadCSVRefusesAnEmptyTestSet(t *testing.T) {
	dir := writeCSV(t, 2) // 20% of 2 rows rounds to none
	_, err := Load(Spec{Name: "csv", Path: "d.csv"}, 1, dir)
	if err == nil || !strings.Contains(err.Error(), "too few for a test set") {
		t.Errorf("err = %v, want a too-few-rows error", err)
	}
}

func TestReadCSVSplit(t *testing.T) {
	dir := writeCSV(t, 50)
	for _, tc := range []struct {
		name              string
		spec              Spec
		wantTrain, wantTe int
		wantErr           string
	}{
		{name: "holds out 20% for test by default", spec: Spec{Name: "csv", Path: "d.csv"}, wantTrain: 40, wantTe: 10},
		{name: "takes a test count", spec: Spec{Name: "csv", Path: "d.csv", Test: 7}, wantTrain: 43, wantTe: 7},
		{name: "takes the first train rows of the rest", spec: Spec{Name: "csv", Path: "d.csv", Test: 5, Train: 12}, wantTrain: 12, wantTe: 5},
		{name: "refuses more train rows than remain", spec: Spec{Name: "csv", Path: "d.csv", Test: 5, Train: 46}, wantErr: "dataset.train: 46 rows requested"},
		{name: "refuses a test part that leaves no training rows", spec: Spec{Name: "csv", Path: "d.csv", Test: 50}, wantErr: "dataset.test: 50 test rows leave no training rows"},
		{name: "refuses a positive class that the file lacks", spec: Spec{Name: "csv", Path: "d.csv", Positive: []int{3}}, wantErr: "dataset.positive: class 3 does not exist"},
		{name: "names a missing file", spec: Spec{Name: "csv", Path: "nope.csv"}, wantErr: "nope.csv"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := readCSV(tc.spec, 1, dir)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("readCSV error = %v; want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(r.trainY) != tc.wantTrain || len(r.testY) != tc.wantTe {
				t.Fatalf("split %d/%d; want %d/%d", len(r.trainY), len(r.testY), tc.wantTrain, tc.wantTe)
			}
			// The id feature (column 0) tells which rows went where: the
			// parts are disjoint, each in file order, and train is the
			// first rows of what test leaves.
			ids := func(x []float32) []int {
				var out []int
				for i := 0; i < len(x); i += r.in {
					out = append(out, int(x[i]))
				}
				return out
			}
			tr, te := ids(r.trainX), ids(r.testX)
			if !slices.IsSorted(tr) || !slices.IsSorted(te) {
				t.Errorf("parts not in file order: train %v test %v", tr, te)
			}
			var rest []int
			for i := range 50 {
				if !slices.Contains(te, i) {
					rest = append(rest, i)
				}
			}
			if !slices.Equal(tr, rest[:len(tr)]) {
				t.Errorf("train ids %v are not the first of the non-test ids %v", tr, rest)
			}
			again, err := readCSV(tc.spec, 1, dir)
			if err != nil || !slices.Equal(ids(again.testX), te) {
				t.Errorf("the same seed gave test ids %v, then %v (%v)", te, ids(again.testX), err)
			}
			other, err := readCSV(tc.spec, 2, dir)
			if err != nil || slices.Equal(ids(other.testX), te) {
				t.Errorf("seeds 1 and 2 gave the same test ids %v (%v)", te, err)
			}
		})
	}
}

// FuzzCSV checks that no input makes parseCSV panic and that a successful
// parse is consistent. Seeds are in testdata/fuzz/FuzzCSV.
func FuzzCSV(f *testing.F) {
	f.Add([]byte("x,y,label\n1,2,a\n3,4,b\n"), "label")
	f.Fuzz(func(t *testing.T, in []byte, label string) {
		tab, err := parseCSV(strings.NewReader(string(in)), "f.csv", label, "")
		if err != nil {
			var ce *CSVError
			if !errors.As(err, &ce) {
				t.Fatalf("error %v is not a *CSVError", err)
			}
			return
		}
		n, d := len(tab.y), len(tab.features)
		if n == 0 || d == 0 || len(tab.x) != n*d {
			t.Fatalf("%d rows × %d features but %d values", n, d, len(tab.x))
		}
		if len(tab.classNames) < 2 {
			t.Fatalf("accepted %d classes", len(tab.classNames))
		}
		for _, y := range tab.y {
			if y < 0 || y >= len(tab.classNames) {
				t.Fatalf("label %d outside [0, %d)", y, len(tab.classNames))
			}
		}
	})
}

// TestReadCSVNamesCompressedFiles checks that a gzip file given as a CSV
// dataset is named as compressed, not read as bytes.
func TestReadCSVNamesCompressedFiles(t *testing.T) {
	dir := t.TempDir()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte("f,label\n1,a\n2,b\n"))
	zw.Close()
	if err := os.WriteFile(filepath.Join(dir, "d.csv"), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := readCSV(Spec{Name: "csv", Path: "d.csv"}, 1, dir)
	var ce *CSVError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "a gzip-compressed file, not CSV text; decompress it first") {
		t.Fatalf("error %v, want a *CSVError naming gzip", err)
	}
}
