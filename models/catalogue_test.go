package models_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/study-harness/study/models"
	"github.com/study-harness/study/models/gemm"
	"github.com/study-harness/study/optim"
)

// layers is the catalogue of layers for the gradient check; a new layer
// joins with one line (TestEveryLayerTypeIsInTheCatalogue enforces it).
// build must give the same layer (weights and dropout masks) for the same
// seed. direct marks an entry that must take Conv2D's direct path where
// the CPU has its kernels (gemm.HasSegmented), so that the check covers
// that path's backward pass.
var layers = []struct {
	name   string
	in, n  int
	build  func(rng *rand.Rand) models.Layer
	direct bool
}{
	{name: "dense", in: 5, n: 3, build: func(r *rand.Rand) models.Layer { return models.NewDense(5, 4, r) }},
	{name: "relu", in: 6, n: 16, build: func(r *rand.Rand) models.Layer { return models.NewReLU(6) }},
	{name: "tanh", in: 6, n: 16, build: func(r *rand.Rand) models.Layer { return models.NewTanh(6) }},
	{name: "gelu", in: 6, n: 16, build: func(r *rand.Rand) models.Layer { return models.NewGELU(6) }},
	{name: "tanh in float32", in: 6, n: 16, build: func(r *rand.Rand) models.Layer { return models.NewActivation32("tanh", 6) }},
	{name: "gelu in float32", in: 6, n: 16, build: func(r *rand.Rand) models.Layer { return models.NewActivation32("gelu", 6) }},
	{name: "dropout", in: 6, n: 3, build: func(r *rand.Rand) models.Layer { return models.NewDropout(6, 0.4, r) }},
	{name: "conv2d", in: 4 * 4 * 2, n: 2, build: func(r *rand.Rand) models.Layer { return models.NewConv2D(4, 4, 2, 3, 3, r) }},
	{name: "conv2d on a non-square one-channel image", in: 5 * 3, n: 2, build: func(r *rand.Rand) models.Layer { return models.NewConv2D(5, 3, 1, 3, 2, r) }},
	{name: "conv2d on 16 channels (the direct path where gemm.HasSegmented, im2col elsewhere)", in: 3 * 16 * 16, n: 2,
		build: func(r *rand.Rand) models.Layer { return models.NewConv2D(3, 16, 16, 3, 32, r) }, direct: true},
	{name: "max-pooling with an odd side", in: 4 * 5 * 2, n: 2, build: func(r *rand.Rand) models.Layer { return models.NewMaxPool2D(4, 5, 2) }},
	{name: "layer norm", in: 6, n: 3, build: func(r *rand.Rand) models.Layer { return models.NewLayerNorm(6) }},
	{name: "layer norm in float32", in: 7, n: 3, build: func(r *rand.Rand) models.Layer { return models.NewLayerNorm32(7) }},
	{name: "residual block", in: 5, n: 3, build: func(r *rand.Rand) models.Layer {
		return models.NewResidual(5, models.NewLayerNorm(5), models.NewDense(5, 5, r), models.NewTanh(5), models.NewDense(5, 5, r))
	}},
	{name: "tokenwise dense", in: 3 * 4, n: 2, build: func(r *rand.Rand) models.Layer { return models.NewTokenwise(3, models.NewDense(4, 2, r)) }},
	{name: "patch embedding", in: 4 * 4 * 2, n: 2, build: func(r *rand.Rand) models.Layer { return models.NewPatchEmbed(4, 4, 2, 2, 3, r) }},
	{name: "mean pooling over tokens", in: 3 * 4, n: 2, build: func(r *rand.Rand) models.Layer { return models.NewMeanPool(3, 4) }},
	{name: "self-attention", in: 3 * 4, n: 2, build: func(r *rand.Rand) models.Layer { return models.NewSelfAttention(3, 4, 2, r) }},
	{name: "gru", in: 4 * 3, n: 2, build: func(r *rand.Rand) models.Layer { return models.NewGRU(4, 3, 5, r) }},
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
	{"cnn with 8 channels (the one-channel 3×3 path where gemm.HasConv3)", models.Options{Arch: "cnn", Width: 8, Depth: 1}},
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

// The per-layer check (TestLayerGradientsMatchFiniteDifferences) compares
// each analytic derivative with the central difference of step layerStep
// only, within layerAbs + layerRel·max(|analytic|, |central|). Its inputs
// keep away from the ReLU kink, so no one-sided difference is needed.
// Measured on every catalogue layer, correct code uses at most about a
// quarter of this allowance: 0.18 for the 16-channel conv on the direct
// path and 0.23 on im2col (its float32 forward sums 144 products into each
// of 3072 outputs, and that rounding noise divided by 2·layerStep is the
// worst), 0.13 for the gru, 0.08 or less for the others (gelu's is the
// step's truncation error). TestLayerCheckCatchesWrongGradients shows what
// it refuses: an input or weight gradient scaled by 1.02 (still refused
// with 5 times this allowance) and GELU with the tanh approximation's
// derivative (still refused with 1.75 times it: that derivative is off by
// at most 8.7e-4, near x = ±2, which shows only where GELU′ is small;
// hence the 16 rows of the activation entries).
const (
	layerStep = 1e-2
	layerRel  = 2e-3
	layerAbs  = 2e-4
)

// The whole-architecture checks (TestArchitectureGradientsMatchFiniteDifferences
// and the image catalogue) step every parameter of a net with ReLUs, whose
// kinks a step may cross anywhere in the net; there the analytic
// derivative is one of the one-sided differences, so fd.matches accepts
// any of the three within the looser archRel and archAbs.
const (
	archRel = 2e-2
	archAbs = 2e-3
)

// within reports whether an analytic and a finite-difference derivative
// agree within abs + rel·max(|analytic|, |numeric|).
func within(analytic, numeric, rel, abs float64) bool {
	return math.Abs(analytic-numeric) <= abs+rel*math.Max(math.Abs(analytic), math.Abs(numeric))
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

// central is the central difference of f at v[i] with step eps.
func central(v []float32, i int, eps float32, f func() float64) float64 {
	old := v[i]
	v[i] = old + eps
	up := f()
	v[i] = old - eps
	down := f()
	v[i] = old
	return (up - down) / (2 * float64(eps))
}

// matches reports whether the analytic derivative a agrees with d within
// the whole-architecture tolerance, by any of the three differences.
func (d fd) matches(a float64) bool {
	return within(a, d.central, archRel, archAbs) || within(a, d.forward, archRel, archAbs) || within(a, d.backward, archRel, archAbs)
}

// layerMismatch is the first derivative of a layer that disagrees with its
// central difference.
type layerMismatch struct {
	what              string // "dL/dx[3]" or "dL/dW[7]"
	analytic, central float64
}

// checkLayer compares the input and parameter gradients of the layer that
// build makes with central differences (layerStep, layerRel, layerAbs),
// on n random rows of width in and a random dL/dy. It returns the first
// disagreement, or nil, and the largest fraction of the allowance used.
// A build must give the same layer for the same seed.
func checkLayer(in, n int, build func(*rand.Rand) models.Layer) (bad *layerMismatch, worst float64) {
	const seed = 7
	rng := rand.New(rand.NewPCG(1, 2))
	x := randn(rng, n*in)
	for i := range x { // keep away from the ReLU kink
		if math.Abs(float64(x[i])) < 0.1 {
			x[i] += 0.2
		}
	}
	layer := build(rand.New(rand.NewPCG(seed, 0)))
	y := layer.Forward(x, n, true)
	r := randn(rng, len(y))
	dx := append([]float32(nil), layer.Backward(r, true)...)
	grads := make([][]float32, len(layer.Params()))
	values := make([][]float32, len(layer.Params()))
	for i, p := range layer.Params() {
		grads[i] = append([]float32(nil), p.G...)
		values[i] = append([]float32(nil), p.W...)
	}
	// Rebuild from the same seed for every evaluation, so that dropout
	// draws the same mask.
	loss := func() float64 {
		fresh := build(rand.New(rand.NewPCG(seed, 0)))
		for i, p := range fresh.Params() {
			copy(p.W, values[i])
		}
		return dot(r, fresh.Forward(x, n, true))
	}
	compare := func(what string, v []float32, j int, analytic float32) bool {
		a, c := float64(analytic), central(v, j, layerStep, loss)
		worst = max(worst, math.Abs(a-c)/(layerAbs+layerRel*math.Max(math.Abs(a), math.Abs(c))))
		if !within(a, c, layerRel, layerAbs) {
			bad = &layerMismatch{what, a, c}
			return false
		}
		return true
	}
	for i := range x {
		if !compare(fmt.Sprintf("dL/dx[%d]", i), x, i, dx[i]) {
			return bad, worst
		}
	}
	for i, v := range values {
		for j := range v {
			if !compare(fmt.Sprintf("dL/d%s[%d]", layer.Params()[i].Name, j), v, j, grads[i][j]) {
				return bad, worst
			}
		}
	}
	return nil, worst
}

func TestLayerGradientsMatchFiniteDifferences(t *testing.T) {
	for _, l := range layers {
		t.Run(l.name+" has the gradients of its central differences", func(t *testing.T) {
			if l.direct && gemm.HasSegmented && !models.ConvTakesDirectPath(l.build(rand.New(rand.NewPCG(7, 0))).(*models.Conv2D)) {
				t.Fatal("the layer does not take the direct conv path, though this CPU has its kernels")
			}
			bad, worst := checkLayer(l.in, l.n, l.build)
			if bad != nil {
				t.Fatalf("%s = %v, central difference %v", bad.what, bad.analytic, bad.central)
			}
			t.Logf("worst difference: %.3f of the allowance", worst)
		})
	}
}

// scaledGrads wraps a layer and scales the input gradient (dx) or the
// parameter gradients (dW) that its Backward returns or sets: a wrong
// gradient for TestLayerCheckCatchesWrongGradients.
type scaledGrads struct {
	models.Layer
	dx, dW float32
}

func (s scaledGrads) Backward(dy []float32, needInput bool) []float32 {
	dx := s.Layer.Backward(dy, needInput)
	for i := range dx {
		dx[i] *= s.dx
	}
	for _, p := range s.Params() {
		for i := range p.G {
			p.G[i] *= s.dW
		}
	}
	return dx
}

// tanhGELU is the exact GELU whose Backward uses the derivative of the
// tanh approximation 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))): the
// reviewer's mutation of GELU, which the old, looser check let through.
type tanhGELU struct {
	models.Layer // models.NewGELU, for Forward, Params and OutDim
	x, dx        []float32
}

func (g *tanhGELU) Forward(x []float32, n int, train bool) []float32 {
	g.x = append(g.x[:0], x...)
	return g.Layer.Forward(x, n, train)
}

func (g *tanhGELU) Backward(dy []float32, needInput bool) []float32 {
	g.dx = g.dx[:0]
	for i, d := range dy {
		v := float64(g.x[i])
		c := math.Sqrt(2 / math.Pi)
		th := math.Tanh(c * (v + 0.044715*v*v*v))
		g.dx = append(g.dx, d*float32(0.5*(1+th)+0.5*v*(1-th*th)*c*(1+3*0.044715*v*v)))
	}
	return g.dx
}

// TestLayerCheckCatchesWrongGradients checks the check: slightly wrong
// gradients must fail checkLayer, and the same wrappers with the right
// gradients must pass it.
func TestLayerCheckCatchesWrongGradients(t *testing.T) {
	tests := []struct {
		name  string
		in, n int
		build func(r *rand.Rand) models.Layer
		wrong bool
	}{
		{"gelu with the tanh approximation's derivative", 6, 16, func(r *rand.Rand) models.Layer { return &tanhGELU{Layer: models.NewGELU(6)} }, true},
		{"float32 gelu with the tanh approximation's derivative", 6, 16, func(r *rand.Rand) models.Layer { return &tanhGELU{Layer: models.NewActivation32("gelu", 6)} }, true},
		{"dense with its input gradient scaled by 1.02", 5, 3, func(r *rand.Rand) models.Layer { return scaledGrads{models.NewDense(5, 4, r), 1.02, 1} }, true},
		{"dense with its weight gradients scaled by 1.02", 5, 3, func(r *rand.Rand) models.Layer { return scaledGrads{models.NewDense(5, 4, r), 1, 1.02} }, true},
		{"layer norm with its input gradient scaled by 1.02", 6, 3, func(r *rand.Rand) models.Layer { return scaledGrads{models.NewLayerNorm(6), 1.02, 1} }, true},
		{"float32 layer norm with its input gradient scaled by 1.02", 7, 3, func(r *rand.Rand) models.Layer { return scaledGrads{models.NewLayerNorm32(7), 1.02, 1} }, true},
		{"tanh with its input gradient scaled by 1.02", 6, 16, func(r *rand.Rand) models.Layer { return scaledGrads{models.NewTanh(6), 1.02, 1} }, true},
		{"dense in the wrapper, unscaled, passes", 5, 3, func(r *rand.Rand) models.Layer { return scaledGrads{models.NewDense(5, 4, r), 1, 1} }, false},
		{"layer norm in the wrapper, unscaled, passes", 6, 3, func(r *rand.Rand) models.Layer { return scaledGrads{models.NewLayerNorm(6), 1, 1} }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad, worst := checkLayer(tt.in, tt.n, tt.build)
			switch {
			case tt.wrong && bad == nil:
				t.Fatalf("the check passed a wrong gradient (worst difference %.3f of the allowance)", worst)
			case !tt.wrong && bad != nil:
				t.Fatalf("%s = %v, central difference %v", bad.what, bad.analytic, bad.central)
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
				net := build(t, a.opts, task.shape, 1)
				fitAndCheck(t, net, x, y, task.shape, 300)
			})
		}
	}
}

// fitAndCheck trains net on (x, y) for steps full-batch Adam steps at
// lr 0.02 and fails t unless it then classifies every training row
// correctly: a separable problem that a working architecture fits.
func fitAndCheck(t *testing.T, net models.Net, x []float32, y []int, shape models.Shape, steps int) {
	t.Helper()
	n := len(y)
	method, err := optim.New(optim.Settings{Optimizer: "adam", LR: 0.02})
	if err != nil {
		t.Fatal(err)
	}
	grad := make([]float32, n*shape.Out)
	for range steps {
		logits := net.Forward(x, n, true)
		if shape.Out == 1 {
			models.SigmoidCrossEntropy(logits, y, n, grad)
		} else {
			models.SoftmaxCrossEntropy(logits, y, n, shape.Out, grad)
		}
		net.Backward(grad)
		method.Step(net.Params(), 0.02)
	}
	prob := make([]float32, n*shape.Classes)
	models.Proba(net.Forward(x, n, false), n, shape.Out, prob)
	for i := range n {
		row := prob[i*shape.Classes : (i+1)*shape.Classes]
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
}

func TestNetsExposePenultimateFeatures(t *testing.T) {
	tests := []struct {
		name string
		opts models.Options
		dim  int
	}{
		// Before, logreg's features were its inputs (dimension 4), so
		// every pair of logreg runs had a CKA of exactly 1.
		{"logreg has no hidden layer, so no features", models.Options{Arch: "logreg"}, 0},
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
			if len(got) != 2*tt.dim || (tt.dim == 0) != (got == nil) {
				t.Fatalf("Features returned %d values (nil %v), want %d", len(got), got == nil, 2*tt.dim)
			}
		})
	}
}

