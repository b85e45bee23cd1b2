package models_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/study-harness/study/models"
	"github.com/study-harness/study/optim"
)

// layers is the catalogue of layers for the gradient check; a new layer
// joins with one line. build must give the same layer (weights and dropout
// masks) for the same seed.
var layers = []struct {
	name  string
	in, n int
	build func(rng *rand.Rand) models.Layer
}{
	{"dense", 5, 3, func(r *rand.Rand) models.Layer { return models.NewDense(5, 4, r) }},
	{"relu", 6, 3, func(r *rand.Rand) models.Layer { return models.NewReLU(6) }},
	{"tanh", 6, 3, func(r *rand.Rand) models.Layer { return models.NewTanh(6) }},
	{"gelu", 6, 3, func(r *rand.Rand) models.Layer { return models.NewGELU(6) }},
	{"dropout", 6, 3, func(r *rand.Rand) models.Layer { return models.NewDropout(6, 0.4, r) }},
	{"conv2d", 4 * 4 * 2, 2, func(r *rand.Rand) models.Layer { return models.NewConv2D(4, 4, 2, 3, 3, r) }},
	{"conv2d on a non-square one-channel image", 5 * 3, 2, func(r *rand.Rand) models.Layer { return models.NewConv2D(5, 3, 1, 3, 2, r) }},
	{"conv2d on 16 channels (the direct path on AVX-512)", 3 * 16 * 16, 2, func(r *rand.Rand) models.Layer { return models.NewConv2D(3, 16, 16, 3, 32, r) }},
	{"max-pooling with an odd side", 4 * 5 * 2, 2, func(r *rand.Rand) models.Layer { return models.NewMaxPool2D(4, 5, 2) }},
	{"layer norm", 6, 3, func(r *rand.Rand) models.Layer { return models.NewLayerNorm(6) }},
	{"residual block", 5, 3, func(r *rand.Rand) models.Layer {
		return models.NewResidual(5, models.NewLayerNorm(5), models.NewDense(5, 5, r), models.NewTanh(5), models.NewDense(5, 5, r))
	}},
	{"tokenwise dense", 3 * 4, 2, func(r *rand.Rand) models.Layer { return models.NewTokenwise(3, models.NewDense(4, 2, r)) }},
	{"patch embedding", 4 * 4 * 2, 2, func(r *rand.Rand) models.Layer { return models.NewPatchEmbed(4, 4, 2, 2, 3, r) }},
	{"mean pooling over tokens", 3 * 4, 2, func(r *rand.Rand) models.Layer { return models.NewMeanPool(3, 4) }},
	{"self-attention", 3 * 4, 2, func(r *rand.Rand) models.Layer { return models.NewSelfAttention(3, 4, 2, r) }},
	{"gru", 4 * 3, 2, func(r *rand.Rand) models.Layer { return models.NewGRU(4, 3, 5, r) }},
}

// archs is the catalogue of architectures; a new architecture joins with
// one line (TestEveryRegisteredArchitectureIsInTheCatalogue enforces it).
var archs = []struct {
	name string
	opts models.Options
}{
	{"logreg", models.Options{Arch: "logreg"}},
	{"mlp with relu", models.Options{Arch: "mlp", Widths: []int{7, 5}}},
	{"mlp with tanh", models.Options{Arch: "mlp", Widths: []int{6}, Activation: "tanh"}},
	{"mlp with gelu", models.Options{Arch: "mlp", Widths: []int{6, 5}, Activation: "gelu"}},
	{"mlp with dropout", models.Options{Arch: "mlp", Widths: []int{8, 6}, Dropout: 0.25}},
	{"mlp with default widths", models.Options{Arch: "mlp"}},
	{"resmlp", models.Options{Arch: "resmlp", Width: 6, Depth: 2}},
	{"resmlp with gelu and dropout", models.Options{Arch: "resmlp", Width: 5, Depth: 1, Activation: "gelu", Dropout: 0.2}},
}

// imageArchs is the catalogue of architectures that need image data (see
// image_catalogue_test.go); a new one joins with one line. Sizes are
// small so that the checks stay fast.
var imageArchs = []struct {
	name string
	opts models.Options
}{
	{"cnn", models.Options{Arch: "cnn", Width: 3, Depth: 2}},
	{"cnn with tanh and dropout", models.Options{Arch: "cnn", Width: 2, Depth: 1, Activation: "tanh", Dropout: 0.2}},
	{"gru", models.Options{Arch: "gru", Width: 6}},
	{"transformer", models.Options{Arch: "transformer", Width: 8, Depth: 1, Heads: 2, Patch: 2}},
	{"transformer with relu and dropout", models.Options{Arch: "transformer", Width: 4, Depth: 2, Heads: 1, Patch: 3, Activation: "relu", Dropout: 0.1}},
}

