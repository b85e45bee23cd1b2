package predmat

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"
)

// The binary form of one model's predictions, as study stores them in a
// run's record (predictions.bin): the same values as the CSV, bit for bit,
// but written with copies instead of shortest-decimal formatting, which
// made up most of the cost of storing a run. Little-endian:
//
//	"SPB1"
//	u32 N, u32 C, u8 flags (1: probabilities, 2: instance ids listed)
//	u32 len(model), the model name
//	with flag 2, per instance: u32 len(id), the id; without it the ids
//	are "0" … "N−1"
//	N × i32 labels, N × i32 predictions, with flag 1 N×C × f32 probabilities
//
// ReadBinary reproduces the one-model Matrix that AppendBinary was given
// (Instances filled in when implicit), so that Write of either gives the
// same CSV.
const binaryMagic = "SPB1"

const (
	binaryProb = 1 << iota
	binaryIDs
)

// AppendBinary appends the binary form of x, which must hold one model,
// to dst. Nil Instances stand for the ids "0" … "N−1". x is validated
// first (Validate), as Write does; like Write it leaves out Configs and
// Features, which are not checked either.
func AppendBinary(dst []byte, x *Matrix) ([]byte, error) {
	y := *x // validate(false) must not reach the features, indexed by id
	y.Configs, y.Features, y.FeatureDims, y.FeatureIdx = nil, nil, nil, nil
	y.Logits, y.LogitDims, y.NoFeatures, y.NoLogits = nil, nil, nil, nil
	y.Attributions = nil
	if err := y.validate(x.Instances != nil); err != nil {
		return dst, err
	}
	if x.M() != 1 {
		return dst, fmt.Errorf("predmat: the binary form holds one model, not %d", x.M())
	}
	n := len(x.Labels)
	flags := byte(0)
	if x.Prob != nil {
		flags |= binaryProb
	}
	if x.Instances != nil {
		flags |= binaryIDs
	}
	dst = append(dst, binaryMagic...)
	dst = binary.LittleEndian.AppendUint32(dst, uint32(n))
	dst = binary.LittleEndian.AppendUint32(dst, uint32(x.Classes))
	dst = append(dst, flags)
	dst = appendString(dst, x.Models[0])
	if x.Instances != nil {
		for _, id := range x.Instances {
			dst = appendString(dst, id)
		}
	}
	for _, v := range [][]int32{x.Labels, x.Pred} {
		for _, l := range v {
			dst = binary.LittleEndian.AppendUint32(dst, uint32(l))
		}
	}
	for _, p := range x.Prob {
		dst = binary.LittleEndian.AppendUint32(dst, math.Float32bits(p))
	}
	return dst, nil
}

func appendString(dst []byte, s string) []byte {
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(s)))
	return append(dst, s...)
}

// implicitIDs returns "0" … "n−1".
func implicitIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = strconv.Itoa(i)
	}
	return ids
}

// ErrBinary is wrapped by the errors of ReadBinary.
var ErrBinary = errors.New("not study's binary predictions")

// ReadBinary decodes the binary form of one model's predictions from b,
// which name names in errors, and validates the result. It never panics,
// whatever b holds.
func ReadBinary(name string, b []byte) (*Matrix, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%s: %w: %s", name, ErrBinary, fmt.Sprintf(format, args...))
	}
	if len(b) < len(binaryMagic)+9 || string(b[:len(binaryMagic)]) != binaryMagic {
		return nil, bad("no header")
	}
	b = b[len(binaryMagic):]
	n, c, flags := binary.LittleEndian.Uint32(b), binary.LittleEndian.Uint32(b[4:]), b[8]
	b = b[9:]
	if flags&^(binaryProb|binaryIDs) != 0 {
		return nil, bad("unknown flags %#x", flags)
	}
	if c < 1 || c > MaxClasses {
		return nil, bad("%d classes", c)
	}
	// Every instance takes at least 8 bytes (label and prediction), so a
	// count beyond len(b)/8 cannot be whole; checking first bounds the
	// allocations below by the input's size.
	if uint64(n) > uint64(len(b))/8 {
		return nil, bad("%d instances in %d bytes", n, len(b))
	}
	str := func() (string, bool) {
		if len(b) < 4 {
			return "", false
		}
		l := binary.LittleEndian.Uint32(b)
		if uint64(l) > uint64(len(b)-4) {
			return "", false
		}
		s := string(b[4 : 4+l])
		b = b[4+l:]
		return s, true
	}
	model, ok := str()
	if !ok {
		return nil, bad("truncated model name")
	}
	x := &Matrix{Models: []string{model}, Classes: int(c)}
	if flags&binaryIDs != 0 {
		x.Instances = make([]string, n)
		for i := range x.Instances {
			if x.Instances[i], ok = str(); !ok {
				return nil, bad("truncated instance id %d", i)
			}
		}
	} else {
		x.Instances = implicitIDs(int(n))
	}
	want := uint64(n) * 8
	if flags&binaryProb != 0 {
		want += uint64(n) * uint64(c) * 4
	}
	if uint64(len(b)) != want {
		return nil, bad("%d bytes of values, want %d", len(b), want)
	}
	ints := func() []int32 {
		v := make([]int32, n)
		for i := range v {
			v[i] = int32(binary.LittleEndian.Uint32(b[4*i:]))
		}
		b = b[4*n:]
		return v
	}
	x.Labels, x.Pred = ints(), ints()
	if flags&binaryProb != 0 {
		x.Prob = make([]float32, int(n)*int(c))
		for i := range x.Prob {
			x.Prob[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
		}
	}
	if err := x.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return x, nil
}
