package models

import "math"

// Activation is an element-wise layer y = f(x) of width Dim.
type Activation struct {
	Dim int
	// Name is the activation's spec name: relu, tanh or gelu.
	Name string
	f    func(x float32) float32
	// df returns f′(x) given x and y = f(x).
	df func(x, y float32) float32
	// relu selects the inlined ReLU loops in Forward and Backward, which
	// compute what f and df do without a call per element.
	relu bool
	// gelu32 selects geluSlice for the float32 GELU (see
	// newActivation32) in Forward, which computes f and df, kept in d for
	// Backward, from one evaluation of the normal tail.
	gelu32 bool
	// slice, when set, computes what f does over a whole slice (tanhSlice
	// for the float32 tanh).
	slice func(y, x []float32)

	x, y, d, dx []float32
}

// NewActivation returns the activation called name (relu, tanh or gelu;
// "" means relu) over rows of width dim, and false for an unknown name.
func NewActivation(name string, dim int) (*Activation, bool) {
	switch name {
	case "", "relu":
		return NewReLU(dim), true
	case "tanh":
		return NewTanh(dim), true
	case "gelu":
		return NewGELU(dim), true
	}
	return nil, false
}

// newActivation32 is NewActivation with tanh and gelu evaluated by the
// float32 functions of fastmath.go (tanh32, gelu32 and geluGrad32), at
// a fraction of the cost of math's float64 ones: the transformer's
// activations. relu is the same layer either way.
func newActivation32(name string, dim int) (*Activation, bool) {
	switch name {
	case "tanh":
		return &Activation{Dim: dim, Name: "tanh", f: tanh32, slice: tanhSlice,
			df: func(_, y float32) float32 { return 1 - y*y }}, true
	case "gelu":
		return &Activation{Dim: dim, Name: "gelu", gelu32: true, f: gelu32,
			df: func(x, _ float32) float32 { return geluGrad32(x) }}, true
	}
	return NewActivation(name, dim)
}

// NewReLU returns y = max(x, 0). Its derivative at 0 is taken as 0, as in
// PyTorch.
func NewReLU(dim int) *Activation {
	return &Activation{Dim: dim, Name: "relu", relu: true,
		f: func(x float32) float32 {
			if x > 0 {
				return x
			}
			return 0
		},
		df: func(x, _ float32) float32 {
			if x > 0 {
				return 1
			}
			return 0
		},
	}
}

// NewTanh returns y = tanh(x).
func NewTanh(dim int) *Activation {
	return &Activation{Dim: dim, Name: "tanh",
		f:  func(x float32) float32 { return float32(math.Tanh(float64(x))) },
		df: func(_, y float32) float32 { return 1 - y*y },
	}
}

// NewGELU returns the exact GELU, y = x·Φ(x) with Φ the standard normal
// CDF (PyTorch's default, approximate="none").
func NewGELU(dim int) *Activation {
	return &Activation{Dim: dim, Name: "gelu",
		f: func(x float32) float32 {
			v := float64(x)
			return float32(0.5 * v * (1 + math.Erf(v/math.Sqrt2)))
		},
		df: func(x, _ float32) float32 {
			v := float64(x)
			cdf := 0.5 * (1 + math.Erf(v/math.Sqrt2))
			pdf := math.Exp(-0.5*v*v) / math.Sqrt(2*math.Pi)
			return float32(cdf + v*pdf)
		},
	}
}

// Forward implements Layer.
func (a *Activation) Forward(x []float32, n int, train bool) []float32 {
	x = x[:n*a.Dim]
	a.y = grow(a.y, len(x))
	y := a.y[:len(x)]
	switch {
	case a.relu:
		reluForward(y, x)
	case a.gelu32:
		a.d = grow(a.d, len(x))
		geluSlice(y, a.d, x)
	case a.slice != nil:
		a.slice(y, x)
	default:
		for i, v := range x {
			y[i] = a.f(v)
		}
	}
	if train {
		a.x = x
	}
	return a.y
}

// Backward implements Layer.
func (a *Activation) Backward(dy []float32, needInput bool) []float32 {
	if !needInput {
		return nil
	}
	a.dx = grow(a.dx, len(a.x))
	dx, y, dy := a.dx[:len(a.x)], a.y[:len(a.x)], dy[:len(a.x)]
	if a.relu {
		reluBackward(dx, dy, a.x)
		return a.dx
	}
	if a.gelu32 {
		for i, d := range a.d[:len(a.x)] {
			dx[i] = dy[i] * d
		}
		return a.dx
	}
	for i, v := range a.x {
		dx[i] = dy[i] * a.df(v, y[i])
	}
	return a.dx
}

// reluForward sets y[i] = x[i] where x[i] > 0, else 0, without a branch
// per element: on activations whose sign is a coin flip, branches
// mispredict half the time and cost several times the arithmetic. The
// sign bit of x is spread into a mask that clears negative values (and
// −0). A NaN with its sign bit clear passes through, as in PyTorch.
func reluForward(y, x []float32) {
	y = y[:len(x)]
	for i, v := range x {
		b := math.Float32bits(v)
		y[i] = math.Float32frombits(b &^ uint32(int32(b)>>31))
	}
}

// reluBackward sets dx[i] = dy[i] where x[i] > 0, else 0 (the derivative
// at 0 is 0, as in PyTorch), without a branch per element: for numbers,
// x > 0 exactly when its bits, read as a signed integer, are above zero,
// and the sign of that integer minus one, widened so that it cannot
// overflow, is the mask that clears dy. A NaN with its sign bit clear
// counts as positive and passes dy, as the NaN it gave forward does.
func reluBackward(dx, dy, x []float32) {
	dx, dy = dx[:len(x)], dy[:len(x)]
	for i, v := range x {
		keep := ^uint32((int64(int32(math.Float32bits(v))) - 1) >> 63)
		dx[i] = math.Float32frombits(math.Float32bits(dy[i]) & keep)
	}
}

// Params implements Layer; an activation has none.
func (a *Activation) Params() []*Param { return nil }

// OutDim implements Layer.
func (a *Activation) OutDim() int { return a.Dim }
