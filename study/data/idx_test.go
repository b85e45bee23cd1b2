package data

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"slices"
	"strings"
	"testing"
)

// idxBytes builds an IDX stream: magic, dims, then payload.
func idxBytes(magic uint32, dims []uint32, payload []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, magic)
	for _, d := range dims {
		b = binary.BigEndian.AppendUint32(b, d)
	}
	return append(b, payload...)
}

func gzipped(t testing.TB, b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReadIDX(t *testing.T) {
	img := idxBytes(0x803, []uint32{2, 2, 3}, []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
	for _, tc := range []struct {
		name     string
		in       []byte
		wantDims []int
		wantData []byte
		wantErr  string // substring; "" = success
		wantOff  int64  // IDXError offset when wantErr != ""
		trunc    bool   // whether the error wraps ErrTruncated
	}{
		{name: "reads a label file", in: idxBytes(0x801, []uint32{3}, []byte{7, 2, 1}), wantDims: []int{3}, wantData: []byte{7, 2, 1}},
		{name: "reads an image file", in: img, wantDims: []int{2, 2, 3}, wantData: []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}},
		{name: "ignores bytes after the payload", in: append(idxBytes(0x801, []uint32{1}, []byte{4}), 9, 9), wantDims: []int{1}, wantData: []byte{4}},
		{name: "rejects an empty stream", in: nil, wantErr: "inside the magic number", wantOff: 0, trunc: true},
		{name: "rejects a short magic number", in: []byte{0, 0, 8}, wantErr: "inside the magic number", wantOff: 3, trunc: true},
		{name: "rejects a wrong magic number", in: idxBytes(0x2051, []uint32{1}, []byte{0}), wantErr: "magic number 0x00002051", wantOff: 0},
		{name: "rejects float IDX data", in: idxBytes(0x0d01, []uint32{1}, []byte{0, 0, 0, 0}), wantErr: "not an unsigned-byte IDX file", wantOff: 0},
		{name: "rejects a zero dimension", in: idxBytes(0x803, []uint32{2, 0, 3}, nil), wantErr: "dimension 2 is 0", wantOff: 8},
		{name: "rejects dimensions over the size cap", in: idxBytes(0x803, []uint32{1 << 16, 1 << 16, 1}, nil), wantErr: "more than 2147483648 bytes", wantOff: 8},
		{name: "rejects a huge single dimension", in: idxBytes(0x801, []uint32{0xffffffff}, nil), wantErr: "more than 2147483648 bytes", wantOff: 4},
		{name: "rejects a header cut inside the dimensions", in: idxBytes(0x803, []uint32{2, 2}, nil), wantErr: "inside the dimension 3 of 3", wantOff: 12, trunc: true},
		{name: "rejects truncated image data with the offset where it ends", in: img[:len(img)-5], wantErr: "payload of 12 bytes", wantOff: int64(len(img) - 5), trunc: true},
		{name: "rejects labels with no payload", in: idxBytes(0x801, []uint32{5}, nil), wantErr: "payload of 5 bytes", wantOff: 8, trunc: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dims, data, err := ReadIDX(bytes.NewReader(tc.in))
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("ReadIDX: %v", err)
				}
				if !slices.Equal(dims, tc.wantDims) || !bytes.Equal(data, tc.wantData) {
					t.Fatalf("ReadIDX = %v, %v; want %v, %v", dims, data, tc.wantDims, tc.wantData)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("ReadIDX error = %v; want one containing %q", err, tc.wantErr)
			}
			var ie *IDXError
			if !errors.As(err, &ie) {
				t.Fatalf("error %v is not an *IDXError", err)
			}
			if ie.Offset != tc.wantOff {
				t.Errorf("offset = %d; want %d (%v)", ie.Offset, tc.wantOff, err)
			}
			if got := errors.Is(err, ErrTruncated); got != tc.trunc {
				t.Errorf("errors.Is(err, ErrTruncated) = %v; want %v", got, tc.trunc)
			}
		})
	}
}

