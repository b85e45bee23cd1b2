package models

import "fmt"

// Residual is a skip connection around a chain of layers f:
// y = x + f(x). The chain must map rows of width Dim to rows of width Dim.
type Residual struct {
	Dim    int
	Layers []Layer

	params []*Param
	y, dx  []float32
}

// NewResidual returns x + f(x) for the chain f of layers over rows of
// width dim. It panics when the chain is empty or does not end at width
// dim: that is a bug in the architecture that builds it, not a user error.
func NewResidual(dim int, layers ...Layer) *Residual {
	if len(layers) == 0 || layers[len(layers)-1].OutDim() != dim {
		panic(fmt.Sprintf("models: residual chain of %d layers does not map width %d to itself", len(layers), dim))
	}
	r := &Residual{Dim: dim, Layers: layers}
	for _, l := range layers {
		r.params = append(r.params, l.Params()...)
	}
	return r
}

// Forward implements Layer.
func (r *Residual) Forward(x []float32, n int, train bool) []float32 {
	h := x
	for _, l := range r.Layers {
		h = l.Forward(h, n, train)
	}
	r.y = grow(r.y, n*r.Dim)
	for i := range r.y {
		r.y[i] = x[i] + h[i]
	}
	return r.y
}

// Backward implements Layer: dx = dy + (∂f/∂x)ᵀ·dy.
func (r *Residual) Backward(dy []float32, needInput bool) []float32 {
	d := dy
	for i := len(r.Layers) - 1; i >= 0; i-- {
		d = r.Layers[i].Backward(d, i > 0 || needInput)
	}
	if !needInput {
		return nil
	}
	r.dx = grow(r.dx, len(d))
	for i := range r.dx {
		r.dx[i] = dy[i] + d[i]
	}
	return r.dx
}

// Params implements Layer: the chain's parameters in order.
func (r *Residual) Params() []*Param { return r.params }

// OutDim implements Layer.
func (r *Residual) OutDim() int { return r.Dim }

var _ Layer = (*Residual)(nil)
