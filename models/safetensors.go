package models

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
)

// Safetensors is the file format of stored weights (runs/<id>/weights.safetensors),
// the format of Hugging Face's safetensors library, so that PyTorch users
// can load a run's weights with safetensors.torch.load_file:
//
//	8 bytes   N, the header length, little-endian uint64
//	N bytes   a JSON object: for each tensor name {"dtype": "F32",
//	          "shape": [...], "data_offsets": [begin, end]}, and an optional
//	          "__metadata__" object of string values; padded with spaces so
//	          that 8+N is a multiple of 8
//	the rest  the tensors' bytes, little-endian float32, contiguous, with
//	          offsets counted from the end of the header
//
// A tensor is stored with its Param.Shape when the Param has one whose
// size matches (Dense: weight [out, in] as nn.Linear holds it, bias
// [out]), and 1-D (shape [len(W)]) otherwise: the other layers' tensors are
// row-major and flat, documented with each layer.
const safetensorsDtype = "F32"

// tensorShape is p's stored shape: Param.Shape when its size matches W,
// else flat.
func tensorShape(p *Param) []int {
	size := 1
	for _, d := range p.Shape {
		size *= d
	}
	if len(p.Shape) == 0 || size != len(p.W) {
		return []int{len(p.W)}
	}
	return p.Shape
}

// maxSafetensorsHeader bounds the header a reader accepts (the safetensors
// library uses the same 100 MB limit).
const maxSafetensorsHeader = 100 << 20

// Tensor is one stored tensor: its shape and its row-major values.
type Tensor struct {
	Shape []int
	Data  []float32
}

// TensorNames returns a unique name for each parameter, in order. Param
// names are only unique within a layer ("weight", "bias"), so parameters
// are grouped into layers: a new layer starts when a name repeats within
// the current one. The k-th layer's parameter "weight" is "layer<k>.weight".
// A freeze prefix matches a name equal to it or starting with it and a dot,
// so "layer1" matches "layer1.weight" but not "layer10.weight".
func TensorNames(params []*Param) []string {
	out := make([]string, len(params))
	layer := 0
	seen := map[string]bool{}
	for i, p := range params {
		if seen[p.Name] {
			layer++
			seen = map[string]bool{}
		}
		seen[p.Name] = true
		out[i] = fmt.Sprintf("layer%d.%s", layer, p.Name)
	}
	return out
}

// HasPrefix reports whether tensor name lies under the dotted prefix:
// name == prefix or name starts with prefix + ".".
func HasPrefix(name, prefix string) bool {
	return name == prefix || strings.HasPrefix(name, prefix+".")
}

type stEntry struct {
	Dtype       string   `json:"dtype"`
	Shape       []int    `json:"shape"`
	DataOffsets [2]int64 `json:"data_offsets"`
}

// WriteSafetensors writes params, named by TensorNames, and metadata (may
// be nil) to w in the safetensors format. Tensors are stored in params
// order.
func WriteSafetensors(w io.Writer, params []*Param, metadata map[string]string) error {
	names := TensorNames(params)
	header := map[string]any{}
	if len(metadata) > 0 {
		header["__metadata__"] = metadata
	}
	var off int64
	for i, p := range params {
		n := int64(len(p.W)) * 4
		header[names[i]] = stEntry{Dtype: safetensorsDtype, Shape: tensorShape(p), DataOffsets: [2]int64{off, off + n}}
		off += n
	}
	h, err := json.Marshal(header)
	if err != nil {
		return fmt.Errorf("safetensors: encode header: %w", err)
	}
	for (8+len(h))%8 != 0 {
		h = append(h, ' ')
	}
	buf := make([]byte, 8, 8+len(h)+int(off))
	binary.LittleEndian.PutUint64(buf, uint64(len(h)))
	buf = append(buf, h...)
	for _, p := range params {
		for _, v := range p.W {
			buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
		}
	}
	if _, err := w.Write(buf); err != nil {
		return fmt.Errorf("safetensors: %w", err)
	}
	return nil
}

