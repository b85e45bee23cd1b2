package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"slices"
	"strconv"
	"sync"

	"github.com/study-harness/study/study/atomic"
)

// WriteNPY writes a rows×cols float32 matrix (row-major) as a NumPy .npy
// file (format 1.0, '<f4', C order), atomically, so that PyTorch and NumPy
// users can np.load a run's features directly.
func WriteNPY(path string, data []float32, rows, cols int) error {
	b, err := EncodeNPY(data, rows, cols)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return atomic.WriteFile(path, b, 0o644)
}

// EncodeNPY returns the bytes of the .npy file WriteNPY writes.
func EncodeNPY(data []float32, rows, cols int) ([]byte, error) {
	return AppendNPY(nil, data, rows, cols)
}

// AppendNPY appends the bytes of the .npy file WriteNPY writes to dst, so
// that the engine can reuse one buffer for the features of every run.
func AppendNPY(dst []byte, data []float32, rows, cols int) ([]byte, error) {
	if rows*cols != len(data) {
		return dst, fmt.Errorf("%d values are not %d×%d", len(data), rows, cols)
	}
	header := "{'descr': '<f4', 'fortran_order': False, 'shape': (" + strconv.Itoa(rows) + ", " + strconv.Itoa(cols) + "), }"
	// Magic (6) + version (2) + length (2) + header + '\n', padded to 64.
	pad := 64 - (10+len(header)+1)%64
	if pad == 64 {
		pad = 0
	}
	hlen := len(header) + pad + 1
	dst = slices.Grow(dst, 10+hlen+4*len(data))
	dst = append(dst, "\x93NUMPY\x01\x00"...)
	dst = binary.LittleEndian.AppendUint16(dst, uint16(hlen))
	dst = append(dst, header...)
	for range pad {
		dst = append(dst, ' ')
	}
	dst = append(dst, '\n')
	for _, v := range data {
		dst = binary.LittleEndian.AppendUint32(dst, math.Float32bits(v))
	}
	return dst, nil
}

var npyShape = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`'descr':\s*'<f4'.*'fortran_order':\s*False.*'shape':\s*\((\d+),\s*(\d+)\)`)
})

// ReadNPY reads a 2-D '<f4' C-order .npy file written by WriteNPY.
func ReadNPY(path string) (data []float32, rows, cols int, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, 0, 0, err
	}
	return DecodeNPY(path, b)
}

// DecodeNPY decodes the content b of a 2-D '<f4' C-order .npy file; path
// names it in errors.
func DecodeNPY(path string, b []byte) (data []float32, rows, cols int, err error) {
	if len(b) < 10 || string(b[:6]) != "\x93NUMPY" || b[6] != 1 {
		return nil, 0, 0, fmt.Errorf("%s: not a version 1 .npy file", path)
	}
	hl := int(binary.LittleEndian.Uint16(b[8:]))
	if len(b) < 10+hl {
		return nil, 0, 0, fmt.Errorf("%s: %w", path, io.ErrUnexpectedEOF)
	}
	header, raw := b[10:10+hl], b[10+hl:]
	m := npyShape().FindSubmatch(header)
	if m == nil {
		return nil, 0, 0, fmt.Errorf("%s: want a 2-D little-endian float32 C-order array, header %q", path, header)
	}
	rows, err1 := strconv.Atoi(string(m[1]))
	cols, err2 := strconv.Atoi(string(m[2]))
	if err1 != nil || err2 != nil || (cols > 0 && rows > len(raw)/4/cols) || (cols == 0 && len(raw) != 0) || (rows == 0 && len(raw) != 0) || len(raw) != 4*rows*cols {
		return nil, 0, 0, fmt.Errorf("%s: %w: %d bytes of data for shape (%s, %s)", path, errors.New("truncated"), len(raw), m[1], m[2])
	}
	data = make([]float32, rows*cols)
	for i := range data {
		data[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
	}
	return data, rows, cols, nil
}
