package models

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// goldenSafetensors is a two-tensor file laid out by hand from the format
// description at https://github.com/huggingface/safetensors (README,
// "Format"): the 130-byte JSON header padded with 6 spaces to 136 so that
// 8+136 is a multiple of 8, then weight = [1, 2] and bias = [0.5] as
// little-endian float32 (0x3f800000, 0x40000000, 0x3f000000).
func goldenSafetensors() []byte {
	h := `{"layer0.bias":{"dtype":"F32","shape":[1],"data_offsets":[8,12]},"layer0.weight":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}      `
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(h)))
	b = append(b, h...)
	b = append(b, 0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0x40) // weight
	b = append(b, 0x00, 0x00, 0x00, 0x3f)                         // bias
	return b
}

func TestWriteSafetensorsGolden(t *testing.T) {
	params := []*Param{{Name: "weight", W: []float32{1, 2}}, {Name: "bias", W: []float32{0.5}}}
	var buf bytes.Buffer
	if err := WriteSafetensors(&buf, params, nil); err != nil {
		t.Fatal(err)
	}
	if want := goldenSafetensors(); !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("bytes differ from the hand-made file:\n got %q\nwant %q", buf.Bytes(), want)
	}
}

func TestSafetensorsRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	cases := []struct {
		name   string
		params []*Param
		meta   map[string]string
	}{
		{"an mlp's tensors come back bit for bit with their metadata", mlpParams(t, rng), map[string]string{"run": "abc", "format": "pt"}},
		{"a file without metadata has none", []*Param{{Name: "weight", W: []float32{-0.0, 1e-30, 3}}}, nil},
		{"an empty tensor round-trips", []*Param{{Name: "weight", W: []float32{}}, {Name: "bias", W: []float32{7}}}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteSafetensors(&buf, c.params, c.meta); err != nil {
				t.Fatal(err)
			}
			if buf.Len()%8 != 0 && len(c.params) > 0 {
				// The header is padded; the data follows it.
				if binary.LittleEndian.Uint64(buf.Bytes())%8 != 0 {
					t.Errorf("header length is not a multiple of 8")
				}
			}
			got, meta, err := ReadSafetensors(&buf)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(meta, c.meta) {
				t.Errorf("metadata %v, want %v", meta, c.meta)
			}
			names := TensorNames(c.params)
			if len(got) != len(names) {
				t.Fatalf("%d tensors, want %d", len(got), len(names))
			}
			for i, p := range c.params {
				tt := got[names[i]]
				want := []int{len(p.W)}
				if p.Shape != nil {
					want = p.Shape
				}
				if !reflect.DeepEqual(tt.Shape, want) {
					t.Errorf("%s: shape %v, want %v", names[i], tt.Shape, want)
				}
				for j := range p.W {
					if tt.Data[j] != p.W[j] {
						t.Fatalf("%s[%d] = %v, want %v", names[i], j, tt.Data[j], p.W[j])
					}
				}
			}
		})
	}
}

func mlpParams(t *testing.T, rng *rand.Rand) []*Param {
	t.Helper()
	m, err := New(Shape{In: 4, Classes: 3, Out: 3}, Options{Arch: "mlp", Widths: []int{5}}, rng)
	if err != nil {
		t.Fatal(err)
	}
	return m.(Net).Params()
}

func TestDenseTensorsKeepPyTorchShapes(t *testing.T) {
	d := NewDense(4, 3, rand.New(rand.NewPCG(1, 1)))
	var buf bytes.Buffer
	if err := WriteSafetensors(&buf, d.Params(), nil); err != nil {
		t.Fatal(err)
	}
	got, _, err := ReadSafetensors(&buf)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string][]int{"layer0.weight": {3, 4}, "layer0.bias": {3}} {
		if !reflect.DeepEqual(got[name].Shape, want) {
			t.Errorf("%s: shape %v, want %v (nn.Linear's)", name, got[name].Shape, want)
		}
	}
	// A shape that does not match the values is written flat.
	if s := tensorShape(&Param{W: make([]float32, 6), Shape: []int{4, 2}}); !reflect.DeepEqual(s, []int{6}) {
		t.Errorf("mismatched shape written as %v, want [6]", s)
	}
}

