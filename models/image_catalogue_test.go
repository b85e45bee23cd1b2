package models_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/study-harness/study/models"
	"github.com/study-harness/study/optim"
)

// imageShape is a 6×6 one-channel image task with c classes (one sigmoid
// output when c == 2 and binary is set).
func imageShape(c int, binary bool) models.Shape {
	s := models.Shape{In: 36, Height: 6, Width: 6, Channels: 1, Classes: c, Out: c}
	if binary {
		s.Out = 1
	}
	return s
}

// checkNetGradients compares every (at most 40 per tensor) parameter
// gradient of the net that opts builds on shape s with central and
// one-sided finite differences of Σ r⊙logits.
func checkNetGradients(t *testing.T, opts models.Options, s models.Shape) {
	t.Helper()
	const n, seed = 2, 11
	rng := rand.New(rand.NewPCG(3, 4))
	x := randn(rng, n*s.In)
	net := build(t, opts, s, seed)
	r := randn(rng, n*s.Out)
	net.Forward(x, n, true)
	net.Backward(r)
	var values, grads [][]float32
	for _, p := range net.Params() {
		values = append(values, append([]float32(nil), p.W...))
		grads = append(grads, append([]float32(nil), p.G...))
	}
	loss := func() float64 {
		fresh := build(t, opts, s, seed)
		for i, p := range fresh.Params() {
			copy(p.W, values[i])
		}
		return dot(r, fresh.Forward(x, n, true))
	}
	checked := 0
	for i, v := range values {
		stride := max(1, len(v)/40)
		for j := 0; j < len(v); j += stride {
			num := diff(v, j, 1e-3, loss)
			if !num.matches(float64(grads[i][j])) {
				t.Fatalf("parameter %d (%s) entry %d: gradient %v, finite difference %v", i, net.Params()[i].Name, j, grads[i][j], num)
			}
			checked++
		}
	}
	if checked == 0 {
		t.Fatal("the net has no parameters to check")
	}
}

func TestImageArchitectureGradientsMatchFiniteDifferences(t *testing.T) {
	for _, a := range imageArchs {
		t.Run(a.name+" has the gradients of its finite differences", func(t *testing.T) {
			checkNetGradients(t, a.opts, imageShape(3, false))
		})
	}
}

// images returns n images per class of the 6×6 shape s: class c is a
// bright 2×2 square at its own place, plus Gaussian noise.
func images(s models.Shape, n int, rng *rand.Rand) ([]float32, []int) {
	var x []float32
	var y []int
	for c := range s.Classes {
		cy, cx := 2*(c/3), 2*(c%3)
		for range n {
			for py := range s.Height {
				for px := range s.Width {
					v := 0.3 * rng.NormFloat64()
					if py/2*2 == cy && px/2*2 == cx {
						v += 2
					}
					x = append(x, float32(v))
				}
			}
			y = append(y, c)
		}
	}
	return x, y
}

func TestImageArchitecturesFitSeparableProblems(t *testing.T) {
	tasks := []struct {
		name  string
		shape models.Shape
	}{
		{"a binary image task with one sigmoid output", imageShape(2, true)},
		{"a four-class image task with softmax outputs", imageShape(4, false)},
	}
	for _, a := range imageArchs {
		for _, task := range tasks {
			t.Run(a.name+" fits "+task.name, func(t *testing.T) {
				x, y := images(task.shape, 15, rand.New(rand.NewPCG(5, 6)))
				net := build(t, a.opts, task.shape, 1)
				fitAndCheck(t, net, x, y, task.shape, 200)
			})
		}
	}
}

func TestImageArchitecturesRejectDataThatIsNotAnImage(t *testing.T) {
	shapes := []struct {
		name  string
		shape models.Shape
	}{
		{"flat features", models.Shape{In: 4, Classes: 3, Out: 3}},
		{"an image shape that does not match the features", models.Shape{In: 35, Height: 6, Width: 6, Channels: 1, Classes: 3, Out: 3}},
	}
	for _, a := range imageArchs {
		for _, sh := range shapes {
			t.Run(a.name+" rejects "+sh.name+" with an error on arch", func(t *testing.T) {
				_, err := models.New(sh.shape, a.opts, rand.New(rand.NewPCG(1, 1)))
				var fe *models.FieldError
				if !errors.As(err, &fe) || fe.Field != "arch" {
					t.Fatalf("error %v, want a *models.FieldError on arch", err)
				}
			})
		}
	}
}

