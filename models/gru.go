package models

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
)

func init() { Register("gru", newGRUNet, "width", "dropout") }

// defaultGRUHidden is gru's hidden size when Options.Width is 0.
const defaultGRUHidden = 64

// newGRUNet builds the gru architecture: a GRU that reads an image row by
// row (Height steps of Width·Channels pixels) with a hidden state of
// Options.Width units (default 64), then dropout (when Options.Dropout >
// 0) and a Dense layer from the last hidden state to the Out logits. Its
// features are the last hidden state. Options.Depth, Heads, Patch and
// Activation do not apply. The data must be images; otherwise the error
// is a *FieldError on arch.
func newGRUNet(s Shape, o Options, rng *rand.Rand) (any, error) {
	if err := checkImage("gru", s); err != nil {
		return nil, err
	}
	hidden := o.Width
	if hidden == 0 {
		hidden = defaultGRUHidden
	}
	if hidden < 0 {
		return nil, fmt.Errorf("gru: %w", &FieldError{Field: "width", Msg: fmt.Sprintf("width %d must be ≥ 0", hidden)})
	}
	if !(o.Dropout >= 0 && o.Dropout < 1) {
		return nil, fmt.Errorf("gru: %w", &FieldError{Field: "dropout", Msg: fmt.Sprintf("dropout %v must be in [0, 1)", o.Dropout)})
	}
	layers := []Layer{NewGRU(s.Height, s.Width*s.Channels, hidden, rng)}
	if o.Dropout > 0 {
		layers = append(layers, NewDropout(hidden, o.Dropout, rng))
	}
	layers = append(layers, NewDense(hidden, s.Out, rng))
	return NewStack(s.In, layers...)
}

// checkImage reports, as a *FieldError on arch, a Shape that is not an
// image, and a Shape no net can be built for.
func checkImage(arch string, s Shape) error {
	if err := checkShape(s); err != nil {
		return fmt.Errorf("%s: %w", arch, err)
	}
	if s.Height <= 0 || s.Width <= 0 || s.Channels <= 0 || s.Height*s.Width*s.Channels != s.In {
		return fmt.Errorf("%s: %w", arch, &FieldError{Field: "arch",
			Msg: fmt.Sprintf("%s needs image data; the data has %d features and image shape %d×%d×%d", arch, s.In, s.Height, s.Width, s.Channels)})
	}
	return nil
}

// GRU is a gated recurrent unit unrolled over Steps time steps, with the
// gates of PyTorch's nn.GRU. A row of width Steps·In holds the Steps
// inputs x_t one after the other (an image's rows, for gru); the output
// is the last hidden state h_T, n×Hidden. With h_0 = 0:
//
//	r = σ(W_ir·x_t + b_ir + W_hr·h + b_hr)
//	z = σ(W_iz·x_t + b_iz + W_hz·h + b_hz)
//	c = tanh(W_ic·x_t + b_ic + r⊙(W_hc·h + b_hc))
//	h ← (1 − z)⊙c + z⊙h
//
// WI is 3·Hidden×In and WH is 3·Hidden×Hidden, row-major, with the
// gates stacked r, z, c as in PyTorch's weight_ih_l0 and weight_hh_l0.
// The inputs are copied step-major (all rows' x_1, then all rows' x_2,
// …), so that the input products of all steps are one matrix product per
// batch and each step reads its rows contiguously; Backward runs
// backpropagation through time.
type GRU struct {
	Steps, In, Hidden int
	WI, WH, BI, BH    Param

	xt     []float32 // Steps×n×In inputs, step-major
	wht    []float32 // Hidden×3H: WHᵀ, for the per-step product
	gi     []float32 // Steps×n×3H input products
	gh     []float32 // Steps×n×3H hidden products
	rz     []float32 // Steps×n×2H gates, r then z for each row
	c      []float32 // Steps×n×H candidates
	h      []float32 // (Steps+1)×n×H hidden states, h_0 = 0
	y      []float32
	n      int
	dgi    []float32 // Steps×n×3H
	dgh    []float32 // Steps×n×3H
	dh, dx []float32
	dxt    []float32 // Steps×n×In
}

