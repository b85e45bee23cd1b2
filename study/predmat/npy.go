package predmat

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ErrNPY is wrapped by the errors about a NumPy array: a file that is not
// .npy, a header it cannot read, a dtype or shape other than wanted.
var ErrNPY = errors.New("bad NumPy array")

// npyArray is one decoded .npy array: its dtype (NumPy's descr, such as
// "<f4" or "<U12"), its shape and its raw C-order little-endian bytes.
type npyArray struct {
	descr string
	kind  byte // 'f', 'i', 'u', 'b' or 'U'
	size  int  // bytes per element (per character ×4 for 'U')
	shape []int
	data  []byte
}

var npyHeader = regexp.MustCompile(`^\{\s*'descr':\s*'([<>|=][a-zA-Z]\d+)',\s*'fortran_order':\s*(True|False),\s*'shape':\s*\(([\d,\s]*)\),?\s*\}\s*$`)

// maxNPYElements bounds the elements of an array, so that a corrupt
// header cannot make the reader allocate without bound.
const maxNPYElements = 1 << 40

// decodeNPY decodes the bytes of a .npy file (format 1.0, 2.0 or 3.0)
// holding a C-order array of a little-endian or byte-order-free dtype.
func decodeNPY(b []byte) (*npyArray, error) {
	if len(b) < 10 || string(b[:6]) != "\x93NUMPY" {
		return nil, fmt.Errorf("%w: not a .npy file (no \\x93NUMPY magic)", ErrNPY)
	}
	var hl, start int
	switch b[6] {
	case 1:
		hl, start = int(binary.LittleEndian.Uint16(b[8:])), 10
	case 2, 3:
		if len(b) < 12 {
			return nil, fmt.Errorf("%w: truncated header", ErrNPY)
		}
		hl, start = int(binary.LittleEndian.Uint32(b[8:])), 12
	default:
		return nil, fmt.Errorf("%w: .npy format version %d", ErrNPY, b[6])
	}
	if hl < 0 || start+hl > len(b) || hl > 1<<20 {
		return nil, fmt.Errorf("%w: truncated header", ErrNPY)
	}
	h := string(b[start : start+hl])
	if !utf8.ValidString(h) {
		return nil, fmt.Errorf("%w: header is not text", ErrNPY)
	}
	sm := npyHeader.FindStringSubmatch(strings.TrimSpace(h))
	if sm == nil {
		return nil, fmt.Errorf("%w: header %.80q is not a plain array's (a structured or object array?)", ErrNPY, h)
	}
	if sm[2] == "True" {
		return nil, fmt.Errorf("%w: Fortran-order array; save np.ascontiguousarray(a)", ErrNPY)
	}
	a := &npyArray{descr: sm[1], kind: sm[1][1]}
	size, err := strconv.Atoi(sm[1][2:])
	if err != nil || size < 1 || size > 1<<16 {
		return nil, fmt.Errorf("%w: dtype %q", ErrNPY, sm[1])
	}
	if sm[1][0] == '>' && size > 1 {
		return nil, fmt.Errorf("%w: big-endian dtype %q; save a.astype(a.dtype.newbyteorder('<'))", ErrNPY, sm[1])
	}
	switch a.kind {
	case 'f':
		if size != 4 && size != 8 {
			return nil, fmt.Errorf("%w: float dtype %q, want float32 or float64", ErrNPY, sm[1])
		}
	case 'i', 'u':
		if size != 1 && size != 2 && size != 4 && size != 8 {
			return nil, fmt.Errorf("%w: integer dtype %q", ErrNPY, sm[1])
		}
	case 'b':
		if size != 1 {
			return nil, fmt.Errorf("%w: dtype %q", ErrNPY, sm[1])
		}
	case 'U':
		size *= 4
	default:
		return nil, fmt.Errorf("%w: dtype %q, want a number or a unicode string ('U')", ErrNPY, sm[1])
	}
	a.size = size
	n := 1
	for _, f := range strings.Split(sm[3], ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		d, err := strconv.Atoi(f)
		if err != nil || d < 0 || d > maxNPYElements {
			return nil, fmt.Errorf("%w: shape (%s)", ErrNPY, sm[3])
		}
		a.shape = append(a.shape, d)
		if d > 0 && n > maxNPYElements/d {
			return nil, fmt.Errorf("%w: shape (%s) is too large", ErrNPY, sm[3])
		}
		n *= d
	}
	body := b[start+hl:]
	if n > len(body)/size || len(body) != n*size {
		return nil, fmt.Errorf("%w: shape (%s) of %s needs %d bytes of data, the file has %d", ErrNPY, sm[3], sm[1], int64(n)*int64(size), len(body))
	}
	a.data = body
	return a, nil
}

// len returns the number of elements.
func (a *npyArray) len() int { return len(a.data) / a.size }

// shapeString formats the shape as NumPy does, "(3, 4)".
func (a *npyArray) shapeString() string {
	parts := make([]string, len(a.shape))
	for k, d := range a.shape {
		parts[k] = strconv.Itoa(d)
	}
	if len(parts) == 1 {
		return "(" + parts[0] + ",)"
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// float returns element k of a float array as a float64.
func (a *npyArray) float(k int) float64 {
	if a.size == 4 {
		return float64(math.Float32frombits(binary.LittleEndian.Uint32(a.data[4*k:])))
	}
	return math.Float64frombits(binary.LittleEndian.Uint64(a.data[8*k:]))
}

// int returns element k of an integer or boolean array.
func (a *npyArray) int(k int) int64 {
	p := a.data[k*a.size:]
	signed := a.kind == 'i'
	switch a.size {
	case 1:
		if signed {
			return int64(int8(p[0]))
		}
		return int64(p[0])
	case 2:
		if signed {
			return int64(int16(binary.LittleEndian.Uint16(p)))
		}
		return int64(binary.LittleEndian.Uint16(p))
	case 4:
		if signed {
			return int64(int32(binary.LittleEndian.Uint32(p)))
		}
		return int64(binary.LittleEndian.Uint32(p))
	}
	v := binary.LittleEndian.Uint64(p)
	if !signed && v > math.MaxInt64 {
		return -1 // out of any range the callers accept
	}
	return int64(v)
}

// str returns element k of a unicode ('U') array: UTF-32 code points,
// padded with zeros. ok is false for a code point that is not valid.
func (a *npyArray) str(k int) (s string, ok bool) {
	p := a.data[k*a.size : (k+1)*a.size]
	var b strings.Builder
	for j := 0; j+4 <= len(p); j += 4 {
		r := rune(binary.LittleEndian.Uint32(p[j:]))
		if r == 0 {
			break
		}
		if !utf8.ValidRune(r) {
			return "", false
		}
		b.WriteRune(r)
	}
	return b.String(), true
}

// isFloat, isInt and isStr report the array's kind.
func (a *npyArray) isFloat() bool { return a.kind == 'f' }
func (a *npyArray) isInt() bool   { return a.kind == 'i' || a.kind == 'u' || a.kind == 'b' }
func (a *npyArray) isStr() bool   { return a.kind == 'U' }