func TestEveryRegisteredArchitectureIsInTheCatalogue(t *testing.T) {
	have := map[string]bool{}
	for _, a := range archs {
		have[a.opts.Arch] = true
	}
	for _, a := range imageArchs {
		have[a.opts.Arch] = true
	}
	for _, f := range fitters { // fitters_test.go
		have[f.opts.Arch] = true
	}
	for _, name := range models.Names() {
		if !have[name] {
			t.Errorf("architecture %q is registered but not in the test catalogue", name)
		}
	}
}

func randn(rng *rand.Rand, n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	return x
}

// dot is Σ r⊙y in float64: the scalar "loss" whose gradient is checked.
func dot(r, y []float32) float64 {
	var s float64
	for i := range r {
		s += float64(r[i]) * float64(y[i])
	}
	return s
}

const (
	fdRel = 2e-2
	fdAbs = 2e-3
)

// closeEnough reports whether an analytic and a finite-difference
// derivative agree within float32 tolerance.
func closeEnough(analytic, numeric float64) bool {
	return math.Abs(analytic-numeric) <= fdAbs+fdRel*math.Max(math.Abs(analytic), math.Abs(numeric))
}

// fd holds finite differences of f at v[i] with step eps: central, and the
// one-sided ones, for when the step crosses a ReLU kink (where the
// analytic derivative is one of the one-sided ones).
type fd struct{ central, forward, backward float64 }

func diff(v []float32, i int, eps float32, f func() float64) fd {
	old := v[i]
	mid := f()
	v[i] = old + eps
	up := f()
	v[i] = old - eps
	down := f()
	v[i] = old
	h := float64(eps)
	return fd{(up - down) / (2 * h), (up - mid) / h, (mid - down) / h}
}

// matches reports whether the analytic derivative a agrees with d.
func (d fd) matches(a float64) bool {
	return closeEnough(a, d.central) || closeEnough(a, d.forward) || closeEnough(a, d.backward)
}

func TestLayerGradientsMatchFiniteDifferences(t *testing.T) {
	for _, l := range layers {
		t.Run(l.name+" has the gradients of its finite differences", func(t *testing.T) {
			const seed = 7
			rng := rand.New(rand.NewPCG(1, 2))
			x := randn(rng, l.n*l.in)
			for i := range x { // keep away from the ReLU kink
				if math.Abs(float64(x[i])) < 0.1 {
					x[i] += 0.2
				}
			}
			layer := l.build(rand.New(rand.NewPCG(seed, 0)))
			y := layer.Forward(x, l.n, true)
			r := randn(rng, len(y))
			dx := append([]float32(nil), layer.Backward(r, true)...)
			grads := make([][]float32, len(layer.Params()))
			for i, p := range layer.Params() {
				grads[i] = append([]float32(nil), p.G...)
			}
			// Rebuild from the same seed for every evaluation, so that
			// dropout draws the same mask.
			loss := func(params [][]float32) float64 {
				fresh := l.build(rand.New(rand.NewPCG(seed, 0)))
				for i, p := range fresh.Params() {
					copy(p.W, params[i])
				}
				return dot(r, fresh.Forward(x, l.n, true))
			}
			values := make([][]float32, len(layer.Params()))
			for i, p := range layer.Params() {
				values[i] = append([]float32(nil), p.W...)
			}
			for i := range x {
				num := diff(x, i, 1e-2, func() float64 { return loss(values) })
				if !num.matches(float64(dx[i])) {
					t.Fatalf("dL/dx[%d] = %v, finite difference %v", i, dx[i], num)
				}
			}
			for i, v := range values {
				for j := range v {
					num := diff(v, j, 1e-2, func() float64 { return loss(values) })
					if !num.matches(float64(grads[i][j])) {
						t.Fatalf("dL/d%s[%d] = %v, finite difference %v", layer.Params()[i].Name, j, grads[i][j], num)
					}
				}
			}
		})
	}
}

// build makes a catalogue architecture as a Net, failing the test otherwise.
func build(t *testing.T, opts models.Options, s models.Shape, seed uint64) models.Net {
	t.Helper()
	if err := opts.Validate(); err != nil {
		t.Fatal(err)
	}
	m, err := models.New(s, opts, rand.New(rand.NewPCG(seed, 0)))
	if err != nil {
		t.Fatal(err)
	}
	net, ok := m.(models.Net)
	if !ok {
		t.Fatalf("%s built a %T, not a models.Net", opts.Arch, m)
	}
	return net
}

