package models

import (
	"fmt"
	"math/rand/v2"
	"sort"
)

// Shape describes a classification problem as the model sees it.
// Inputs are row-major float32 vectors of length In; when the input is an
// image, Height×Width×Channels == In (channels last) and image-aware
// architectures may use it.
type Shape struct {
	In       int // features per instance
	Height   int // image height, 0 when the input is not an image
	Width    int // image width, 0 when the input is not an image
	Channels int // image channels, 0 when the input is not an image
	Classes  int // number of classes C (≥ 2)
	// Out is the number of output units: 1 for a binary task (sigmoid),
	// Classes for a multiclass task (softmax).
	Out int
}

// Options are the architecture settings of a run. Every field is a run
// field that a sweep spec may set or sweep; the json name is the spec key.
// The zero value of each field means "the architecture's default".
type Options struct {
	Arch       string  `json:"arch"`                 // registry name: logreg, mlp, ...
	Widths     []int   `json:"widths,omitempty"`     // hidden widths (mlp); default [64, 32]
	Activation string  `json:"activation,omitempty"` // relu (default), tanh, gelu
	Dropout    float64 `json:"dropout,omitempty"`    // dropout probability on hidden layers
	// Width is the hidden size of single-width architectures: resmlp's
	// block width, gru's hidden state, transformer's model dimension and
	// cnn's first convolution channels. 0 = the architecture's default.
	Width int `json:"width,omitempty"`
	// Depth is the number of repeated blocks: resmlp's residual blocks,
	// transformer's attention blocks, cnn's convolution stages.
	Depth    int `json:"depth,omitempty"`
	Heads    int `json:"heads,omitempty"`     // transformer attention heads
	Patch    int `json:"patch,omitempty"`     // transformer patch side, in pixels
	MaxDepth int `json:"max_depth,omitempty"` // tree: maximum depth (0 = default)
	MinLeaf  int `json:"min_leaf,omitempty"`  // tree: minimum instances per leaf
	K        int `json:"k,omitempty"`         // knn: neighbours
}

// Validate reports the first invalid field, naming it by its spec key.
func (o Options) Validate() error {
	if _, ok := registry[o.Arch]; !ok {
		return &FieldError{Field: "arch", Msg: fmt.Sprintf("unknown arch %q (known: %v)", o.Arch, Names())}
	}
	for _, w := range o.Widths {
		if w <= 0 {
			return &FieldError{Field: "widths", Msg: fmt.Sprintf("width %d must be > 0", w)}
		}
	}
	switch o.Activation {
	case "", "relu", "tanh", "gelu":
	default:
		return &FieldError{Field: "activation", Msg: fmt.Sprintf("unknown activation %q (known: relu, tanh, gelu)", o.Activation)}
	}
	for _, f := range []struct {
		key string
		v   int
	}{{"width", o.Width}, {"depth", o.Depth}, {"heads", o.Heads}, {"patch", o.Patch}, {"max_depth", o.MaxDepth}, {"min_leaf", o.MinLeaf}, {"k", o.K}} {
		if f.v < 0 {
			return &FieldError{Field: f.key, Msg: fmt.Sprintf("%s %d must be ≥ 0 (0 = the default)", f.key, f.v)}
		}
	}
	if !(o.Dropout >= 0 && o.Dropout < 1) {
		return &FieldError{Field: "dropout", Msg: fmt.Sprintf("dropout %v must be in [0, 1)", o.Dropout)}
	}
	return nil
}

// FieldError is a validation error on one run field, named by its spec key.
type FieldError struct {
	Field string
	Msg   string
}

// Error implements error.
func (e *FieldError) Error() string { return e.Field + ": " + e.Msg }

// Param is one trainable tensor: values and the gradient accumulated by the
// last Backward, both flat float32 slices of the same length.
type Param struct {
	Name  string
	W     []float32
	G     []float32
	Decay bool // whether weight decay (L2) applies; false for biases and norms
	// Shape is the tensor's shape as PyTorch would hold it (Dense: weight
	// [out, in], bias [out]), written into safetensors files; nil means
	// flat, [len(W)].
	Shape []int
}