// NewGRU returns a GRU over steps inputs of width in with hidden units,
// initialised as PyTorch initialises nn.GRU: WI, WH, BI, then BH, every
// entry from U(−1/√hidden, 1/√hidden).
func NewGRU(steps, in, hidden int, rng *rand.Rand) *GRU {
	g := &GRU{Steps: steps, In: in, Hidden: hidden}
	mk := func(name string, size int, decay bool) Param {
		return Param{Name: name, W: make([]float32, size), G: make([]float32, size), Decay: decay}
	}
	g.WI = mk("weight_ih", 3*hidden*in, true)
	g.WH = mk("weight_hh", 3*hidden*hidden, true)
	g.BI = mk("bias_ih", 3*hidden, false)
	g.BH = mk("bias_hh", 3*hidden, false)
	bound := 1 / math.Sqrt(float64(hidden))
	for _, p := range []*Param{&g.WI, &g.WH, &g.BI, &g.BH} {
		for i := range p.W {
			p.W[i] = float32((2*rng.Float64() - 1) * bound)
		}
	}
	return g
}

// Forward implements Layer. The input products of all steps are one
// matrix product, the three gates' hidden products one per step, and
// every buffer is kept from one batch to the next.
func (g *GRU) Forward(x []float32, n int, train bool) []float32 {
	T, H, H3, In := g.Steps, g.Hidden, 3*g.Hidden, g.In
	impl := blas32.Implementation()
	g.xt = grow(g.xt, T*n*In)
	for i := 0; i < n; i++ {
		for t := 0; t < T; t++ {
			copy(g.xt[(t*n+i)*In:][:In], x[(i*T+t)*In:][:In])
		}
	}
	g.wht = grow(g.wht, H*H3)
	for r := 0; r < H3; r++ {
		for c, v := range g.WH.W[r*H : (r+1)*H] {
			g.wht[c*H3+r] = v
		}
	}
	g.gi = grow(g.gi, T*n*H3)
	for i := 0; i < T*n; i++ {
		copy(g.gi[i*H3:(i+1)*H3], g.BI.W)
	}
	impl.Sgemm(blas.NoTrans, blas.Trans, T*n, H3, In,
		1, g.xt, In, g.WI.W, In, 1, g.gi, H3)
	g.gh = grow(g.gh, T*n*H3)
	g.rz = grow(g.rz, T*n*2*H)
	g.c = grow(g.c, T*n*H)
	g.h = grow(g.h, (T+1)*n*H)
	clear(g.h[:n*H])
	for t := 0; t < T; t++ {
		gi, gh := g.gi[t*n*H3:(t+1)*n*H3], g.gh[t*n*H3:(t+1)*n*H3]
		for i := 0; i < n; i++ {
			copy(gh[i*H3:(i+1)*H3], g.BH.W)
		}
		impl.Sgemm(blas.NoTrans, blas.NoTrans, n, H3, H,
			1, g.h[t*n*H:], H, g.wht, H3, 1, gh, H3)
		// r and z of the whole batch, then c, then h: each function
		// over all rows at once, so that the vector loops run long.
		rz, c := g.rz[t*n*2*H:(t+1)*n*2*H], g.c[t*n*H:(t+1)*n*H]
		for i := 0; i < n; i++ {
			gir, ghr := gi[i*H3:][:2*H], gh[i*H3:][:2*H]
			pre := rz[i*2*H:][:2*H]
			for j := range pre {
				pre[j] = gir[j] + ghr[j]
			}
		}
		sigmoidSlice(rz, rz)
		for i := 0; i < n; i++ {
			gic, ghc := gi[i*H3+2*H:][:H], gh[i*H3+2*H:][:H]
			r := rz[i*2*H:][:H]
			ci := c[i*H:][:H]
			for j := range ci {
				ci[j] = gic[j] + r[j]*ghc[j]
			}
		}
		tanhSlice(c, c)
		for i := 0; i < n; i++ {
			z := rz[i*2*H+H:][:H]
			ci, prev, next := c[i*H:][:H], g.h[(t*n+i)*H:][:H], g.h[((t+1)*n+i)*H:][:H]
			for j, zv := range z {
				next[j] = (1-zv)*ci[j] + zv*prev[j]
			}
		}
	}
	if train {
		g.n = n
	}
	g.y = grow(g.y, n*H)
	copy(g.y, g.h[T*n*H:(T+1)*n*H])
	return g.y
}

