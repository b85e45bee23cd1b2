package models

import (
	"fmt"
	"math/rand/v2"
)

func init() { Register("cnn", newCNN, "width", "depth", "activation", "dropout") }

// Defaults of the cnn architecture.
const (
	defaultCNNWidth  = 16  // channels of the first convolution
	defaultCNNDepth  = 2   // convolution stages
	cnnDenseWidth    = 128 // the hidden dense layer
	cnnKernel        = 3
	cnnChannelGrowth = 2 // each stage has twice the channels of the last
)

// newCNN builds the cnn architecture on channels-last images: Depth
// stages (default 2) of a 3×3 "same" convolution, the activation (default
// relu) and 2×2 max-pooling, the first stage with Width channels (default
// 16) and each later one with twice as many; then a Dense layer of 128
// units, the activation, dropout (when Options.Dropout > 0) and a Dense
// layer to the Out logits. On MNIST with the defaults that is
// conv(3×3,16)-relu-pool2-conv(3×3,32)-relu-pool2-dense(128)-relu-out.
// Its features are the 128 hidden units. The data must be images;
// otherwise the error is a *FieldError on arch. A depth that pools the
// image below one pixel is a *FieldError on depth.
func newCNN(s Shape, o Options, rng *rand.Rand) (any, error) {
	if err := checkImage("cnn", s); err != nil {
		return nil, err
	}
	width, depth := o.Width, o.Depth
	if width == 0 {
		width = defaultCNNWidth
	}
	if depth == 0 {
		depth = defaultCNNDepth
	}
	if width < 0 || depth < 0 {
		return nil, fmt.Errorf("cnn: %w", &FieldError{Field: "width", Msg: fmt.Sprintf("width %d and depth %d must be ≥ 0", o.Width, o.Depth)})
	}
	if !(o.Dropout >= 0 && o.Dropout < 1) {
		return nil, fmt.Errorf("cnn: %w", &FieldError{Field: "dropout", Msg: fmt.Sprintf("dropout %v must be in [0, 1)", o.Dropout)})
	}
	h, w, c := s.Height, s.Width, s.Channels
	var layers []Layer
	for stage := 0; stage < depth; stage++ {
		if h < 2 || w < 2 {
			return nil, fmt.Errorf("cnn: %w", &FieldError{Field: "depth",
				Msg: fmt.Sprintf("depth %d pools the %d×%d images below one pixel at stage %d", depth, s.Height, s.Width, stage+1)})
		}
		conv := NewConv2D(h, w, c, cnnKernel, width, rng)
		act, ok := NewActivation(o.Activation, conv.OutDim())
		if !ok {
			return nil, fmt.Errorf("cnn: %w", &FieldError{Field: "activation", Msg: fmt.Sprintf("unknown activation %q", o.Activation)})
		}
		pool := NewMaxPool2D(h, w, width)
		layers = append(layers, conv, act, pool)
		h, w, c = pool.OutH(), pool.OutW(), width
		width *= cnnChannelGrowth
	}
	flat := h * w * c
	act, _ := NewActivation(o.Activation, cnnDenseWidth)
	layers = append(layers, NewDense(flat, cnnDenseWidth, rng), act)
	if o.Dropout > 0 {
		layers = append(layers, NewDropout(cnnDenseWidth, o.Dropout, rng))
	}
	layers = append(layers, NewDense(cnnDenseWidth, s.Out, rng))
	return NewStack(s.In, layers...)
}
