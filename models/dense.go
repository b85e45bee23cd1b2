package models

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
)

// Dense is a fully connected layer y = x·Wᵀ + b, where W is Out×In
// row-major (W[o*In+i] is the weight from input i to output o) and b has
// Out entries, the layout of PyTorch's nn.Linear.
type Dense struct {
	In, Out int
	W, B    Param

	x  []float32 // input of the last training Forward
	y  []float32
	dx []float32
}

// NewDense returns an In×Out layer initialised as PyTorch initialises
// nn.Linear (kaiming_uniform with a = √5): every weight, then every bias,
// drawn from U(−1/√in, 1/√in) with rng.
func NewDense(in, out int, rng *rand.Rand) *Dense {
	d := &Dense{
		In:  in,
		Out: out,
		W:   Param{Name: "weight", W: make([]float32, out*in), G: make([]float32, out*in), Decay: true, Shape: []int{out, in}},
		B:   Param{Name: "bias", W: make([]float32, out), G: make([]float32, out), Shape: []int{out}},
	}
	bound := 1 / math.Sqrt(float64(in))
	for i := range d.W.W {
		d.W.W[i] = float32((2*rng.Float64() - 1) * bound)
	}
	for i := range d.B.W {
		d.B.W[i] = float32((2*rng.Float64() - 1) * bound)
	}
	return d
}

// Forward implements Layer.
func (d *Dense) Forward(x []float32, n int, train bool) []float32 {
	d.y = grow(d.y, n*d.Out)
	for i := 0; i < n; i++ {
		copy(d.y[i*d.Out:(i+1)*d.Out], d.B.W)
	}
	blas32.Implementation().Sgemm(blas.NoTrans, blas.Trans, n, d.Out, d.In,
		1, x, d.In, d.W.W, d.In, 1, d.y, d.Out)
	if train {
		d.x = x[:n*d.In]
	}
	return d.y
}

// Backward implements Layer: dW = dyᵀ·x, db = Σ_rows dy, dx = dy·W.
func (d *Dense) Backward(dy []float32, needInput bool) []float32 {
	n := len(d.x) / d.In
	blas32.Implementation().Sgemm(blas.Trans, blas.NoTrans, d.Out, d.In, n,
		1, dy, d.Out, d.x, d.In, 0, d.W.G, d.In)
	colSums(d.B.G, dy[:n*d.Out])
	if !needInput {
		return nil
	}
	return d.inputGrad(dy)
}

// inputGrad implements inputGrader: dx = dy·W, the last training
// Forward's input gradient, without dW and db (a third of Backward's
// work at the first layer of the seed MLP).
func (d *Dense) inputGrad(dy []float32) []float32 {
	n := len(d.x) / d.In
	d.dx = grow(d.dx, n*d.In)
	blas32.Implementation().Sgemm(blas.NoTrans, blas.NoTrans, n, d.In, d.Out,
		1, dy, d.Out, d.W.W, d.In, 0, d.dx, d.In)
	return d.dx
}

// Params implements Layer: the weight, then the bias.
func (d *Dense) Params() []*Param { return []*Param{&d.W, &d.B} }

// OutDim implements Layer.
func (d *Dense) OutDim() int { return d.Out }

// colSums sets sum to the column sums of m, read as rows of len(sum)
// values, each column's rows added one after the other from the first.
// Four rows go through at a time, their sums held in a register rather
// than stored and loaded back for each row: the same additions, in the
// same order.
func colSums(sum, m []float32) {
	w := len(sum)
	clear(sum)
	i := 0
	for ; i+4*w <= len(m); i += 4 * w {
		r0, r1, r2, r3 := m[i:i+w], m[i+w:i+2*w], m[i+2*w:i+3*w], m[i+3*w:i+4*w]
		for j := range sum {
			s := sum[j]
			s += r0[j]
			s += r1[j]
			s += r2[j]
			s += r3[j]
			sum[j] = s
		}
	}
	for ; i+w <= len(m); i += w {
		for j, v := range m[i : i+w] {
			sum[j] += v
		}
	}
}
