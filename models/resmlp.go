package models

import (
	"fmt"
	"math/rand/v2"
)

func init() { Register("resmlp", newResMLP, "width", "depth", "activation", "dropout") }

// Defaults of the resmlp architecture.
const (
	defaultResMLPWidth = 128
	defaultResMLPDepth = 2
)

// newResMLP builds the residual MLP: a Dense layer from the inputs to
// Width units (default 128), Depth residual blocks (default 2), each
// x + Dense(act(Dense(LayerNorm(x)))) with dropout after the activation
// when Options.Dropout > 0, a final LayerNorm and a Dense layer to the
// Out logits. The activation defaults to relu. Its features are the
// normalised Width units. Any input works; image shape is not used.
func newResMLP(s Shape, o Options, rng *rand.Rand) (any, error) {
	if err := checkShape(s); err != nil {
		return nil, fmt.Errorf("resmlp: %w", err)
	}
	width, depth := o.Width, o.Depth
	if width == 0 {
		width = defaultResMLPWidth
	}
	if depth == 0 {
		depth = defaultResMLPDepth
	}
	if width < 0 || depth < 0 {
		return nil, fmt.Errorf("resmlp: %w", &FieldError{Field: "width", Msg: fmt.Sprintf("width %d and depth %d must be ≥ 0", o.Width, o.Depth)})
	}
	if !(o.Dropout >= 0 && o.Dropout < 1) {
		return nil, fmt.Errorf("resmlp: %w", &FieldError{Field: "dropout", Msg: fmt.Sprintf("dropout %v must be in [0, 1)", o.Dropout)})
	}
	layers := []Layer{NewDense(s.In, width, rng)}
	for range depth {
		act, ok := NewActivation(o.Activation, width)
		if !ok {
			return nil, fmt.Errorf("resmlp: %w", &FieldError{Field: "activation", Msg: fmt.Sprintf("unknown activation %q", o.Activation)})
		}
		block := []Layer{NewLayerNorm(width), NewDense(width, width, rng), act}
		if o.Dropout > 0 {
			block = append(block, NewDropout(width, o.Dropout, rng))
		}
		block = append(block, NewDense(width, width, rng))
		layers = append(layers, NewResidual(width, block...))
	}
	layers = append(layers, NewLayerNorm(width), NewDense(width, s.Out, rng))
	return NewStack(s.In, layers...)
}
