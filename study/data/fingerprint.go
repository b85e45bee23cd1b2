package data

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"hash"
	"math"
	"unsafe"
)

// fingerprintFormat versions the fingerprint layout; change it when the
// layout or the meaning of the data changes.
const fingerprintFormat = "study/data fingerprint v1\n"

// littleEndian reports whether float32 values are stored little-endian in
// memory, in which case their bytes can be hashed in place.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// fingerprint is the SHA-256 hex digest of the format, the canonical JSON
// of the resolved spec, the shape and class names, then for each of train, val and
// test: the instance count, the inputs as little-endian float32 and the
// labels as little-endian int32.
func fingerprint(s Spec, set *Set) string {
	h := sha256.New()
	h.Write([]byte(fingerprintFormat))
	js, _ := json.Marshal(s) // a struct of plain fields cannot fail to marshal
	h.Write(js)
	meta, _ := json.Marshal(struct {
		In, Height, Width, Chans, Classes int
		ClassNames                        []string
	}{set.In, set.Height, set.Width, set.Chans, set.Classes, set.ClassNames})
	h.Write(meta)
	var buf [8]byte
	for _, p := range []struct {
		x []float32
		y []int
	}{{set.TrainX, set.TrainY}, {set.ValX, set.ValY}, {set.TestX, set.TestY}} {
		binary.LittleEndian.PutUint64(buf[:], uint64(len(p.y)))
		h.Write(buf[:])
		hashFloats(h, p.x)
		hashLabels(h, p.y)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// hashFloats writes the little-endian bytes of x, in place when the
// machine is little-endian, through a small buffer otherwise.
func hashFloats(h hash.Hash, x []float32) {
	if len(x) == 0 {
		return
	}
	if littleEndian {
		h.Write(unsafe.Slice((*byte)(unsafe.Pointer(&x[0])), len(x)*4))
		return
	}
	var buf [4096]byte
	for len(x) > 0 {
		k := min(len(x), len(buf)/4)
		for i, v := range x[:k] {
			binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(v))
		}
		h.Write(buf[:4*k])
		x = x[k:]
	}
}

// hashLabels writes y as little-endian int32s.
func hashLabels(h hash.Hash, y []int) {
	var buf [4096]byte
	for len(y) > 0 {
		k := min(len(y), len(buf)/4)
		for i, v := range y[:k] {
			binary.LittleEndian.PutUint32(buf[4*i:], uint32(int32(v)))
		}
		h.Write(buf[:4*k])
		y = y[k:]
	}
}
