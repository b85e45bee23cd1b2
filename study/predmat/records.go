package predmat

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"unsafe"
)

// records reads CSV records as an encoding/csv Reader with
// FieldsPerRecord = -1 and ReuseRecord does: the same records, field
// positions, input offsets and errors (TestRecordsMatchEncodingCSV). A line
// without a double quote, which is every line of a file of plain names and
// numbers, is split here without allocating: its fields are views of the
// read buffer, valid until the next Read, so the caller must copy what it
// keeps (the parser clones model and instance names). encoding/csv
// allocates a string per record: 1.1 GB for a 1000 × 10 000 × 10 file,
// garbage that let the heap grow to twice the prediction matrix while
// reading. At the first line with a quote, that line and the rest of the
// input go to encoding/csv, with line numbers and offsets shifted to count
// from the start of the input.
type records struct {
	br      *bufio.Reader
	long    []byte   // a line longer than br's buffer, assembled
	rec     []string // the current record's fields
	col     []int    // the 1-based byte column of each field
	recLine int      // line of the current record
	lines   int      // lines read so far
	offset  int64    // bytes read so far

	// After the first line with a quote: encoding/csv reads the rest;
	// its line 1 is line lines0+1 and its offset 0 is offset0.
	cr      *csv.Reader
	lines0  int
	offset0 int64
}

func newRecords(r io.Reader) *records {
	return &records{br: bufio.NewReaderSize(r, 1<<16)}
}

// peek returns the first n bytes of the input not yet read, or fewer at
// its end.
func (r *records) peek(n int) []byte {
	b, _ := r.br.Peek(n)
	return b
}

// readLine returns the next line with its newline (none at the end of the
// input) and the read error, io.EOF once the input is exhausted.
func (r *records) readLine() ([]byte, error) {
	line, err := r.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		r.long = append(r.long[:0], line...)
		for err == bufio.ErrBufferFull {
			line, err = r.br.ReadSlice('\n')
			r.long = append(r.long, line...)
		}
		line = r.long
	}
	return line, err
}

// Read returns the next record, or io.EOF at the end of the input.
func (r *records) Read() ([]string, error) {
	if r.cr != nil {
		return r.readCSV()
	}
	for {
		line, err := r.readLine()
		if len(line) == 0 {
			if err == nil {
				err = io.EOF // not reached: ReadSlice returns data or an error
			}
			return nil, err
		}
		if bytes.IndexByte(line, '"') >= 0 {
			// Quoted fields may span lines and need unescaping.
			r.lines0, r.offset0 = r.lines, r.offset
			r.cr = csv.NewReader(io.MultiReader(bytes.NewReader(bytes.Clone(line)), r.br))
			r.cr.ReuseRecord = true
			r.cr.FieldsPerRecord = -1
			return r.readCSV()
		}
		r.lines++
		r.offset += int64(len(line))
		r.recLine = r.lines
		// The line's content, as encoding/csv's readLine cuts it: without
		// "\n" or "\r\n", and without a "\r" that ends the input.
		switch n := len(line); {
		case line[n-1] == '\n' && n >= 2 && line[n-2] == '\r':
			line = line[:n-2]
		case line[n-1] == '\n':
			line = line[:n-1]
		case err == io.EOF && line[n-1] == '\r':
			line = line[:n-1]
		}
		if err != nil && err != io.EOF {
			// encoding/csv returns what it read with the error; the
			// parser stops at the error either way.
			r.rec, r.col = r.rec[:0], r.col[:0]
			return nil, err
		}
		if len(line) == 0 {
			continue // encoding/csv skips empty lines
		}
		r.rec, r.col = r.rec[:0], r.col[:0]
		start := 0
		for {
			i := bytes.IndexByte(line[start:], ',')
			end := len(line)
			if i >= 0 {
				end = start + i
			}
			r.rec = append(r.rec, unsafe.String(unsafe.SliceData(line[start:]), end-start))
			r.col = append(r.col, start+1)
			if i < 0 {
				break
			}
			start = end + 1
		}
		return r.rec, nil
	}
}

// readCSV reads a record with encoding/csv and shifts its positions.
func (r *records) readCSV() ([]string, error) {
	rec, err := r.cr.Read()
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		shifted := *pe
		shifted.StartLine += r.lines0
		shifted.Line += r.lines0
		return rec, &shifted
	}
	r.col = r.col[:0]
	if err == nil && len(rec) > 0 {
		for k := range rec {
			l, c := r.cr.FieldPos(k)
			if k == 0 {
				r.recLine = l + r.lines0
			}
			r.col = append(r.col, c)
		}
	}
	return rec, err
}

// FieldPos returns the line and 1-based byte column of field k of the
// last record, as csv.Reader.FieldPos. A quoted field may start on a later
// line than its record: its line is the record's line plus the newlines
// it follows. Out of range (after an I/O error) it returns the line of
// the last record read and column 1, where csv.Reader.FieldPos panics.
func (r *records) FieldPos(k int) (line, column int) {
	if k < 0 || k >= len(r.col) {
		return r.recLine, 1
	}
	if r.cr != nil {
		l, c := r.cr.FieldPos(k)
		return l + r.lines0, c
	}
	return r.recLine, r.col[k]
}

// InputOffset returns the offset in the input of the end of the last
// record, as csv.Reader.InputOffset.
func (r *records) InputOffset() int64 {
	if r.cr != nil {
		return r.offset0 + r.cr.InputOffset()
	}
	return r.offset
}