// Net is a differentiable classifier trained by gradient descent.
// Batches are row-major: x is n×Shape.In, logits are n×Shape.Out.
// A Net is used by one goroutine at a time and must not start goroutines,
// so that a run is single-threaded and bit-reproducible.
type Net interface {
	// Forward returns the logits of a batch. With train set, stochastic
	// layers (dropout) are active and activations are kept for Backward.
	// The returned slice is owned by the Net and valid until the next call.
	Forward(x []float32, n int, train bool) []float32
	// Backward takes dL/dlogits of the last training Forward and sets the
	// gradients (Param.G) of every parameter, overwriting old values.
	Backward(dlogits []float32)
	// Params lists the trainable tensors in a fixed order.
	Params() []*Param
	// InputGrad differentiates a function of the logits with respect to
	// the input. It computes the logits of the n rows of x in inference
	// mode (dropout off, as Forward with train unset), calls dlogits with
	// them and a zeroed n×Out slice that dlogits fills with dL/dlogits,
	// and returns the n×Shape.In gradient dL/dx, owned by the Net and
	// valid until its next call. It may overwrite the parameter
	// gradients (Param.G) or leave them as they were (Dense and Conv2D
	// layers leave theirs), but Backward overwrites them all, and InputGrad draws
	// nothing from any stream, so a training step that follows is
	// unaffected.
	InputGrad(x []float32, n int, dlogits func(logits, grad []float32)) []float32
}

// LossGrader is implemented by models whose training loss has an input
// gradient: every Net, and the Gaussian naive Bayes fitter (closed form).
// Trees and k-NN do not implement it: their predictions are piecewise
// constant in x, with a gradient of 0 almost everywhere (ViewsOf says so
// in NoGradient).
type LossGrader interface {
	// LossGrad returns the gradient with respect to the n×Shape.In
	// inputs x of the mean cross-entropy of the predicted class
	// probabilities against the labels y, the loss a Net is trained on:
	// softmax cross-entropy on the logits, or sigmoid cross-entropy when
	// the net has one output. The slice is owned by the model and valid
	// until its next call.
	LossGrad(x []float32, y []int, n int) []float32
}

// Featurer is implemented by nets that expose penultimate-layer features:
// the activations of the last hidden layer, the input of the output layer.
type Featurer interface {
	// Features returns the n×FeatureDim() penultimate activations of x,
	// or nil when FeatureDim() is 0.
	Features(x []float32, n int) []float32
	// FeatureDim is the number of features per row, 0 when the net has
	// no hidden layer (its "features" would be its input).
	FeatureDim() int
}

// Fitter is a classifier trained without gradients (trees, k-NN, naive Bayes).
type Fitter interface {
	// Fit trains on n×Shape.In inputs x with labels y in [0, Classes).
	Fit(x []float32, y []int, n int) error
	// Proba writes n×Classes class probabilities of x into out.
	Proba(x []float32, n int, out []float32)
}

// Builder constructs a fresh, randomly initialised model. It returns either
// a Net or a Fitter. rng is the run's initialisation stream.
type Builder func(s Shape, o Options, rng *rand.Rand) (any, error)

var registry = map[string]Builder{}

// Register adds an architecture under name. Each architecture file calls it
// from init. uses lists the Options fields, by spec key, that the
// architecture reads (arch itself aside); see Options.Used.
func Register(name string, b Builder, uses ...string) {
	if _, dup := registry[name]; dup {
		panic("models: duplicate architecture " + name)
	}
	registry[name] = b
	reads[name] = map[string]bool{}
	for _, key := range uses {
		if _, ok := optionIndex[key]; !ok || key == "arch" {
			panic(fmt.Sprintf("models: architecture %s registers %q, which is not an option field", name, key))
		}
		reads[name][key] = true
	}
}

// arithmetic holds the version of an architecture's floating-point
// arithmetic, bumped when a change makes the same run compute different
// bits. study hashes it into run ids (study/runs), so that a results
// folder never mixes runs of one architecture computed both ways: after
// such a change, a rerun trains those runs again rather than reusing the
// old ones beside new ones. Architectures not listed are at version 1.
var arithmetic = map[string]int{
	// 2: convolutions with 16·k input channels take the direct path
	// (conv_direct.go) on AVX-512 machines, which rounds differently
	// from im2col.
	// 3: they take it on AVX2 machines too, with kernels that give the
	// AVX-512 kernels' bits, so every amd64 machine with AVX2 computes
	// the same CNN runs.
	"cnn": 3,
	// 2: the gru's gates, and the transformer's activations and
	// attention softmax, are evaluated in float32 (fastmath.go) rather
	// than through math's float64 functions; the gru's weight gradients
	// are one product over all steps, and the transformer's layer norms
	// sum in float32 (newLayerNorm32).
	"gru":         2,
	"transformer": 2,
}

// ArithmeticVersion returns the arithmetic version of architecture arch.
func ArithmeticVersion(arch string) int {
	if v, ok := arithmetic[arch]; ok {
		return v
	}
	return 1
}

// Names returns the registered architecture names, sorted.
func Names() []string {
	out := make([]string, 0, len(registry))
	for k := range registry {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// New builds the model named by o.Arch.
func New(s Shape, o Options, rng *rand.Rand) (any, error) {
	b, ok := registry[o.Arch]
	if !ok {
		return nil, &FieldError{Field: "arch", Msg: fmt.Sprintf("unknown arch %q", o.Arch)}
	}
	return b(s, o, rng)
}
