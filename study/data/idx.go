package data

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// MaxIDXBytes caps the payload of one IDX file that ReadIDX will accept.
// It keeps a corrupt or hostile header from asking for an absurd
// allocation; the largest MNIST file is 47 040 000 bytes.
const MaxIDXBytes = 1 << 31

// IDX magic numbers for unsigned-byte data: the third byte is the type
// code (0x08 = ubyte), the fourth the number of dimensions.
const (
	idxMagicLabels = 0x00000801
	idxMagicImages = 0x00000803
)

// IDXError is a malformed IDX file. Offset is the byte offset (in the
// uncompressed stream) where the problem was found.
type IDXError struct {
	Offset int64
	Err    error
}

// Error formats the error with its byte offset.
func (e *IDXError) Error() string { return fmt.Sprintf("idx: at byte %d: %v", e.Offset, e.Err) }

// Unwrap returns the underlying error.
func (e *IDXError) Unwrap() error { return e.Err }

// ErrTruncated reports that an IDX stream ended before the data its header
// promised.
var ErrTruncated = errors.New("truncated data")

// ReadIDX reads an uncompressed unsigned-byte IDX stream: a big-endian
// magic number 0x00000801 (one dimension, labels) or 0x00000803 (three
// dimensions, images), the dimensions as big-endian uint32s, then the
// payload in row-major order. It returns the dimensions and the payload.
//
// Every dimension must be positive and the payload at most MaxIDXBytes.
// A short stream gives an *IDXError wrapping ErrTruncated with the offset
// where the data ended. Bytes after the payload are ignored.
func ReadIDX(r io.Reader) (dims []int, data []byte, err error) {
	var hdr [4]byte
	if n, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, nil, &IDXError{Offset: int64(n), Err: readErr(err, "magic number")}
	}
	magic := binary.BigEndian.Uint32(hdr[:])
	if magic != idxMagicLabels && magic != idxMagicImages {
		return nil, nil, &IDXError{Offset: 0, Err: fmt.Errorf("magic number %#08x is not an unsigned-byte IDX file (want %#08x or %#08x)", magic, idxMagicLabels, idxMagicImages)}
	}
	nd := int(hdr[3])
	dims = make([]int, nd)
	size := int64(1)
	off := int64(4)
	for i := range dims {
		n, err := io.ReadFull(r, hdr[:])
		if err != nil {
			return nil, nil, &IDXError{Offset: off + int64(n), Err: readErr(err, fmt.Sprintf("dimension %d of %d", i+1, nd))}
		}
		d := int64(binary.BigEndian.Uint32(hdr[:]))
		if d <= 0 {
			return nil, nil, &IDXError{Offset: off, Err: fmt.Errorf("dimension %d is %d, want > 0", i+1, d)}
		}
		// d < 2^32 and size ≤ MaxIDXBytes = 2^31, so the product fits in int64.
		size *= d
		if size > MaxIDXBytes {
			return nil, nil, &IDXError{Offset: off, Err: fmt.Errorf("dimensions %v... give more than %d bytes", append(dims[:i:i], int(d)), int64(MaxIDXBytes))}
		}
		dims[i] = int(d)
		off += 4
	}
	data, err = readPayload(r, size)
	if err != nil {
		return nil, nil, &IDXError{Offset: off + int64(len(data)), Err: readErr(err, fmt.Sprintf("payload of %d bytes for dimensions %v", size, dims))}
	}
	return dims, data, nil
}

// readPayload reads exactly size bytes. Beyond the first 64 MiB it grows
// its buffer as data arrives rather than trusting the header with one big
// allocation, so a short file with a huge header costs little memory. On a
// short read it returns what it got and the error.
func readPayload(r io.Reader, size int64) ([]byte, error) {
	const chunk = 64 << 20
	first := size
	if first > chunk {
		first = chunk
	}
	// An in-memory reader tells how much is left: no need to allocate more.
	if lr, ok := r.(interface{ Len() int }); ok && int64(lr.Len()) < first {
		first = int64(lr.Len())
	}
	buf := make([]byte, 0, first)
	for int64(len(buf)) < size {
		if len(buf) == cap(buf) {
			c := int64(cap(buf)) * 2
			if c > size {
				c = size
			}
			nb := make([]byte, len(buf), c)
			copy(nb, buf)
			buf = nb
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err != nil {
			if int64(len(buf)) == size {
				break
			}
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return buf, err
		}
	}
	return buf, nil
}

// readErr turns an io.ReadFull error into a message naming what was being
// read.
func readErr(err error, what string) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return fmt.Errorf("%w: file ends inside the %s", ErrTruncated, what)
	}
	return fmt.Errorf("reading the %s: %w", what, err)
}

// ReadIDXAuto is ReadIDX for a stream that may be gzip-compressed: it
// sniffs the gzip magic bytes (1f 8b) and decompresses when they are there.
// Offsets in errors refer to the uncompressed stream.
func ReadIDXAuto(r io.Reader) (dims []int, data []byte, err error) {
	br := bufio.NewReader(r)
	head, err := br.Peek(2)
	if err == nil && head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, nil, fmt.Errorf("idx: gzip header: %w", err)
		}
		defer zr.Close()
		return ReadIDX(zr)
	}
	return ReadIDX(br)
}