// TestViewsMatchTheBuiltModels checks models.ViewsOf against what every
// registered architecture builds: a hidden layer exactly when the model
// is a Featurer with features, logits exactly when it is a Net.
func TestViewsMatchTheBuiltModels(t *testing.T) {
	shape := models.Shape{In: 16, Height: 4, Width: 4, Channels: 1, Classes: 3, Out: 3}
	for _, arch := range models.Names() {
		t.Run(arch, func(t *testing.T) {
			opts := models.Options{Arch: arch}
			if arch == "transformer" {
				opts.Patch = 2
			}
			m, err := models.New(shape, opts, rand.New(rand.NewPCG(1, 0)))
			if err != nil {
				t.Fatal(err)
			}
			v := models.ViewsOf(arch)
			f, ok := m.(models.Featurer)
			if hidden := ok && f.FeatureDim() > 0; hidden != (v.NoHidden == "") {
				t.Errorf("built model has a hidden layer: %v, but ViewsOf says %q", hidden, v.NoHidden)
			}
			if _, net := m.(models.Net); net != (v.NoLogits == "") {
				t.Errorf("built model is a Net: %v, but ViewsOf says %q", net, v.NoLogits)
			}
			if _, grad := m.(models.LossGrader); grad != (v.NoGradient == "") {
				t.Errorf("built model is a LossGrader: %v, but ViewsOf says %q", grad, v.NoGradient)
			}
			for _, why := range []string{v.NoHidden, v.NoLogits, v.NoGradient} {
				if why != "" && !strings.Contains(why, "arch="+arch+" ") {
					t.Errorf("reason %q does not name arch=%s", why, arch)
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
