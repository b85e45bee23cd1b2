package models

import (
	"math/rand/v2"
)

// Tokenwise applies a layer to every token of a sequence: a row of width
// Tokens·InDim is read as Tokens rows of width InDim (row-major, token
// after token), and Layer sees a batch of n·Tokens rows.
type Tokenwise struct {
	Tokens int
	Layer  Layer
}

// NewTokenwise applies l to each of tokens tokens of every row.
func NewTokenwise(tokens int, l Layer) *Tokenwise { return &Tokenwise{Tokens: tokens, Layer: l} }

// Forward implements Layer.
func (t *Tokenwise) Forward(x []float32, n int, train bool) []float32 {
	return t.Layer.Forward(x, n*t.Tokens, train)
}

// Backward implements Layer.
func (t *Tokenwise) Backward(dy []float32, needInput bool) []float32 {
	return t.Layer.Backward(dy, needInput)
}

// Params implements Layer.
func (t *Tokenwise) Params() []*Param { return t.Layer.Params() }

// OutDim implements Layer.
func (t *Tokenwise) OutDim() int { return t.Tokens * t.Layer.OutDim() }

// PatchEmbed cuts each channels-last H×W×C image into non-overlapping
// Patch×Patch squares, read row by row into Tokens = (H/Patch)·(W/Patch)
// tokens, projects each flattened patch (pixel (py, px), channel c at
// (py·Patch + px)·C + c) to Dim values with a Dense layer and adds a
// learned position embedding Pos (Tokens×Dim row-major). The output row
// of an image is its Tokens×Dim token matrix. H and W must be multiples of
// Patch.
type PatchEmbed struct {
	H, W, C, Patch int
	Dim            int
	Proj           *Dense
	Pos            Param

	patches, y, dx []float32
	n              int
}

// NewPatchEmbed returns the patch embedding of h×w×c images with square
// patches of side patch into dim values. Proj is initialised like
// nn.Linear, then Pos from N(0, 0.02²) (as ViT initialises it).
func NewPatchEmbed(h, w, c, patch, dim int, rng *rand.Rand) *PatchEmbed {
	p := &PatchEmbed{H: h, W: w, C: c, Patch: patch, Dim: dim,
		Proj: NewDense(patch*patch*c, dim, rng)}
	t := p.Tokens()
	p.Pos = Param{Name: "position", W: make([]float32, t*dim), G: make([]float32, t*dim)}
	for i := range p.Pos.W {
		p.Pos.W[i] = float32(0.02 * rng.NormFloat64())
	}
	return p
}

// Tokens is the number of patches per image.
func (p *PatchEmbed) Tokens() int { return (p.H / p.Patch) * (p.W / p.Patch) }

// walk copies the patches of the n images of x into patches or, with
// scatter set, copies patches back onto the pixels of x.
func (p *PatchEmbed) walk(x []float32, n int, patches []float32, scatter bool) {
	gw := p.W / p.Patch
	rowLen := p.Patch * p.C
	k := p.Patch * rowLen
	t := p.Tokens()
	for img := 0; img < n; img++ {
		base := img * p.H * p.W * p.C
		for tok := 0; tok < t; tok++ {
			ty, tx := tok/gw, tok%gw
			patch := patches[(img*t+tok)*k : (img*t+tok+1)*k]
			for py := 0; py < p.Patch; py++ {
				src := x[base+((ty*p.Patch+py)*p.W+tx*p.Patch)*p.C:][:rowLen]
				dst := patch[py*rowLen : (py+1)*rowLen]
				if scatter {
					copy(src, dst) // patches do not overlap
				} else {
					copy(dst, src)
				}
			}
		}
	}
}

// Forward implements Layer.
func (p *PatchEmbed) Forward(x []float32, n int, train bool) []float32 {
	t := p.Tokens()
	p.patches = grow(p.patches, n*t*p.Patch*p.Patch*p.C)
	p.walk(x, n, p.patches, false)
	e := p.Proj.Forward(p.patches, n*t, train)
	p.y = grow(p.y, n*t*p.Dim)
	for img := 0; img < n; img++ {
		row := p.y[img*t*p.Dim : (img+1)*t*p.Dim]
		for j := range row {
			row[j] = e[img*t*p.Dim+j] + p.Pos.W[j]
		}
	}
	if train {
		p.n = n
	}
	return p.y
}

// Backward implements Layer.
func (p *PatchEmbed) Backward(dy []float32, needInput bool) []float32 {
	t := p.Tokens()
	clear(p.Pos.G)
	for img := 0; img < p.n; img++ {
		for j, v := range dy[img*t*p.Dim : (img+1)*t*p.Dim] {
			p.Pos.G[j] += v
		}
	}
	dpatch := p.Proj.Backward(dy, needInput)
	if !needInput {
		return nil
	}
	p.dx = grow(p.dx, p.n*p.H*p.W*p.C)
	clear(p.dx) // pixels outside every patch (none when H, W divide) get 0
	p.walk(p.dx, p.n, dpatch, true)
	return p.dx
}

// Params implements Layer: the projection's weight and bias, then Pos.
func (p *PatchEmbed) Params() []*Param { return append(p.Proj.Params(), &p.Pos) }

// OutDim implements Layer.
func (p *PatchEmbed) OutDim() int { return p.Tokens() * p.Dim }

// MeanPool averages the Tokens tokens of width Dim of each row:
// n×(Tokens·Dim) → n×Dim.
type MeanPool struct {
	Tokens, Dim int

	y, dx []float32
	n     int
}

// NewMeanPool returns the mean over tokens tokens of width dim.
func NewMeanPool(tokens, dim int) *MeanPool { return &MeanPool{Tokens: tokens, Dim: dim} }

// Forward implements Layer.
func (m *MeanPool) Forward(x []float32, n int, train bool) []float32 {
	m.y = grow(m.y, n*m.Dim)
	clear(m.y)
	inv := 1 / float32(m.Tokens)
	for i := 0; i < n; i++ {
		y := m.y[i*m.Dim : (i+1)*m.Dim]
		for t := 0; t < m.Tokens; t++ {
			for j, v := range x[(i*m.Tokens+t)*m.Dim : (i*m.Tokens+t+1)*m.Dim] {
				y[j] += v
			}
		}
		for j := range y {
			y[j] *= inv
		}
	}
	if train {
		m.n = n
	}
	return m.y
}

// Backward implements Layer.
func (m *MeanPool) Backward(dy []float32, needInput bool) []float32 {
	if !needInput {
		return nil
	}
	m.dx = grow(m.dx, m.n*m.Tokens*m.Dim)
	inv := 1 / float32(m.Tokens)
	for i := 0; i < m.n; i++ {
		g := dy[i*m.Dim : (i+1)*m.Dim]
		for t := 0; t < m.Tokens; t++ {
			dx := m.dx[(i*m.Tokens+t)*m.Dim : (i*m.Tokens+t+1)*m.Dim]
			for j, v := range g {
				dx[j] = v * inv
			}
		}
	}
	return m.dx
}

// Params implements Layer; pooling has none.
func (m *MeanPool) Params() []*Param { return nil }

// OutDim implements Layer.
func (m *MeanPool) OutDim() int { return m.Dim }

var (
	_ Layer = (*Tokenwise)(nil)
	_ Layer = (*PatchEmbed)(nil)
	_ Layer = (*MeanPool)(nil)
)
