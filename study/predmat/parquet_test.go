package predmat

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
)

// pqRow is one row of the long format with two classes.
type pqRow struct {
	Model    string  `parquet:"model"`
	Instance string  `parquet:"instance"`
	Label    int64   `parquet:"label"`
	Pred     int64   `parquet:"pred"`
	P0       float64 `parquet:"p0"`
	P1       float64 `parquet:"p1"`
}

func parquetOf[T any](t *testing.T, rows []T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := parquet.Write(&b, rows); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func goodRows() []pqRow {
	return []pqRow{
		{"a", "0", 0, 0, 0.9, 0.1}, {"a", "1", 1, 1, 0.2, 0.8},
		{"b", "0", 0, 1, 0.4, 0.6}, {"b", "1", 1, 1, 0.3, 0.7},
	}
}

func TestReadParquetErrorsNameTheRow(t *testing.T) {
	type labelAsDouble struct {
		Model    string  `parquet:"model"`
		Instance string  `parquet:"instance"`
		Label    float64 `parquet:"label"`
		Pred     int64   `parquet:"pred"`
	}
	type extra struct {
		Model    string `parquet:"model"`
		Instance string `parquet:"instance"`
		Label    int64  `parquet:"label"`
		Pred     int64  `parquet:"pred"`
		Epoch    int64  `parquet:"epoch"`
	}
	type nullable struct {
		Model    *string `parquet:"model,optional"`
		Instance string  `parquet:"instance"`
		Label    int64   `parquet:"label"`
		Pred     int64   `parquet:"pred"`
	}
	s := "a"
	tests := []struct {
		name string
		file func(t *testing.T) []byte
		want string
		is   error
	}{
		{"probabilities that do not sum to 1", func(t *testing.T) []byte {
			r := goodRows()
			r[2].P1 = 0.7
			return parquetOf(t, r)
		}, "p.parquet: row 2: bad probabilities", ErrProb},
		{"a repeated row", func(t *testing.T) []byte { return parquetOf(t, append(goodRows(), goodRows()[1])) }, "p.parquet: row 4: duplicate row", ErrDuplicate},
		{"a label out of range", func(t *testing.T) []byte {
			r := goodRows()
			r[1].Label = 7
			return parquetOf(t, r)
		}, "p.parquet: row 1: class out of range", ErrRange},
		{"a control character in a name", func(t *testing.T) []byte {
			r := goodRows()
			r[3].Model = "b\n"
			return parquetOf(t, r)
		}, `p.parquet: row 3: bad name: model "b\n" has a control character`, ErrName},
		{"a label of another type", func(t *testing.T) []byte { return parquetOf(t, []labelAsDouble{{"a", "0", 0, 0}}) }, `p.parquet: bad header: column "label" has type DOUBLE`, ErrHeader},
		{"a column of another name", func(t *testing.T) []byte { return parquetOf(t, []extra{{"a", "0", 0, 0, 1}}) }, `p.parquet: bad header: column "epoch" is not one of`, ErrHeader},
		{"a null", func(t *testing.T) []byte { return parquetOf(t, []nullable{{&s, "0", 0, 0}, {nil, "1", 0, 0}}) }, "p.parquet: row 1: missing row: model is null", ErrMissing},
		{"a truncated file", func(t *testing.T) []byte { b := parquetOf(t, goodRows()); return b[:len(b)/2] }, "p.parquet: malformed CSV: not a readable Parquet file", ErrSyntax},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := tc.file(t)
			_, err := ReadParquet("p.parquet", bytes.NewReader(b), int64(len(b)))
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

func FuzzReadParquet(f *testing.F) {
	if b, err := os.ReadFile("testdata/formats/preds.parquet"); err == nil {
		f.Add(b)
	}
	f.Add([]byte("PAR1PAR1"))
	f.Fuzz(func(t *testing.T, b []byte) {
		x, err := ReadParquet("f.parquet", bytes.NewReader(b), int64(len(b)))
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
