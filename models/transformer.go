package models

import (
	"fmt"
	"math/rand/v2"
)

func init() {
	Register("transformer", newTransformer, "patch", "width", "depth", "heads", "activation", "dropout")
}

// Defaults of the transformer architecture.
const (
	defaultTransformerPatch = 7  // 16 patches on MNIST
	defaultTransformerDim   = 64 // model width
	defaultTransformerDepth = 2  // attention blocks
	defaultTransformerHeads = 4
	transformerMLPRatio     = 2 // hidden width of each block's MLP, per model width
)

// newTransformer builds a small vision transformer on channels-last
// images: a PatchEmbed of Patch×Patch patches (default 7, or the largest
// side ≤ 7 that divides both image sides) into Width values (default 64)
// with a learned position embedding; Depth pre-LN blocks (default 2),
// each x + Attention(LayerNorm(x)) with Heads heads (default 4), then
// x + Dense(act(Dense(LayerNorm(x)))) with an MLP of 2·Width units and the
// activation (default gelu; tanh and gelu evaluated in float32, see
// newActivation32, as are the layer norms' sums, see newLayerNorm32);
// dropout (when Options.Dropout > 0) at the end of both branches; a final
// LayerNorm, the mean over tokens and a Dense layer to the Out logits.
// Its features are the pooled Width values. The
// data must be images (a *FieldError on arch otherwise); Patch must divide
// both image sides and Heads must divide Width (*FieldErrors on patch and
// heads).
func newTransformer(s Shape, o Options, rng *rand.Rand) (any, error) {
	if err := checkImage("transformer", s); err != nil {
		return nil, err
	}
	fieldErr := func(field, format string, args ...any) error {
		return fmt.Errorf("transformer: %w", &FieldError{Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	patch := o.Patch
	if patch == 0 {
		for patch = defaultTransformerPatch; s.Height%patch != 0 || s.Width%patch != 0; patch-- {
		}
	}
	if patch < 0 || s.Height%patch != 0 || s.Width%patch != 0 {
		return nil, fieldErr("patch", "patch %d must divide the image sides %d×%d", patch, s.Height, s.Width)
	}
	dim, depth, heads := o.Width, o.Depth, o.Heads
	if dim == 0 {
		dim = defaultTransformerDim
	}
	if depth == 0 {
		depth = defaultTransformerDepth
	}
	if heads == 0 {
		heads = defaultTransformerHeads
	}
	if dim < 0 || depth < 0 || heads < 0 {
		return nil, fieldErr("width", "width %d, depth %d and heads %d must be ≥ 0", o.Width, o.Depth, o.Heads)
	}
	if dim%heads != 0 {
		return nil, fieldErr("heads", "%d heads do not divide the width %d", heads, dim)
	}
	if !(o.Dropout >= 0 && o.Dropout < 1) {
		return nil, fieldErr("dropout", "dropout %v must be in [0, 1)", o.Dropout)
	}
	actName := o.Activation
	if actName == "" {
		actName = "gelu"
	}
	embed := NewPatchEmbed(s.Height, s.Width, s.Channels, patch, dim, rng)
	t := embed.Tokens()
	hidden := transformerMLPRatio * dim
	layers := []Layer{embed}
	for range depth {
		attn := []Layer{NewTokenwise(t, newLayerNorm32(dim)), NewSelfAttention(t, dim, heads, rng)}
		act, ok := newActivation32(actName, t*hidden)
		if !ok {
			return nil, fieldErr("activation", "unknown activation %q", o.Activation)
		}
		mlp := []Layer{NewTokenwise(t, newLayerNorm32(dim)), NewTokenwise(t, NewDense(dim, hidden, rng)), act,
			NewTokenwise(t, NewDense(hidden, dim, rng))}
		if o.Dropout > 0 {
			attn = append(attn, NewDropout(t*dim, o.Dropout, rng))
			mlp = append(mlp, NewDropout(t*dim, o.Dropout, rng))
		}
		layers = append(layers, NewResidual(t*dim, attn...), NewResidual(t*dim, mlp...))
	}
	layers = append(layers, NewTokenwise(t, newLayerNorm32(dim)), NewMeanPool(t, dim), NewDense(dim, s.Out, rng))
	return NewStack(s.In, layers...)
}
