package predmat

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/parquet-go/parquet-go"
)

// ReadParquet reads a Parquet file in the long format of Read: columns
// model, instance, label, pred and optionally p0 … p{C−1}, one row per
// (model, instance), as pandas' DataFrame.to_parquet writes it (pandas'
// index columns, __index_level_k__, are ignored). model and instance are
// strings (instance may also be an integer), label and pred integers,
// the p columns floating point; no value may be null.
//
// r reads the size bytes of the file; name is used in error messages.
// Each row goes through Read's checks, so every error Read makes is made
// here too, with "row k" (0-based, in file order) in place of the line,
// and the column named; a schema other than the above is an error
// naming the column. Every error is a *ParseError; a panic of the
// Parquet library on a corrupt file is returned as one.
//
// The library is github.com/parquet-go/parquet-go: pure Go, and about a
// tenth of the compiled size of Apache Arrow's Go module (see
// docs/byo-predictions.md).
func ReadParquet(name string, r io.ReaderAt, size int64) (x *Matrix, err error) {
	fail := func(format string, args ...any) error {
		return &ParseError{File: name, Err: fmt.Errorf(format, args...)}
	}
	defer func() {
		if p := recover(); p != nil {
			x, err = nil, fail("%w: corrupt Parquet file: %v", ErrSyntax, p)
		}
	}()
	pf, err := parquet.OpenFile(r, size)
	if err != nil {
		return nil, fail("%w: not a readable Parquet file: %w", ErrSyntax, err)
	}
	cols, header, err := parquetColumns(pf)
	if err != nil {
		return nil, fail("%w", err)
	}
	// The rows become the long CSV, which Read checks; line k+2 of it is
	// row k (names with a control character are refused first, so that
	// every record is one line).
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				err := fail("%w: corrupt Parquet file: %v", ErrSyntax, p)
				pw.CloseWithError(err)
				done <- err
			}
		}()
		err := writeParquetCSV(pw, pf, cols, header)
		pw.CloseWithError(err)
		done <- err
	}()
	x, err = Read(name, pr)
	pr.CloseWithError(errors.New("reader stopped"))
	werr := <-done
	var pe *ParseError
	switch {
	case werr != nil && errors.As(werr, &pe):
		return nil, werr
	case werr != nil:
		return nil, fail("%w", werr)
	case errors.As(err, &pe) && pe.Line >= 2:
		return nil, fail("row %d: %w", pe.Line-2, pe.Err)
	case err != nil:
		return nil, err
	}
	return x, nil
}

// parquetColumns returns, for each column of the long format in header
// order, the index of its leaf column in pf, and the header.
func parquetColumns(pf *parquet.File) ([]int, []string, error) {
	idx := map[string]int{}
	for k, path := range pf.Schema().Columns() {
		col := strings.Join(path, ".")
		if strings.HasPrefix(col, "__index_level_") {
			continue
		}
		idx[col] = k
	}
	header := append([]string{}, fixedHeader[:]...)
	for c := 0; ; c++ {
		if _, ok := idx["p"+strconv.Itoa(c)]; !ok {
			break
		}
		if c >= MaxClasses {
			return nil, nil, fmt.Errorf("%w: more than %d probability columns", ErrHeader, MaxClasses)
		}
		header = append(header, "p"+strconv.Itoa(c))
	}
	cols := make([]int, len(header))
	for k, h := range header {
		c, ok := idx[h]
		if !ok {
			return nil, nil, fmt.Errorf("%w: no column %q; want model, instance, label, pred[, p0, …, p{C-1}]", ErrHeader, h)
		}
		cols[k] = c
		delete(idx, h)
	}
	for h := range idx {
		return nil, nil, fmt.Errorf("%w: column %q is not one of model, instance, label, pred, p0, …, p%d", ErrHeader, h, len(header)-len(fixedHeader)-1)
	}
	leaves := leafColumns(pf.Root())
	for k, h := range header {
		col := leaves[cols[k]]
		if col.Repeated() {
			return nil, nil, fmt.Errorf("%w: column %q is a list, want one value per row", ErrHeader, h)
		}
		kind := col.Type().Kind()
		var ok bool
		switch {
		case h == "model":
			ok = kind == parquet.ByteArray
		case h == "instance":
			ok = kind == parquet.ByteArray || kind == parquet.Int32 || kind == parquet.Int64
		case h == "label" || h == "pred":
			ok = kind == parquet.Int32 || kind == parquet.Int64
		default:
			ok = kind == parquet.Float || kind == parquet.Double
		}
		if !ok {
			return nil, nil, fmt.Errorf("%w: column %q has type %v", ErrHeader, h, col.Type())
		}
	}
	return cols, header, nil
}

// leafColumns returns the leaf columns under c in schema order.
func leafColumns(c *parquet.Column) []*parquet.Column {
	if c.Leaf() {
		return []*parquet.Column{c}
	}
	var out []*parquet.Column
	for _, s := range c.Columns() {
		out = append(out, leafColumns(s)...)
	}
	return out
}

// writeParquetCSV writes the rows of pf as the long CSV with header.
func writeParquetCSV(w io.Writer, pf *parquet.File, cols []int, header []string) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	bw.WriteString(strings.Join(header, ","))
	bw.WriteByte('\n')
	rr := parquet.NewReader(pf)
	defer rr.Close()
	rows := make([]parquet.Row, 512)
	var buf []byte
	row := 0
	for {
		n, err := rr.ReadRows(rows)
		for _, r := range rows[:n] {
			buf = buf[:0]
			for k, c := range cols {
				if c >= len(r) || r[c].IsNull() {
					return fmt.Errorf("row %d: %w: %s is null", row, ErrMissing, header[k])
				}
				v := r[c]
				if k > 0 {
					buf = append(buf, ',')
				}
				switch v.Kind() {
				case parquet.ByteArray:
					s := string(v.ByteArray())
					if !printable(s) {
						return fmt.Errorf("row %d: %w: %s %q has a control character", row, ErrName, header[k], s)
					}
					buf = appendCSVField(buf, s)
				case parquet.Int32, parquet.Int64:
					buf = strconv.AppendInt(buf, v.Int64(), 10)
				case parquet.Float:
					buf = strconv.AppendFloat(buf, float64(v.Float()), 'g', -1, 32)
				case parquet.Double:
					buf = strconv.AppendFloat(buf, v.Double(), 'g', -1, 64)
				}
			}
			buf = append(buf, '\n')
			if _, err := bw.Write(buf); err != nil {
				return err
			}
			row++
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("%w: row %d: %w", ErrSyntax, row, err)
		}
	}
	return bw.Flush()
}

// appendCSVField appends s as a CSV field, quoted when it must be.
func appendCSVField(buf []byte, s string) []byte {
	if s != "" && !strings.ContainsAny(s, ",\"") && s[0] != ' ' && s[len(s)-1] != ' ' {
		return append(buf, s...)
	}
	buf = append(buf, '"')
	buf = append(buf, strings.ReplaceAll(s, `"`, `""`)...)
	return append(buf, '"')
}
