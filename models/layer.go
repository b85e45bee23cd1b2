package models

import "fmt"

// Layer is one differentiable stage of a Stack. It maps n×InDim row-major
// rows to n×OutDim rows.
//
// A Layer may keep a reference to the x of its last training Forward until
// the next Forward; the caller must not change x in between. The returned
// slices are owned by the Layer and valid until its next call.
type Layer interface {
	// Forward returns the layer's output for the n rows of x. With train
	// set, stochastic behaviour (dropout) is active and whatever Backward
	// needs is kept.
	Forward(x []float32, n int, train bool) []float32
	// Backward takes dL/dy for the last training Forward, sets the
	// gradients of the layer's parameters (overwriting them) and, when
	// needInput is set, returns dL/dx; otherwise it returns nil.
	Backward(dy []float32, needInput bool) []float32
	// Params lists the layer's trainable tensors; nil when it has none.
	Params() []*Param
	// OutDim is the number of outputs per row.
	OutDim() int
}

// Stack chains layers into a Net: the output of each layer is the input of
// the next. Its features (Featurer) are the input of the last layer, the
// activations of its last hidden layer; a Stack of one layer (logistic
// regression) has no hidden layer, so it has no features: its would be
// its inputs.
type Stack struct {
	layers []Layer
	params []*Param
	feat   []float32
	in     int

	// dropouts are the Dropout layers of the stack, nested ones
	// included, which InputGrad holds in inference mode.
	dropouts []*Dropout
	dlogits  []float32
}

// NewStack returns a Stack over n×in inputs. It reports an error when the
// stack is empty or in is not positive.
func NewStack(in int, layers ...Layer) (*Stack, error) {
	if in <= 0 {
		return nil, fmt.Errorf("models: stack input width %d must be > 0", in)
	}
	if len(layers) == 0 {
		return nil, fmt.Errorf("models: stack has no layers")
	}
	s := &Stack{layers: layers, in: in, dropouts: dropoutsOf(layers)}
	for _, l := range layers {
		s.params = append(s.params, l.Params()...)
	}
	return s, nil
}

// Forward implements Net.
func (s *Stack) Forward(x []float32, n int, train bool) []float32 {
	for _, l := range s.layers {
		x = l.Forward(x, n, train)
	}
	return x
}

// Backward implements Net.
func (s *Stack) Backward(dlogits []float32) {
	d := dlogits
	for i := len(s.layers) - 1; i >= 0; i-- {
		d = s.layers[i].Backward(d, i > 0)
	}
}

// Params implements Net.
func (s *Stack) Params() []*Param { return s.params }

// Features implements Featurer: the n×FeatureDim inputs of the last layer,
// computed without dropout; nil for a Stack without a hidden layer. The
// slice is owned by the Stack and valid until the next call of Features.
func (s *Stack) Features(x []float32, n int) []float32 {
	if len(s.layers) == 1 {
		return nil
	}
	for _, l := range s.layers[:len(s.layers)-1] {
		x = l.Forward(x, n, false)
	}
	s.feat = append(s.feat[:0], x[:n*s.FeatureDim()]...)
	return s.feat
}

// FeatureDim implements Featurer: 0 for a Stack without a hidden layer.
func (s *Stack) FeatureDim() int {
	if len(s.layers) == 1 {
		return 0
	}
	return s.layers[len(s.layers)-2].OutDim()
}

// grow returns buf resized to n elements, reusing its storage when it can.
// The contents are unspecified.
func grow(buf []float32, n int) []float32 {
	if cap(buf) < n {
		return make([]float32, n)
	}
	return buf[:n]
}

var (
	_ Net      = (*Stack)(nil)
	_ Featurer = (*Stack)(nil)
)
