package train

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/study-harness/study/models"
)

func TestSoftTargets(t *testing.T) {
	tests := []struct {
		name string
		y    []int
		k    int
		eps  float64
		want []float32
	}{
		{"no smoothing gives one-hot rows", []int{2, 0}, 3, 0, []float32{0, 0, 1, 1, 0, 0}},
		{"smoothing moves eps/k to every class", []int{1}, 4, 0.2, []float32{0.05, 0.85, 0.05, 0.05}},
		{"binary targets are y(1−eps)+eps/2", []int{1, 0}, 1, 0.2, []float32{0.9, 0.1}},
		{"binary without smoothing keeps the labels", []int{0, 1}, 1, 0, []float32{0, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := make([]float32, len(tt.want))
			softTargets(tt.y, tt.k, tt.eps, got)
			for i := range got {
				if math.Abs(float64(got[i]-tt.want[i])) > 1e-7 {
					t.Fatalf("targets %v, want %v", got, tt.want)
				}
			}
		})
	}
}

// TestLabelSmoothingMatchesPyTorch compares the soft-label losses and
// gradients with PyTorch's (testdata/label_smoothing.json, produced by
// testdata/label_smoothing.py).
func TestLabelSmoothingMatchesPyTorch(t *testing.T) {
	raw, err := os.ReadFile("testdata/label_smoothing.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		Name   string          `json:"name"`
		Logits json.RawMessage `json:"logits"`
		Y      []int           `json:"y"`
		Eps    float64         `json:"eps"`
		Loss   float64         `json:"loss"`
		Grad   []float32       `json:"grad"`
	}
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 {
		t.Fatal("no reference cases")
	}
	for _, c := range cases {
		t.Run("the loss of "+c.Name+" matches PyTorch", func(t *testing.T) {
			var z []float32
			k := 1
			var rows [][]float32
			if json.Unmarshal(c.Logits, &rows) == nil {
				k = len(rows[0])
				for _, r := range rows {
					z = append(z, r...)
				}
			} else if err := json.Unmarshal(c.Logits, &z); err != nil {
				t.Fatal(err)
			}
			n := len(c.Y)
			tg := make([]float32, n*k)
			softTargets(c.Y, k, c.Eps, tg)
			grad := make([]float32, n*k)
			var loss float64
			if k == 1 {
				loss = sigmoidSoftCrossEntropy(z, tg, n, grad)
			} else {
				loss = softmaxSoftCrossEntropy(z, tg, n, k, grad)
			}
			if math.Abs(loss-c.Loss) > 1e-6 {
				t.Errorf("loss %v, PyTorch has %v", loss, c.Loss)
			}
			for i := range grad {
				if math.Abs(float64(grad[i]-c.Grad[i])) > 1e-6 {
					t.Fatalf("gradient %v, PyTorch has %v", grad, c.Grad)
				}
			}
		})
	}
}

func TestSoftLossesWithOneHotTargetsEqualTheHardLosses(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	const n, c = 5, 4
	z := make([]float32, n*c)
	for i := range z {
		z[i] = float32(2 * rng.NormFloat64())
	}
	y := []int{0, 3, 1, 1, 2}
	yb := []int{0, 1, 1, 0, 1}
	tests := []struct {
		name   string
		losses func(gs, gh []float32) (float64, float64)
		width  int
	}{
		{"softmax cross-entropy", func(gs, gh []float32) (float64, float64) {
			tg := make([]float32, n*c)
			softTargets(y, c, 0, tg)
			return softmaxSoftCrossEntropy(z, tg, n, c, gs), models.SoftmaxCrossEntropy(z, y, n, c, gh)
		}, n * c},
		{"sigmoid cross-entropy", func(gs, gh []float32) (float64, float64) {
			tg := make([]float32, n)
			softTargets(yb, 1, 0, tg)
			return sigmoidSoftCrossEntropy(z[:n], tg, n, gs), models.SigmoidCrossEntropy(z[:n], yb, n, gh)
		}, n},
	}
	for _, tt := range tests {
		t.Run("the soft "+tt.name+" equals the hard one on one-hot targets", func(t *testing.T) {
			gs, gh := make([]float32, tt.width), make([]float32, tt.width)
			ls, lh := tt.losses(gs, gh)
			if math.Abs(ls-lh) > 1e-12 {
				t.Errorf("soft loss %v, hard loss %v", ls, lh)
			}
			for i := range gs {
				if math.Abs(float64(gs[i]-gh[i])) > 1e-7 {
					t.Fatalf("soft gradient %v, hard gradient %v", gs, gh)
				}
			}
		})
	}
}
