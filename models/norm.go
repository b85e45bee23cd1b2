package models

import "math"

// layerNormEps is added to the variance, as in PyTorch's nn.LayerNorm.
const layerNormEps = 1e-5

// LayerNorm normalises each row of width Dim to zero mean and unit
// variance (the biased variance, plus 1e-5) and applies a learned scale
// and shift: y = (x − μ)/√(σ² + ε)·γ + β, PyTorch's nn.LayerNorm(Dim).
type LayerNorm struct {
	Dim         int
	Gamma, Beta Param

	xhat, rstd []float32 // normalised inputs and 1/σ of the last training Forward
	y, dx      []float32
	// f32 selects float32 row statistics, summed in four interleaved
	// partial sums (see newLayerNorm32), instead of float64 ones.
	f32 bool
}

// NewLayerNorm returns a layer norm over rows of width dim with γ = 1 and
// β = 0. Neither takes weight decay.
func NewLayerNorm(dim int) *LayerNorm {
	l := &LayerNorm{Dim: dim,
		Gamma: Param{Name: "gamma", W: make([]float32, dim), G: make([]float32, dim)},
		Beta:  Param{Name: "beta", W: make([]float32, dim), G: make([]float32, dim)},
	}
	for i := range l.Gamma.W {
		l.Gamma.W[i] = 1
	}
	return l
}

// newLayerNorm32 is NewLayerNorm with the mean, the variance and the
// two means of Backward summed in float32, four interleaved partial sums
// at a time, whose additions do not wait for each other as one float64
// sum's do: the transformer's layer norms, at about half the cost. The
// rows are short (the model width), so float32 loses nothing a float32
// layer keeps.
func newLayerNorm32(dim int) *LayerNorm {
	l := NewLayerNorm(dim)
	l.f32 = true
	return l
}

// sum4 returns Σ a[j]·b[j] in four partial sums, of the j ≡ 0, 1, 2
// and 3 mod 4, added ((s0 + s1) + (s2 + s3)); b nil means all ones.
func sum4(a, b []float32) float32 {
	var s0, s1, s2, s3 float32
	j := 0
	if b == nil {
		for ; j+4 <= len(a); j += 4 {
			s0 += a[j]
			s1 += a[j+1]
			s2 += a[j+2]
			s3 += a[j+3]
		}
		for ; j < len(a); j++ {
			s0 += a[j]
		}
		return (s0 + s1) + (s2 + s3)
	}
	b = b[:len(a)]
	for ; j+4 <= len(a); j += 4 {
		s0 += a[j] * b[j]
		s1 += a[j+1] * b[j+1]
		s2 += a[j+2] * b[j+2]
		s3 += a[j+3] * b[j+3]
	}
	for ; j < len(a); j++ {
		s0 += a[j] * b[j]
	}
	return (s0 + s1) + (s2 + s3)
}

// Forward implements Layer.
func (l *LayerNorm) Forward(x []float32, n int, train bool) []float32 {
	d := l.Dim
	l.y = grow(l.y, n*d)
	if train {
		l.xhat = grow(l.xhat, n*d)
		l.rstd = grow(l.rstd, n)
	}
	if l.f32 {
		l.forward32(x, n, train)
		return l.y
	}
	for i := 0; i < n; i++ {
		row := x[i*d : (i+1)*d]
		var mean, sq float64
		for _, v := range row {
			mean += float64(v)
		}
		mean /= float64(d)
		for _, v := range row {
			c := float64(v) - mean
			sq += c * c
		}
		rstd := 1 / math.Sqrt(sq/float64(d)+layerNormEps)
		y := l.y[i*d : (i+1)*d]
		gamma, beta := l.Gamma.W[:d], l.Beta.W[:d]
		if train {
			xhat := l.xhat[i*d : (i+1)*d]
			for j, v := range row {
				h := float32((float64(v) - mean) * rstd)
				xhat[j] = h
				y[j] = h*gamma[j] + beta[j]
			}
			l.rstd[i] = float32(rstd)
			continue
		}
		for j, v := range row {
			y[j] = float32((float64(v)-mean)*rstd)*gamma[j] + beta[j]
		}
	}
	return l.y
}

// forward32 is Forward with float32 statistics (see newLayerNorm32).
// Each output row holds x − μ until it is scaled.
func (l *LayerNorm) forward32(x []float32, n int, train bool) {
	d := l.Dim
	gamma, beta := l.Gamma.W[:d], l.Beta.W[:d]
	for i := 0; i < n; i++ {
		row, y := x[i*d:(i+1)*d], l.y[i*d:(i+1)*d]
		mean := sum4(row, nil) / float32(d)
		for j, v := range row {
			y[j] = v - mean
		}
		rstd := float32(1 / math.Sqrt(float64(sum4(y, y)/float32(d))+layerNormEps))
		if train {
			l.rstd[i] = rstd
			xhat := l.xhat[i*d : (i+1)*d]
			for j, c := range y {
				h := c * rstd
				xhat[j] = h
				y[j] = h*gamma[j] + beta[j]
			}
			continue
		}
		for j, c := range y {
			y[j] = c*rstd*gamma[j] + beta[j]
		}
	}
}

// Backward implements Layer:
// dx = (dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂))/σ with dx̂ = dy·γ.
func (l *LayerNorm) Backward(dy []float32, needInput bool) []float32 {
	d := l.Dim
	n := len(l.rstd)
	dgamma, dbeta := l.Gamma.G[:d], l.Beta.G[:d]
	clear(dgamma)
	clear(dbeta)
	for i := 0; i < n; i++ {
		g, h := dy[i*d:(i+1)*d], l.xhat[i*d:(i+1)*d]
		for j, v := range g {
			dgamma[j] += v * h[j]
			dbeta[j] += v
		}
	}
	if !needInput {
		return nil
	}
	l.dx = grow(l.dx, n*d)
	if l.f32 {
		gamma := l.Gamma.W[:d]
		for i := 0; i < n; i++ {
			g, h, dx := dy[i*d:(i+1)*d], l.xhat[i*d:(i+1)*d], l.dx[i*d:(i+1)*d]
			for j, v := range g {
				dx[j] = v * gamma[j] // dx̂, until dx replaces it
			}
			m1 := sum4(dx, nil) / float32(d)
			m2 := sum4(dx, h) / float32(d)
			r := l.rstd[i]
			for j, dh := range dx {
				dx[j] = (dh - m1 - h[j]*m2) * r
			}
		}
		return l.dx
	}
	for i := 0; i < n; i++ {
		g := dy[i*d : (i+1)*d]
		h := l.xhat[i*d : (i+1)*d]
		gamma := l.Gamma.W[:d]
		var m1, m2 float64
		for j := range g {
			dh := float64(g[j] * gamma[j])
			m1 += dh
			m2 += dh * float64(h[j])
		}
		m1 /= float64(d)
		m2 /= float64(d)
		r := float64(l.rstd[i])
		dx := l.dx[i*d : (i+1)*d]
		for j := range g {
			dh := float64(g[j] * gamma[j])
			dx[j] = float32((dh - m1 - float64(h[j])*m2) * r)
		}
	}
	return l.dx
}

// Params implements Layer: γ, then β.
func (l *LayerNorm) Params() []*Param { return []*Param{&l.Gamma, &l.Beta} }

// OutDim implements Layer.
func (l *LayerNorm) OutDim() int { return l.Dim }

var _ Layer = (*LayerNorm)(nil)
