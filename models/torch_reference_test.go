package models_test

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/study-harness/study/models"
)

// torchCase is one case of testdata/zoo_torch.json (made by
// testdata/gen_zoo.py): a layer's parameters in Go order and layout, an
// input, an upstream gradient and PyTorch's output and gradients.
type torchCase struct {
	Name   string      `json:"name"`
	Kind   string      `json:"kind"`
	Dims   []int       `json:"dims"`
	N      int         `json:"n"`
	Params [][]float32 `json:"params"`
	X      []float32   `json:"x"`
	R      []float32   `json:"r"`
	Y      []float32   `json:"y"`
	DX     []float32   `json:"dx"`
	Grads  [][]float32 `json:"grads"`
}

// torchLayer builds the Go layer of a reference case.
func torchLayer(t *testing.T, c torchCase) models.Layer {
	rng := rand.New(rand.NewPCG(1, 1)) // weights are overwritten
	d := c.Dims
	switch c.Kind {
	case "conv2d":
		return models.NewConv2D(d[0], d[1], d[2], d[3], d[4], rng)
	case "maxpool":
		return models.NewMaxPool2D(d[0], d[1], d[2])
	case "layernorm":
		return models.NewLayerNorm(d[0])
	case "gru":
		return models.NewGRU(d[0], d[1], d[2], rng)
	case "attention":
		return models.NewSelfAttention(d[0], d[1], d[2], rng)
	}
	t.Fatalf("unknown layer kind %q", c.Kind)
	return nil
}

func TestLayersMatchPyTorch(t *testing.T) {
	raw, err := os.ReadFile("testdata/zoo_torch.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref struct{ Cases []torchCase }
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref.Cases) == 0 {
		t.Fatal("testdata/zoo_torch.json holds no cases")
	}
	near := func(got, want float32) bool {
		return math.Abs(float64(got-want)) <= 1e-4*(1+math.Abs(float64(want)))
	}
	compare := func(t *testing.T, what string, got, want []float32) {
		t.Helper()
		if len(got) != len(want) {
			t.Fatalf("%s has %d values, PyTorch %d", what, len(got), len(want))
		}
		for i := range want {
			if !near(got[i], want[i]) {
				t.Fatalf("%s[%d] = %v, PyTorch %v", what, i, got[i], want[i])
			}
		}
	}
	for _, c := range ref.Cases {
		t.Run(c.Name+" matches PyTorch forward and backward", func(t *testing.T) {
			l := torchLayer(t, c)
			params := l.Params()
			if len(params) != len(c.Params) {
				t.Fatalf("%d parameter tensors, PyTorch %d", len(params), len(c.Params))
			}
			for i, p := range params {
				if len(p.W) != len(c.Params[i]) {
					t.Fatalf("parameter %s has %d values, PyTorch %d", p.Name, len(p.W), len(c.Params[i]))
				}
				copy(p.W, c.Params[i])
			}
			compare(t, "y", l.Forward(c.X, c.N, true), c.Y)
			compare(t, "dx", l.Backward(c.R, true), c.DX)
			for i, p := range params {
				compare(t, "gradient of "+p.Name, p.G, c.Grads[i])
			}
		})
	}
}
