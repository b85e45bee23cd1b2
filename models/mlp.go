package models

import (
	"fmt"
	"math/rand/v2"
)

func init() { Register("mlp", newMLP, "widths", "activation", "dropout") }

// defaultWidths are the hidden widths of the seed MLP (784→64→32→10).
var defaultWidths = []int{64, 32}

// newMLP builds a multilayer perceptron: for each hidden width, Dense then
// the activation then dropout (when Options.Dropout > 0), and a final
// Dense to the Out logits. Layers are initialised in order, weight then
// bias, from rng, as PyTorch's nn.Sequential of nn.Linear would be.
func newMLP(s Shape, o Options, rng *rand.Rand) (any, error) {
	if err := checkShape(s); err != nil {
		return nil, fmt.Errorf("mlp: %w", err)
	}
	if !(o.Dropout >= 0 && o.Dropout < 1) {
		return nil, fmt.Errorf("mlp: %w", &FieldError{Field: "dropout", Msg: fmt.Sprintf("dropout %v must be in [0, 1)", o.Dropout)})
	}
	widths := o.Widths
	if len(widths) == 0 {
		widths = defaultWidths
	}
	var layers []Layer
	in := s.In
	for _, w := range widths {
		if w <= 0 {
			return nil, fmt.Errorf("mlp: %w", &FieldError{Field: "widths", Msg: fmt.Sprintf("width %d must be > 0", w)})
		}
		act, ok := NewActivation(o.Activation, w)
		if !ok {
			return nil, fmt.Errorf("mlp: %w", &FieldError{Field: "activation", Msg: fmt.Sprintf("unknown activation %q", o.Activation)})
		}
		layers = append(layers, NewDense(in, w, rng), act)
		if o.Dropout > 0 {
			layers = append(layers, NewDropout(w, o.Dropout, rng))
		}
		in = w
	}
	layers = append(layers, NewDense(in, s.Out, rng))
	return NewStack(s.In, layers...)
}
