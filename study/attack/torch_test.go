package attack_test

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/study-harness/study/models"
	"github.com/study-harness/study/study/attack"
)

// The PyTorch reference (testdata/gen_torch.py) attacks the nets of
// torchNets, exported to testdata/<name>.safetensors with the inputs in
// testdata/inputs.json, with torchattacks' equations and no random start.
// STUDY_WRITE_ATTACK_REF=1 go test ./study/attack/ -run TestWriteTorchInputs
// rewrites the exports; the script then rewrites testdata/torch.json.
var torchNets = []struct {
	name string
	opts models.Options
}{
	{"mlp", models.Options{Arch: "mlp", Widths: []int{32, 16}}},
	{"cnn", models.Options{Arch: "cnn", Width: 8, Depth: 2}},
}

// torchShape is an 8×8 one-channel image task with 10 classes.
var torchShape = models.Shape{In: 64, Height: 8, Width: 8, Channels: 1, Classes: 10, Out: 10}

// torchInputs is testdata/inputs.json: n images in [0, 1] and labels.
type torchInputs struct {
	N int       `json:"n"`
	X []float32 `json:"x"`
	Y []int     `json:"y"`
}

func TestWriteTorchInputs(t *testing.T) {
	if os.Getenv("STUDY_WRITE_ATTACK_REF") == "" {
		t.Skip("set STUDY_WRITE_ATTACK_REF=1 to rewrite the exports for testdata/gen_torch.py")
	}
	for k, tn := range torchNets {
		m, err := models.New(torchShape, tn.opts, rand.New(rand.NewPCG(uint64(k+1), 9)))
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := models.WriteSafetensors(&b, m.(models.Net).Params(), map[string]string{"arch": tn.opts.Arch}); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join("testdata", tn.name+".safetensors"), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rng := rand.New(rand.NewPCG(4, 2))
	in := torchInputs{N: 20}
	for range in.N * torchShape.In {
		in.X = append(in.X, float32(rng.Float64()))
	}
	for range in.N {
		in.Y = append(in.Y, rng.IntN(torchShape.Classes))
	}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("testdata", "inputs.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestCraftMatchesPyTorch attacks the exported nets in Go and compares
// the adversarial inputs with PyTorch's, entry by entry, within 1e-5.
func TestCraftMatchesPyTorch(t *testing.T) {
	var in torchInputs
	readJSON(t, "inputs.json", &in)
	var ref struct {
		Torch string
		Cases []struct {
			Net    string        `json:"net"`
			Attack attack.Attack `json:"attack"`
			Adv    []float32     `json:"adv"`
		}
	}
	readJSON(t, "torch.json", &ref)
	if len(ref.Cases) != 2*3 {
		t.Fatalf("%d reference cases, want 6 (2 nets × 3 attacks)", len(ref.Cases))
	}
	nets := map[string]models.Net{}
	for _, tn := range torchNets {
		m, err := models.New(torchShape, tn.opts, rand.New(rand.NewPCG(1, 1)))
		if err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(filepath.Join("testdata", tn.name+".safetensors"))
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
			t.Fatalf("%s: loaded %d of %d tensors", tn.name, len(got), len(net.Params()))
		}
		nets[tn.name] = net
	}
	for _, c := range ref.Cases {
		t.Run(c.Net+" under "+c.Attack.Name+" matches PyTorch "+ref.Torch, func(t *testing.T) {
			adv := attack.Craft(nets[c.Net].(models.LossGrader), in.X, in.Y, in.N, torchShape.In, c.Attack, nil)
			moved, worst := 0, 0.0
			for j, v := range adv {
				d := math.Abs(float64(v - c.Adv[j]))
				worst = max(worst, d)
				if d > 1e-5 {
					t.Fatalf("entry %d (image %d, pixel %d): Go %v, PyTorch %v", j, j/torchShape.In, j%torchShape.In, v, c.Adv[j])
				}
				if v != in.X[j] {
					moved++
				}
			}
			if moved < len(adv)/2 {
				t.Fatalf("the attack moved only %d of %d entries", moved, len(adv))
			}
			t.Logf("largest difference %.2g", worst)
		})
	}
}

func readJSON(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatal(err)
	}
}