// Backward implements Layer: backpropagation through the Steps steps.
// Only the gradient with respect to the hidden state runs step by step;
// the gates' gradients of all steps are kept, and the weight gradients
// are one matrix product each at the end.
func (g *GRU) Backward(dy []float32, needInput bool) []float32 {
	T, H, H3, In, n := g.Steps, g.Hidden, 3*g.Hidden, g.In, g.n
	impl := blas32.Implementation()
	g.dgi = grow(g.dgi, T*n*H3)
	g.dgh = grow(g.dgh, T*n*H3)
	g.dh = grow(g.dh, n*H)
	copy(g.dh, dy[:n*H])
	for t := T - 1; t >= 0; t-- {
		gh := g.gh[t*n*H3 : (t+1)*n*H3]
		dgit, dght := g.dgi[t*n*H3:(t+1)*n*H3], g.dgh[t*n*H3:(t+1)*n*H3]
		for i := 0; i < n; i++ {
			k := (t*n + i) * H
			r, z := g.rz[2*k:][:H], g.rz[2*k+H:][:H]
			c, prev := g.c[k:][:H], g.h[k:][:H]
			ghc := gh[i*H3+2*H:][:H]
			dgi, dgh := dgit[i*H3:][:H3], dght[i*H3:][:H3]
			dhi := g.dh[i*H:][:H]
			for j := range dhi {
				dh, zj, cj, rj := dhi[j], z[j], c[j], r[j]
				dc := dh * (1 - zj) * (1 - cj*cj) // through tanh
				dz := dh * (prev[j] - cj) * zj * (1 - zj)
				dr := dc * ghc[j] * rj * (1 - rj)
				dgi[j], dgi[H+j], dgi[2*H+j] = dr, dz, dc
				dgh[j], dgh[H+j], dgh[2*H+j] = dr, dz, dc*rj
				dhi[j] = dh * zj // the direct path to h_{t−1}
			}
		}
		if t > 0 { // h_0 = 0 is no parameter's function
			impl.Sgemm(blas.NoTrans, blas.NoTrans, n, H, H3,
				1, dght, H3, g.WH.W, H, 1, g.dh, H)
		}
	}
	// WH.G = Σ_t dgh_tᵀ·h_{t−1}: the T·n rows of dgh against h_0 … h_{T−1}.
	impl.Sgemm(blas.Trans, blas.NoTrans, H3, H, T*n,
		1, g.dgh, H3, g.h, H, 0, g.WH.G, H)
	colSums(g.BH.G, g.dgh[:T*n*H3])
	impl.Sgemm(blas.Trans, blas.NoTrans, H3, In, T*n,
		1, g.dgi, H3, g.xt, In, 0, g.WI.G, In)
	colSums(g.BI.G, g.dgi[:T*n*H3])
	if !needInput {
		return nil
	}
	g.dxt = grow(g.dxt, T*n*In)
	impl.Sgemm(blas.NoTrans, blas.NoTrans, T*n, In, H3,
		1, g.dgi, H3, g.WI.W, In, 0, g.dxt, In)
	g.dx = grow(g.dx, n*T*In)
	for i := 0; i < n; i++ {
		for t := 0; t < T; t++ {
			copy(g.dx[(i*T+t)*In:][:In], g.dxt[(t*n+i)*In:][:In])
		}
	}
	return g.dx
}

// Params implements Layer: WI, WH, BI, BH (PyTorch's order).
func (g *GRU) Params() []*Param { return []*Param{&g.WI, &g.WH, &g.BI, &g.BH} }

// OutDim implements Layer.
func (g *GRU) OutDim() int { return g.Hidden }

var _ Layer = (*GRU)(nil)
