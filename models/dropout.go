package models

import "math/rand/v2"

// Dropout zeroes each input with probability P during training and scales
// the survivors by 1/(1−P) (inverted dropout, as PyTorch does); outside
// training it is the identity. Masks are drawn from the rng given to
// NewDropout, the run's initialisation stream, one uniform draw per element
// in row-major order, so a run's masks depend only on its seeds.
type Dropout struct {
	Dim int
	P   float64

	rng     *rand.Rand
	mask    []float32
	y, dx   []float32
	trained bool
	// eval holds the layer in inference mode (the identity) through a
	// training Forward: Stack.InputGrad sets it to differentiate the net
	// that predicts, without drawing masks from the run's stream.
	eval bool
}

// NewDropout returns a dropout layer of width dim with drop probability p
// in [0, 1).
func NewDropout(dim int, p float64, rng *rand.Rand) *Dropout {
	return &Dropout{Dim: dim, P: p, rng: rng}
}

// Forward implements Layer.
func (d *Dropout) Forward(x []float32, n int, train bool) []float32 {
	x = x[:n*d.Dim]
	d.trained = train && d.P > 0 && !d.eval
	if !d.trained {
		return x
	}
	keep := float32(1 / (1 - d.P))
	d.mask = grow(d.mask, len(x))
	d.y = grow(d.y, len(x))
	for i, v := range x {
		m := float32(0)
		if d.rng.Float64() >= d.P {
			m = keep
		}
		d.mask[i] = m
		d.y[i] = v * m
	}
	return d.y
}

// Backward implements Layer.
func (d *Dropout) Backward(dy []float32, needInput bool) []float32 {
	if !needInput {
		return nil
	}
	if !d.trained {
		return dy
	}
	d.dx = grow(d.dx, len(d.mask))
	for i, m := range d.mask {
		d.dx[i] = dy[i] * m
	}
	return d.dx
}

// Params implements Layer; dropout has none.
func (d *Dropout) Params() []*Param { return nil }

// OutDim implements Layer.
func (d *Dropout) OutDim() int { return d.Dim }
