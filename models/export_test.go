package models

// ConvTakesDirectPath reports whether l takes the direct conv path
// (conv_direct.go), for the layer catalogue in package models_test.
func ConvTakesDirectPath(l *Conv2D) bool { return l.direct() }

// NewActivation32 is newActivation32, for the layer catalogue.
func NewActivation32(name string, dim int) *Activation {
	a, _ := newActivation32(name, dim)
	return a
}

// NewLayerNorm32 is newLayerNorm32, for the layer catalogue.
func NewLayerNorm32(dim int) *LayerNorm { return newLayerNorm32(dim) }