func TestArchitecturesRejectOptionsTheImageCannotTake(t *testing.T) {
	tests := []struct {
		name  string
		opts  models.Options
		field string
	}{
		{"a cnn deeper than the image can be pooled", models.Options{Arch: "cnn", Depth: 3}, "depth"},
		{"a transformer patch that does not divide the image", models.Options{Arch: "transformer", Patch: 4}, "patch"},
		{"a transformer whose heads do not divide its width", models.Options{Arch: "transformer", Width: 8, Heads: 3}, "heads"},
	}
	for _, tt := range tests {
		t.Run("rejects "+tt.name, func(t *testing.T) {
			_, err := models.New(imageShape(3, false), tt.opts, rand.New(rand.NewPCG(1, 1)))
			var fe *models.FieldError
			if !errors.As(err, &fe) || fe.Field != tt.field {
				t.Fatalf("error %v, want a *models.FieldError on %s", err, tt.field)
			}
		})
	}
}

func TestZooNetsExposePenultimateFeatures(t *testing.T) {
	mnist := models.Shape{In: 784, Height: 28, Width: 28, Channels: 1, Classes: 10, Out: 10}
	tests := []struct {
		name  string
		opts  models.Options
		shape models.Shape
		dim   int
	}{
		{"default cnn features are its 128 dense units", models.Options{Arch: "cnn"}, mnist, 128},
		{"default gru features are its 64 hidden units", models.Options{Arch: "gru"}, mnist, 64},
		{"default transformer features are its 64 pooled units", models.Options{Arch: "transformer"}, mnist, 64},
		{"default resmlp features are its 128 block units", models.Options{Arch: "resmlp"}, mnist, 128},
		{"gru features follow its width", models.Options{Arch: "gru", Width: 9}, imageShape(3, false), 9},
		{"resmlp features follow its width", models.Options{Arch: "resmlp", Width: 7}, models.Shape{In: 4, Classes: 3, Out: 3}, 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			net := build(t, tt.opts, tt.shape, 2)
			f, ok := net.(models.Featurer)
			if !ok {
				t.Fatalf("%T is not a models.Featurer", net)
			}
			if f.FeatureDim() != tt.dim {
				t.Fatalf("FeatureDim() = %d, want %d", f.FeatureDim(), tt.dim)
			}
			x := randn(rand.New(rand.NewPCG(1, 1)), 2*tt.shape.In)
			if got := f.Features(x, 2); len(got) != 2*tt.dim {
				t.Fatalf("Features returned %d values, want %d", len(got), 2*tt.dim)
			}
		})
	}
}

func TestZooNetsPredictABatchAsTheyPredictEachRow(t *testing.T) {
	// 70 rows is more than the 64 images that a convolution unfolds at a
	// time outside training.
	const n = 70
	s := imageShape(3, false)
	all := append(append([]struct {
		name string
		opts models.Options
	}{}, imageArchs...), archs...)
	for _, a := range all {
		if a.opts.Dropout > 0 {
			continue
		}
		t.Run(a.name+" gives every row of a batch the logits of that row alone", func(t *testing.T) {
			x := randn(rand.New(rand.NewPCG(8, 9)), n*s.In)
			net := build(t, a.opts, s, 3)
			batch := append([]float32(nil), net.Forward(x, n, false)...)
			for i := range n {
				row := net.Forward(x[i*s.In:(i+1)*s.In], 1, false)
				for j, v := range row {
					if w := batch[i*s.Out+j]; math.Abs(float64(v-w)) > 1e-5*(1+math.Abs(float64(w))) {
						t.Fatalf("row %d logit %d: %v alone, %v in the batch", i, j, v, w)
					}
				}
			}
		})
	}
}

func TestZooNetsTrainDeterministically(t *testing.T) {
	s := imageShape(3, false)
	x, y := images(s, 4, rand.New(rand.NewPCG(1, 2)))
	n := len(y)
	for _, a := range imageArchs {
		t.Run(a.name+" gives the same weights after the same steps from the same seed", func(t *testing.T) {
			train := func() []*models.Param {
				net := build(t, a.opts, s, 5)
				method, err := optim.New(optim.Settings{Optimizer: "adam", LR: 0.01})
				if err != nil {
					t.Fatal(err)
				}
				grad := make([]float32, n*s.Out)
				for range 3 {
					models.SoftmaxCrossEntropy(net.Forward(x, n, true), y, n, s.Out, grad)
					net.Backward(grad)
					method.Step(net.Params(), 0.01)
				}
				return net.Params()
			}
			first, second := train(), train()
			for i := range first {
				for j := range first[i].W {
					if first[i].W[j] != second[i].W[j] {
						t.Fatalf("parameter %d (%s) entry %d: %v then %v", i, first[i].Name, j, first[i].W[j], second[i].W[j])
					}
				}
			}
		})
	}
}
