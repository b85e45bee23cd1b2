package models

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
)

// SelfAttention is multi-head scaled dot-product self-attention over
// sequences of Tokens tokens of width Dim (a row is the Tokens×Dim token
// matrix, row-major), PyTorch's nn.MultiheadAttention without masks or
// dropout. Each token is projected to query, key and value by In (Dim →
// 3·Dim: queries are outputs [0, Dim), keys [Dim, 2·Dim), values
// [2·Dim, 3·Dim)); head h uses columns [h·d, (h+1)·d) of each, d =
// Dim/Heads, and computes softmax(Q·Kᵀ/√d)·V; the heads' outputs are
// concatenated and projected by Out (Dim → Dim).
type SelfAttention struct {
	Tokens, Dim, Heads int
	In, Out            *Dense

	qkv, att, ctx []float32 // projections, attention weights, head outputs
	dqkv, datt    []float32
	n             int
}

// NewSelfAttention returns attention over tokens tokens of width dim with
// heads heads; heads must divide dim. In, then Out, are initialised like
// nn.Linear.
func NewSelfAttention(tokens, dim, heads int, rng *rand.Rand) *SelfAttention {
	if heads <= 0 || dim%heads != 0 {
		panic(fmt.Sprintf("models: %d heads do not divide width %d", heads, dim))
	}
	return &SelfAttention{Tokens: tokens, Dim: dim, Heads: heads,
		In: NewDense(dim, 3*dim, rng), Out: NewDense(dim, dim, rng)}
}

// Forward implements Layer.
func (a *SelfAttention) Forward(x []float32, n int, train bool) []float32 {
	t, d, dh := a.Tokens, a.Dim, a.Dim/a.Heads
	qkv := a.In.Forward(x, n*t, train)
	a.att = grow(a.att, n*a.Heads*t*t)
	a.ctx = grow(a.ctx, n*t*d)
	scale := float32(1 / math.Sqrt(float64(dh)))
	impl := blas32.Implementation()
	for s := 0; s < n; s++ {
		seq := qkv[s*t*3*d:]
		for h := 0; h < a.Heads; h++ {
			att := a.att[(s*a.Heads+h)*t*t : (s*a.Heads+h+1)*t*t]
			// att = Q·Kᵀ/√d, then a softmax along each row.
			impl.Sgemm(blas.NoTrans, blas.Trans, t, t, dh,
				scale, seq[h*dh:], 3*d, seq[d+h*dh:], 3*d, 0, att, t)
			softmaxRows(att, t)
			impl.Sgemm(blas.NoTrans, blas.NoTrans, t, dh, t,
				1, att, t, seq[2*d+h*dh:], 3*d, 0, a.ctx[s*t*d+h*dh:], d)
		}
	}
	if train {
		a.qkv = qkv
		a.n = n
	}
	return a.Out.Forward(a.ctx, n*t, train)
}

// softmaxRows replaces each row of width w of m by its softmax, with
// one call of expSlice for all of them.
func softmaxRows(m []float32, w int) {
	for i := 0; i+w <= len(m); i += w {
		row := m[i : i+w]
		mx := row[0]
		for _, v := range row {
			mx = max(mx, v)
		}
		for j, v := range row {
			row[j] = v - mx
		}
	}
	expSlice(m, m)
	for i := 0; i+w <= len(m); i += w {
		row := m[i : i+w]
		var sum float32
		for _, e := range row {
			sum += e
		}
		for j := range row {
			row[j] /= sum
		}
	}
}

// Backward implements Layer. For one head with P = softmax(S) and
// O = P·V: dP = dO·Vᵀ, dV = Pᵀ·dO, dS = P⊙(dP − rowsum(dP⊙P)),
// dQ = dS·K/√d and dK = dSᵀ·Q/√d.
func (a *SelfAttention) Backward(dy []float32, needInput bool) []float32 {
	t, d, dh := a.Tokens, a.Dim, a.Dim/a.Heads
	dctx := a.Out.Backward(dy, true)
	a.dqkv = grow(a.dqkv, a.n*t*3*d)
	a.datt = grow(a.datt, t*t)
	scale := float32(1 / math.Sqrt(float64(dh)))
	impl := blas32.Implementation()
	for s := 0; s < a.n; s++ {
		seq := a.qkv[s*t*3*d:]
		dseq := a.dqkv[s*t*3*d:]
		dout := dctx[s*t*d:]
		for h := 0; h < a.Heads; h++ {
			att := a.att[(s*a.Heads+h)*t*t : (s*a.Heads+h+1)*t*t]
			impl.Sgemm(blas.NoTrans, blas.Trans, t, t, dh,
				1, dout[h*dh:], d, seq[2*d+h*dh:], 3*d, 0, a.datt, t)
			impl.Sgemm(blas.Trans, blas.NoTrans, t, dh, t,
				1, att, t, dout[h*dh:], d, 0, dseq[2*d+h*dh:], 3*d)
			for i := 0; i < t; i++ {
				p := att[i*t : (i+1)*t]
				g := a.datt[i*t : (i+1)*t]
				var dot float32
				for j := range p {
					dot += p[j] * g[j]
				}
				for j := range p {
					g[j] = p[j] * (g[j] - dot)
				}
			}
			impl.Sgemm(blas.NoTrans, blas.NoTrans, t, dh, t,
				scale, a.datt, t, seq[d+h*dh:], 3*d, 0, dseq[h*dh:], 3*d)
			impl.Sgemm(blas.Trans, blas.NoTrans, t, dh, t,
				scale, a.datt, t, seq[h*dh:], 3*d, 0, dseq[d+h*dh:], 3*d)
		}
	}
	return a.In.Backward(a.dqkv, needInput)
}

// Params implements Layer: In's weight and bias, then Out's.
func (a *SelfAttention) Params() []*Param { return append(a.In.Params(), a.Out.Params()...) }

// OutDim implements Layer.
func (a *SelfAttention) OutDim() int { return a.Tokens * a.Dim }

var _ Layer = (*SelfAttention)(nil)