// ReadSafetensors reads a safetensors file of F32 tensors. It returns the
// tensors by name and the __metadata__ strings (nil when absent). Every
// tensor must be F32, its offsets must match its shape, and the tensors
// must tile the data section exactly, as the safetensors library requires.
func ReadSafetensors(r io.Reader) (map[string]Tensor, map[string]string, error) {
	var size [8]byte
	if _, err := io.ReadFull(r, size[:]); err != nil {
		return nil, nil, fmt.Errorf("safetensors: header length: %w", err)
	}
	n := binary.LittleEndian.Uint64(size[:])
	if n > maxSafetensorsHeader {
		return nil, nil, fmt.Errorf("safetensors: header of %d bytes exceeds %d", n, maxSafetensorsHeader)
	}
	var hb bytes.Buffer
	if _, err := io.CopyN(&hb, r, int64(n)); err != nil {
		return nil, nil, fmt.Errorf("safetensors: header of %d bytes: %w", n, err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(hb.Bytes(), &raw); err != nil {
		return nil, nil, fmt.Errorf("safetensors: header JSON: %w", err)
	}
	var meta map[string]string
	type named struct {
		name string
		e    stEntry
	}
	var entries []named
	for k, v := range raw {
		if k == "__metadata__" {
			if err := json.Unmarshal(v, &meta); err != nil {
				return nil, nil, fmt.Errorf("safetensors: __metadata__: %w", err)
			}
			continue
		}
		var e stEntry
		if err := json.Unmarshal(v, &e); err != nil {
			return nil, nil, fmt.Errorf("safetensors: tensor %q: %w", k, err)
		}
		if e.Dtype != safetensorsDtype {
			return nil, nil, fmt.Errorf("safetensors: tensor %q: dtype %q, want %s", k, e.Dtype, safetensorsDtype)
		}
		count := int64(1)
		for _, d := range e.Shape {
			if d < 0 || (d > 0 && count > math.MaxInt32/int64(d)) {
				return nil, nil, fmt.Errorf("safetensors: tensor %q: bad shape %v", k, e.Shape)
			}
			count *= int64(d)
		}
		if b, end := e.DataOffsets[0], e.DataOffsets[1]; b < 0 || end < b || end-b != 4*count {
			return nil, nil, fmt.Errorf("safetensors: tensor %q: data_offsets %v do not hold shape %v of F32", k, e.DataOffsets, e.Shape)
		}
		entries = append(entries, named{k, e})
	}
	sort.Slice(entries, func(i, j int) bool {
		a, b := entries[i].e.DataOffsets, entries[j].e.DataOffsets
		if a[0] != b[0] {
			return a[0] < b[0]
		}
		return a[1] < b[1]
	})
	var end int64
	for _, t := range entries {
		if t.e.DataOffsets[0] != end {
			return nil, nil, fmt.Errorf("safetensors: tensor %q starts at %d, want %d (tensors must tile the data)", t.name, t.e.DataOffsets[0], end)
		}
		end = t.e.DataOffsets[1]
	}
	var data bytes.Buffer
	if _, err := io.CopyN(&data, r, end); err != nil {
		return nil, nil, fmt.Errorf("safetensors: data of %d bytes: %w", end, err)
	}
	var extra [1]byte
	if k, err := r.Read(extra[:]); k > 0 || (err != nil && !errors.Is(err, io.EOF)) {
		if err != nil {
			return nil, nil, fmt.Errorf("safetensors: after the data: %w", err)
		}
		return nil, nil, fmt.Errorf("safetensors: bytes after the %d data bytes", end)
	}
	b := data.Bytes()
	out := make(map[string]Tensor, len(entries))
	for _, t := range entries {
		v := make([]float32, (t.e.DataOffsets[1]-t.e.DataOffsets[0])/4)
		for i := range v {
			v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[t.e.DataOffsets[0]+int64(4*i):]))
		}
		shape := t.e.Shape
		if shape == nil {
			shape = []int{}
		}
		out[t.name] = Tensor{Shape: shape, Data: v}
	}
	return out, meta, nil
}