func TestReadSafetensorsErrors(t *testing.T) {
	g := goldenSafetensors()
	withHeader := func(h string, data int) []byte {
		b := binary.LittleEndian.AppendUint64(nil, uint64(len(h)))
		return append(append(b, h...), make([]byte, data)...)
	}
	cases := []struct {
		name string
		in   []byte
		want string
	}{
		{"a file shorter than the length prefix is refused", g[:5], "header length"},
		{"a truncated header is refused", g[:40], "header of 136 bytes"},
		{"truncated data is refused", g[:len(g)-1], "data of 12 bytes"},
		{"trailing bytes are refused", append(append([]byte{}, g...), 0), "bytes after"},
		{"a huge header length is refused before reading", binary.LittleEndian.AppendUint64(nil, 1<<40), "exceeds"},
		{"a dtype other than F32 is refused", withHeader(`{"a":{"dtype":"F16","shape":[1],"data_offsets":[0,2]}}`, 2), "dtype"},
		{"offsets that do not match the shape are refused", withHeader(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}`, 4), "do not hold"},
		{"a gap between tensors is refused", withHeader(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, 8), "tile"},
		{"overlapping tensors are refused", withHeader(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, 4), "tile"},
		{"a header that is not JSON is refused", withHeader(`{"a":`, 0), "header JSON"},
		{"a negative dimension is refused", withHeader(`{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}}`, 0), "bad shape"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := ReadSafetensors(bytes.NewReader(c.in))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}

func TestLoadWeightsAndFrozen(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	src := mlpParams(t, rng)
	dst, err := New(Shape{In: 4, Classes: 2, Out: 1}, Options{Arch: "mlp", Widths: []int{5}}, rng)
	if err != nil {
		t.Fatal(err)
	}
	params := dst.(Net).Params()
	head := append([]float32(nil), params[2].W...)
	copied := LoadWeights(params, Weights(src))
	t.Run("tensors of matching name and size are copied and a head of another size is not", func(t *testing.T) {
		if want := []string{"layer0.weight", "layer0.bias"}; !reflect.DeepEqual(copied, want) {
			t.Errorf("copied %v, want %v", copied, want)
		}
		if !reflect.DeepEqual(params[0].W, src[0].W) {
			t.Errorf("layer0.weight not copied")
		}
		if !reflect.DeepEqual(params[2].W, head) {
			t.Errorf("the output head changed")
		}
	})
	t.Run("a freeze prefix matches whole dotted components", func(t *testing.T) {
		if got, want := Frozen(params, []string{"layer0"}), []bool{true, true, false, false}; !reflect.DeepEqual(got, want) {
			t.Errorf("Frozen = %v, want %v", got, want)
		}
		if HasPrefix("layer10.weight", "layer1") {
			t.Errorf("layer1 matched layer10.weight")
		}
	})
}

func FuzzReadSafetensors(f *testing.F) {
	f.Add(goldenSafetensors())
	f.Add([]byte{})
	f.Add(binary.LittleEndian.AppendUint64(nil, 2))
	f.Fuzz(func(t *testing.T, b []byte) {
		ts, meta, err := ReadSafetensors(bytes.NewReader(b))
		if err != nil {
			return
		}
		// What reads must write back to a file that reads the same.
		var params []*Param
		names := make([]string, 0, len(ts))
		for k := range ts {
			names = append(names, k)
		}
		for _, k := range names {
			params = append(params, &Param{Name: k, W: ts[k].Data})
		}
		var buf bytes.Buffer
		if err := WriteSafetensors(&buf, params, meta); err != nil {
			t.Fatal(err)
		}
		if _, _, err := ReadSafetensors(&buf); err != nil {
			t.Fatalf("rewritten file does not read: %v", err)
		}
	})
}
