package explain_test

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/study-harness/study/models"
	"github.com/study-harness/study/study/explain"
)

// torchShape is study/attack's export: 8×8 one-channel images, 10
// classes.
var torchShape = models.Shape{In: 64, Height: 8, Width: 8, Channels: 1, Classes: 10, Out: 10}

// torchNet loads testdata/<name>.safetensors (study/attack's exports)
// into a net of the given options and returns it as an explain.Model:
// the gradient of the logit of each instance's class through InputGrad
// with a one-hot dL/dlogits, as the runs stage wires it.
func torchNet(t *testing.T, name string, o models.Options) explain.Model {
	t.Helper()
	m, err := models.New(torchShape, o, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join("testdata", name+".safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	ts, _, err := models.ReadSafetensors(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	w := map[string][]float32{}
	for k, v := range ts {
		w[k] = v.Data
	}
	net := m.(models.Net)
	if got := models.LoadWeights(net.Params(), w); len(got) != len(net.Params()) {
		t.Fatalf("%s: loaded %d of %d tensors", name, len(got), len(net.Params()))
	}
	out := torchShape.Out
	return explain.Model{In: torchShape.In, Classes: out,
		Grad: func(x []float32, n int, class []int, dx []float32) {
			g := net.InputGrad(x, n, func(_, grad []float32) {
				for i, c := range class {
					grad[i*out+c] = 1
				}
			})
			copy(dx, g[:n*torchShape.In])
		},
		Logits: func(x []float32, n int, dst []float32) { copy(dst, net.Forward(x, n, false)[:n*out]) },
	}
}

// TestGradientAttributionsMatchPyTorch computes saliency, grad×input and
// integrated gradients (Gauss–Legendre at 50 points, Captum's trapezoid
// at 20) with their deltas on an MLP and a CNN, and compares them with
// PyTorch autograd on the same weights (testdata/gen_torch.py), within
// 1e-5.
func TestGradientAttributionsMatchPyTorch(t *testing.T) {
	var in struct {
		N int       `json:"n"`
		X []float32 `json:"x"`
		Y []int     `json:"y"`
	}
	var ref struct {
		Torch string `json:"torch"`
		Cases []struct {
			Net    string    `json:"net"`
			Method string    `json:"method"`
			Rule   string    `json:"rule"`
			Steps  int       `json:"steps"`
			Attr   []float32 `json:"attr"`
			Delta  []float64 `json:"delta"`
		} `json:"cases"`
	}
	for name, v := range map[string]any{"inputs.json": &in, "torch.json": &ref} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatal(err)
		}
	}
	if len(ref.Cases) != 2*4 {
		t.Fatalf("%d reference cases, want 8 (2 nets × 4)", len(ref.Cases))
	}
	nets := map[string]explain.Model{
		"mlp": torchNet(t, "mlp", models.Options{Arch: "mlp", Widths: []int{32, 16}}),
		"cnn": torchNet(t, "cnn", models.Options{Arch: "cnn", Width: 8, Depth: 2}),
	}
	for _, c := range ref.Cases {
		t.Run(c.Net+" "+c.Method+" "+c.Rule+" matches PyTorch "+ref.Torch, func(t *testing.T) {
			s := explain.Settings{Steps: c.Steps, Rule: explain.Rule(c.Rule)}
			a, err := explain.Attribute(explain.Method(c.Method), nets[c.Net], in.X, in.Y, nil, s)
			if err != nil {
				t.Fatal(err)
			}
			worst := 0.0
			for j, v := range a.Values {
				d := math.Abs(float64(v - c.Attr[j]))
				worst = max(worst, d)
				if d > 1e-5 {
					t.Fatalf("entry %d (image %d, pixel %d): Go %v, PyTorch %v", j, j/torchShape.In, j%torchShape.In, v, c.Attr[j])
				}
			}
			if (a.Delta != nil) != (c.Delta != nil) {
				t.Fatalf("delta %v, PyTorch %v", a.Delta != nil, c.Delta != nil)
			}
			for i, d := range a.Delta {
				if math.Abs(d-c.Delta[i]) > 1e-5 {
					t.Fatalf("instance %d: delta %v, PyTorch %v", i, d, c.Delta[i])
				}
			}
			t.Logf("largest difference %.2g", worst)
		})
	}
}