func TestReadIDXAuto(t *testing.T) {
	plain := idxBytes(0x801, []uint32{4}, []byte{1, 2, 3, 4})
	for _, tc := range []struct {
		name    string
		in      []byte
		wantErr string
	}{
		{name: "reads an uncompressed stream", in: plain},
		{name: "reads a gzip stream", in: gzipped(t, plain)},
		{name: "reports a truncated gzip stream", in: gzipped(t, plain)[:20], wantErr: "idx: at byte"},
		{name: "reports a bad gzip header", in: []byte{0x1f, 0x8b, 0, 0}, wantErr: "gzip header"},
		{name: "reports truncation inside a gzip stream by uncompressed offset", in: gzipped(t, plain[:10]), wantErr: "at byte 10"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dims, data, err := ReadIDXAuto(bytes.NewReader(tc.in))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("ReadIDXAuto error = %v; want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(dims, []int{4}) || !bytes.Equal(data, []byte{1, 2, 3, 4}) {
				t.Fatalf("ReadIDXAuto = %v, %v", dims, data)
			}
		})
	}
}

// FuzzReadIDX checks that no input makes ReadIDX panic and that a
// successful read is consistent with its header. Seeds are in
// testdata/fuzz/FuzzReadIDX.
func FuzzReadIDX(f *testing.F) {
	f.Add(idxBytes(0x801, []uint32{3}, []byte{7, 2, 1}))
	f.Add(idxBytes(0x803, []uint32{1, 2, 2}, []byte{0, 255, 3, 4}))
	f.Fuzz(func(t *testing.T, in []byte) {
		dims, data, err := ReadIDX(bytes.NewReader(in))
		if err != nil {
			var ie *IDXError
			if !errors.As(err, &ie) {
				t.Fatalf("error %v is not an *IDXError", err)
			}
			if ie.Offset < 0 || ie.Offset > int64(len(in)) {
				t.Fatalf("offset %d outside the %d-byte input", ie.Offset, len(in))
			}
			return
		}
		n := 1
		for _, d := range dims {
			if d <= 0 {
				t.Fatalf("accepted dimension %d", d)
			}
			n *= d
		}
		if n != len(data) || 4+4*len(dims)+n > len(in) {
			t.Fatalf("dims %v give %d bytes, got %d from a %d-byte input", dims, n, len(data), len(in))
		}
		if !bytes.Equal(data, in[4+4*len(dims):4+4*len(dims)+n]) {
			t.Fatal("payload differs from the input bytes")
		}
	})
}

// FuzzReadIDXAuto checks the gzip path: any input, gzipped, reads back
// exactly as ReadIDX reads it plain (same dims, same bytes, an error for
// the same inputs), and input that is not gzip reads as ReadIDX reads it.
// Raw bytes that only start like gzip must give an error, never a panic.
func FuzzReadIDXAuto(f *testing.F) {
	f.Add(idxBytes(0x801, []uint32{3}, []byte{7, 2, 1}))
	f.Add(idxBytes(0x803, []uint32{1, 2, 2}, []byte{0, 255, 3, 4}))
	f.Add([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, in []byte) {
		wantDims, wantData, wantErr := ReadIDX(bytes.NewReader(in))
		var gz bytes.Buffer
		zw := gzip.NewWriter(&gz)
		zw.Write(in)
		zw.Close()
		inputs := [][]byte{gz.Bytes()}
		if len(in) < 2 || in[0] != 0x1f || in[1] != 0x8b {
			inputs = append(inputs, in)
		}
		for _, b := range inputs {
			dims, data, err := ReadIDXAuto(bytes.NewReader(b))
			if (err != nil) != (wantErr != nil) {
				t.Fatalf("ReadIDXAuto error %v, ReadIDX error %v", err, wantErr)
			}
			if err == nil && (!slices.Equal(dims, wantDims) || !bytes.Equal(data, wantData)) {
				t.Fatalf("ReadIDXAuto read dims %v and %d bytes, ReadIDX %v and %d", dims, len(data), wantDims, len(wantData))
			}
		}
		if len(in) >= 2 && in[0] == 0x1f && in[1] == 0x8b {
			ReadIDXAuto(bytes.NewReader(in)) // must not panic
		}
	})
}
