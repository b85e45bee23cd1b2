package predmat

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
)

// Format names an input format of ReadFile.
type Format string

// The formats ReadFile recognises by their first bytes.
const (
	FormatCSV     Format = "csv"
	FormatGzipCSV Format = "csv.gz"
	FormatNPZ     Format = "npz"
	FormatParquet Format = "parquet"
)

// Sniff returns the format of a file that starts with head: a zip archive
// (PK\x03\x04, or PK\x05\x06 for an empty one) is a .npz, gzip's magic
// \x1f\x8b a compressed CSV, Parquet's PAR1 a Parquet file, anything else
// the CSV format. The file's name plays no part: a .csv.gz renamed .csv
// is still read.
func Sniff(head []byte) Format {
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("PK\x05\x06")):
		return FormatNPZ
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		return FormatGzipCSV
	case bytes.HasPrefix(head, []byte("PAR1")):
		return FormatParquet
	}
	return FormatCSV
}

// ReadFile reads the predictions file at path in any format that Sniff
// recognises: the long CSV (Read), the same gzip-compressed, a NumPy
// .npz (ReadNPZ) or a Parquet file in the CSV's long format
// (ReadParquet). Every error about the content is a *ParseError; one
// about opening the file is returned as os.Open returns it.
func ReadFile(path string) (*Matrix, Format, error) {
	x, format, _, err := ReadFileChecked(path)
	return x, format, err
}

// ReadFileChecked is ReadFile, also counting the rows of a CSV (plain or
// gzip-compressed) whose pred is not an argmax of their probabilities, as
// ReadChecked does; other formats report none here.
func ReadFileChecked(path string) (*Matrix, Format, Mismatch, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, "", Mismatch{}, err
	}
	defer f.Close()
	head := make([]byte, 4)
	k, err := io.ReadFull(f, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return nil, "", Mismatch{}, &ParseError{File: path, Err: fmt.Errorf("read: %w", err)}
	}
	format := Sniff(head[:k])
	// A regular file is read again from its start (Read sizes its arrays
	// from its size); anything else, such as a named pipe, goes on from
	// the bytes already read.
	var rest io.Reader = f
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return nil, "", Mismatch{}, &ParseError{File: path, Err: fmt.Errorf("read: %w", err)}
		}
	} else {
		rest = io.MultiReader(bytes.NewReader(head[:k]), f)
	}
	var x *Matrix
	var mm Mismatch
	switch format {
	case FormatNPZ, FormatParquet:
		fi, err := f.Stat()
		if err != nil {
			return nil, "", Mismatch{}, &ParseError{File: path, Err: fmt.Errorf("read: %w", err)}
		}
		if format == FormatNPZ {
			x, err = ReadNPZ(path, f, fi.Size())
		} else {
			x, err = ReadParquet(path, f, fi.Size())
		}
		return x, format, Mismatch{}, err
	case FormatGzipCSV:
		x, mm, err = readGzip(path, rest)
	default:
		x, mm, err = ReadChecked(path, rest)
	}
	return x, format, mm, err
}

// readGzip reads the long CSV format from gzip-compressed r (every member
// of a multi-member stream, as gunzip does).
func readGzip(name string, r io.Reader) (*Matrix, Mismatch, error) {
	zr, err := gzip.NewReader(bufio.NewReader(r))
	if err != nil {
		return nil, Mismatch{}, &ParseError{File: name, Err: fmt.Errorf("%w: gzip: %w", ErrSyntax, err)}
	}
	defer zr.Close()
	x, mm, err := ReadChecked(name, zr)
	var corrupt flate.CorruptInputError
	if errors.As(err, &corrupt) || errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader) {
		// The bytes do not decompress: no line of the CSV inside can be
		// named, so the error is the file's first byte.
		return nil, Mismatch{}, &ParseError{File: name, Line: 1, Column: 1, Err: fmt.Errorf("%w: a gzip-compressed file that does not decompress (%v)", ErrSyntax, corruptCause(err))}
	}
	return x, mm, err
}

// corruptCause is the decompressor's own error within err, without the
// file name that a ParseError around it repeats.
func corruptCause(err error) error {
	var corrupt flate.CorruptInputError
	switch {
	case errors.As(err, &corrupt):
		return corrupt
	case errors.Is(err, gzip.ErrChecksum):
		return gzip.ErrChecksum
	case errors.Is(err, gzip.ErrHeader):
		return gzip.ErrHeader
	}
	return err
}