func TestArchitectureGradientsMatchFiniteDifferences(t *testing.T) {
	s := models.Shape{In: 4, Classes: 3, Out: 3}
	const n, seed = 3, 11
	for _, a := range archs {
		t.Run(a.name+" has the gradients of its finite differences", func(t *testing.T) {
			rng := rand.New(rand.NewPCG(3, 4))
			x := randn(rng, n*s.In)
			net := build(t, a.opts, s, seed)
			r := randn(rng, n*s.Out)
			net.Forward(x, n, true)
			net.Backward(r)
			var values, grads [][]float32
			for _, p := range net.Params() {
				values = append(values, append([]float32(nil), p.W...))
				grads = append(grads, append([]float32(nil), p.G...))
			}
			loss := func() float64 {
				fresh := build(t, a.opts, s, seed)
				for i, p := range fresh.Params() {
					copy(p.W, values[i])
				}
				return dot(r, fresh.Forward(x, n, true))
			}
			checked := 0
			for i, v := range values {
				// At most 40 entries per tensor keep the default-width
				// MLP fast; the stride visits all of a small tensor.
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
		})
	}
}

// blobs returns n points per class around well separated centres in dim
// dimensions: a linearly separable problem.
func blobs(classes, n, dim int, rng *rand.Rand) ([]float32, []int) {
	var x []float32
	var y []int
	for c := range classes {
		for range n {
			for d := range dim {
				centre := 0.0
				if d == c%dim {
					centre = 4
					if c >= dim {
						centre = -4
					}
				}
				x = append(x, float32(centre+0.5*rng.NormFloat64()))
			}
			y = append(y, c)
		}
	}
	return x, y
}

func TestArchitecturesFitSeparableProblems(t *testing.T) {
	tasks := []struct {
		name  string
		shape models.Shape
	}{
		{"a binary task with one sigmoid output", models.Shape{In: 3, Classes: 2, Out: 1}},
		{"a three-class task with softmax outputs", models.Shape{In: 3, Classes: 3, Out: 3}},
	}
	for _, a := range archs {
		for _, task := range tasks {
			t.Run(a.name+" fits "+task.name, func(t *testing.T) {
				x, y := blobs(task.shape.Classes, 20, task.shape.In, rand.New(rand.NewPCG(5, 6)))
				n := len(y)
				net := build(t, a.opts, task.shape, 1)
				method, err := optim.New(optim.Settings{Optimizer: "adam", LR: 0.02})
				if err != nil {
					t.Fatal(err)
				}
				grad := make([]float32, n*task.shape.Out)
				for range 300 {
					logits := net.Forward(x, n, true)
					if task.shape.Out == 1 {
						models.SigmoidCrossEntropy(logits, y, n, grad)
					} else {
						models.SoftmaxCrossEntropy(logits, y, n, task.shape.Out, grad)
					}
					net.Backward(grad)
					method.Step(net.Params(), 0.02)
				}
				prob := make([]float32, n*task.shape.Classes)
				models.Proba(net.Forward(x, n, false), n, task.shape.Out, prob)
				for i := range n {
					row := prob[i*task.shape.Classes : (i+1)*task.shape.Classes]
					best := 0
					for j := range row {
						if row[j] > row[best] {
							best = j
						}
					}
					if best != y[i] {
						t.Fatalf("training row %d of class %d predicted as %d (probabilities %v)", i, y[i], best, row)
					}
				}
			})
		}
	}
}

func TestNetsExposePenultimateFeatures(t *testing.T) {
	tests := []struct {
		name string
		opts models.Options
		dim  int
	}{
		{"logreg features are its inputs", models.Options{Arch: "logreg"}, 4},
		{"mlp features are its last hidden layer", models.Options{Arch: "mlp", Widths: []int{7, 5}}, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			net := build(t, tt.opts, models.Shape{In: 4, Classes: 3, Out: 3}, 2)
			f, ok := net.(models.Featurer)
			if !ok {
				t.Fatalf("%T is not a models.Featurer", net)
			}
			if f.FeatureDim() != tt.dim {
				t.Fatalf("FeatureDim() = %d, want %d", f.FeatureDim(), tt.dim)
			}
			x := randn(rand.New(rand.NewPCG(1, 1)), 2*4)
			got := f.Features(x, 2)
			if len(got) != 2*tt.dim {
				t.Fatalf("Features returned %d values, want %d", len(got), 2*tt.dim)
			}
			if tt.opts.Arch == "logreg" {
				for i := range x {
					if got[i] != x[i] {
						t.Fatalf("feature %d = %v, want input %v", i, got[i], x[i])
					}
				}
			}
		})
	}
}

func TestDenseInitialisationFollowsPyTorch(t *testing.T) {
	d := models.NewDense(100, 50, rand.New(rand.NewPCG(1, 2)))
	bound := float32(1 / math.Sqrt(100))
	var sumSq float64
	for _, v := range d.W.W {
		if v < -bound || v > bound {
			t.Fatalf("weight %v outside ±%v", v, bound)
		}
		sumSq += float64(v) * float64(v)
	}
	for _, v := range d.B.W {
		if v < -bound || v > bound {
			t.Fatalf("bias %v outside ±%v", v, bound)
		}
	}
	// U(−a, a) has variance a²/3; 5000 draws pin it to a few percent.
	if v, want := sumSq/float64(len(d.W.W)), float64(bound*bound)/3; math.Abs(v-want) > 0.1*want {
		t.Fatalf("weight variance %v, want about %v", v, want)
	}
}
