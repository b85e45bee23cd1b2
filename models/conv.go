package models

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
)

// convChunk is the number of images whose im2col matrix is built at once
// outside training, so that predicting a large batch needs a bounded
// buffer. Training keeps the matrix of the whole batch for Backward.
const convChunk = 64

// convBackChunk is the number of images whose patch gradient Backward
// builds at once before scattering it back onto the input gradient.
const convBackChunk = 4

// Conv2D is a 2-D convolution with a Size×Size kernel, stride 1 and zero
// "same" padding of Size/2 on every side, over channels-last images: row i
// of an n×(H·W·C) batch is image i with pixel (y, x), channel c at
// (y·W + x)·C + c. The output has the same layout with Out channels.
//
// It is computed as one matrix product per batch (im2col): the patches of
// every output pixel form the rows of an (n·H·W)×(Size·Size·C) matrix P,
// and y = P·Wᵀ + b. W is Out×(Size·Size·C) row-major; column
// (ky·Size + kx)·C + c weighs input channel c at kernel offset (ky, kx).
type Conv2D struct {
	H, W, C int // input height, width and channels
	Size    int // kernel side (odd)
	Out     int // output channels
	Weight  Param
	Bias    Param

	cols    []float32 // im2col matrix of the last training Forward
	n       int
	y, dx   []float32
	dcols   []float32
	trained bool
}

// NewConv2D returns a size×size convolution from c to out channels over
// h×w images, initialised as PyTorch initialises nn.Conv2d: every weight,
// then every bias, from U(−1/√fan_in, 1/√fan_in) with fan_in = size²·c.
// size must be odd.
func NewConv2D(h, w, c, size, out int, rng *rand.Rand) *Conv2D {
	if size%2 != 1 {
		panic(fmt.Sprintf("models: conv kernel size %d must be odd", size))
	}
	k := size * size * c
	l := &Conv2D{H: h, W: w, C: c, Size: size, Out: out,
		Weight: Param{Name: "weight", W: make([]float32, out*k), G: make([]float32, out*k), Decay: true},
		Bias:   Param{Name: "bias", W: make([]float32, out), G: make([]float32, out)},
	}
	bound := 1 / math.Sqrt(float64(k))
	for i := range l.Weight.W {
		l.Weight.W[i] = float32((2*rng.Float64() - 1) * bound)
	}
	for i := range l.Bias.W {
		l.Bias.W[i] = float32((2*rng.Float64() - 1) * bound)
	}
	return l
}

// im2col writes the patch rows of images [from, to) of x into cols.
// Channels-last, the Size kernel columns of one kernel row are Size·C
// consecutive inputs, so away from the left and right borders each kernel
// row is one copy (a plain loop below 16 values, such as the three of
// C = 1, too few for a memmove call).
func (l *Conv2D) im2col(x []float32, from, to int, cols []float32) {
	k := l.Size * l.Size * l.C
	pad := l.Size / 2
	span := l.Size * l.C
	r := 0
	for img := from; img < to; img++ {
		base := img * l.H * l.W * l.C
		for oy := 0; oy < l.H; oy++ {
			for ox := 0; ox < l.W; ox++ {
				row := cols[r*k : (r+1)*k]
				r++
				inside := ox-pad >= 0 && ox+pad < l.W
				for ky := 0; ky < l.Size; ky++ {
					iy := oy + ky - pad
					dst := row[ky*span : (ky+1)*span]
					if iy < 0 || iy >= l.H {
						clear(dst)
						continue
					}
					if inside {
						off := base + (iy*l.W+ox-pad)*l.C
						if span < 16 {
							src := x[off : off+span]
							for t := range dst {
								dst[t] = src[t]
							}
						} else {
							copy(dst, x[off:off+span])
						}
						continue
					}
					for kx := 0; kx < l.Size; kx++ {
						ix := ox + kx - pad
						d := dst[kx*l.C : (kx+1)*l.C]
						if ix < 0 || ix >= l.W {
							clear(d)
							continue
						}
						copy(d, x[base+(iy*l.W+ix)*l.C:])
					}
				}
			}
		}
	}
}

// product sets y = cols·Wᵀ + b for rows rows of cols.
func (l *Conv2D) product(cols []float32, rows int, y []float32) {
	for i := 0; i < rows; i++ {
		copy(y[i*l.Out:(i+1)*l.Out], l.Bias.W)
	}
	k := l.Size * l.Size * l.C
	blas32.Implementation().Sgemm(blas.NoTrans, blas.Trans, rows, l.Out, k,
		1, cols, k, l.Weight.W, k, 1, y, l.Out)
}

// Forward implements Layer.
func (l *Conv2D) Forward(x []float32, n int, train bool) []float32 {
	pix := l.H * l.W
	k := l.Size * l.Size * l.C
	l.y = grow(l.y, n*pix*l.Out)
	l.trained = train
	if train {
		l.n = n
		l.cols = grow(l.cols, n*pix*k)
		l.im2col(x, 0, n, l.cols)
		l.product(l.cols, n*pix, l.y)
		return l.y
	}
	l.cols = grow(l.cols, min(n, convChunk)*pix*k)
	for from := 0; from < n; from += convChunk {
		to := min(n, from+convChunk)
		l.im2col(x, from, to, l.cols)
		l.product(l.cols, (to-from)*pix, l.y[from*pix*l.Out:])
	}
	return l.y
}

// Backward implements Layer: dW = dyᵀ·P, db = Σ_rows dy and, for dx, the
// patch gradient dy·W scattered back onto the pixels (col2im).
func (l *Conv2D) Backward(dy []float32, needInput bool) []float32 {
	rows := l.n * l.H * l.W
	k := l.Size * l.Size * l.C
	impl := blas32.Implementation()
	impl.Sgemm(blas.Trans, blas.NoTrans, l.Out, k, rows,
		1, dy, l.Out, l.cols, k, 0, l.Weight.G, k)
	clear(l.Bias.G)
	for i := 0; i < rows; i++ {
		for o, v := range dy[i*l.Out : (i+1)*l.Out] {
			l.Bias.G[o] += v
		}
	}
	if !needInput {
		return nil
	}
	// The patch gradient of convBackChunk images at a time stays in L2
	// until col2im has scattered it; each row of it is one product of
	// depth Out, so the chunking does not change a bit of the result.
	pix := l.H * l.W
	l.dcols = grow(l.dcols, min(l.n, convBackChunk)*pix*k)
	l.dx = grow(l.dx, l.n*pix*l.C)
	clear(l.dx)
	for from := 0; from < l.n; from += convBackChunk {
		to := min(l.n, from+convBackChunk)
		r := (to - from) * pix
		impl.Sgemm(blas.NoTrans, blas.NoTrans, r, k, l.Out,
			1, dy[from*pix*l.Out:], l.Out, l.Weight.W, k, 0, l.dcols, k)
		l.col2im(l.dcols, l.dx, from, to)
	}
	return l.dx
}

// col2im adds each patch row of dcols, the rows of images [from, to),
// back onto the pixels of dx that it was copied from (the adjoint of
// im2col), in the order of im2col: image, output pixel, kernel row,
// kernel column, channel. As in im2col, a kernel row away from the
// borders is one run of Size·C values.
func (l *Conv2D) col2im(dcols, dx []float32, from, to int) {
	k := l.Size * l.Size * l.C
	pad := l.Size / 2
	span := l.Size * l.C
	r := 0
	for img := from; img < to; img++ {
		base := img * l.H * l.W * l.C
		for oy := 0; oy < l.H; oy++ {
			for ox := 0; ox < l.W; ox++ {
				row := dcols[r*k : (r+1)*k]
				r++
				inside := ox-pad >= 0 && ox+pad < l.W
				for ky := 0; ky < l.Size; ky++ {
					iy := oy + ky - pad
					if iy < 0 || iy >= l.H {
						continue
					}
					src := row[ky*span : (ky+1)*span]
					if inside {
						off := base + (iy*l.W+ox-pad)*l.C
						dst := dx[off : off+span]
						for t, v := range src {
							dst[t] += v
						}
						continue
					}
					for kx := 0; kx < l.Size; kx++ {
						ix := ox + kx - pad
						if ix < 0 || ix >= l.W {
							continue
						}
						dst := dx[base+(iy*l.W+ix)*l.C : base+(iy*l.W+ix+1)*l.C]
						for c, v := range src[kx*l.C : (kx+1)*l.C] {
							dst[c] += v
						}
					}
				}
			}
		}
	}
}

// Params implements Layer: the weight, then the bias.
func (l *Conv2D) Params() []*Param { return []*Param{&l.Weight, &l.Bias} }

// OutDim implements Layer.
func (l *Conv2D) OutDim() int { return l.H * l.W * l.Out }

// MaxPool2D is 2×2 max-pooling with stride 2 over channels-last H×W×C
// images (the layout of Conv2D). An odd last row or column is dropped, as
// PyTorch's nn.MaxPool2d(2) drops it. The gradient goes to the first
// maximum of each window.
type MaxPool2D struct {
	H, W, C int // input height, width and channels

	arg   []int32 // input index of each output's maximum
	y, dx []float32
	n     int
}

// NewMaxPool2D returns 2×2 max-pooling over h×w×c images.
func NewMaxPool2D(h, w, c int) *MaxPool2D { return &MaxPool2D{H: h, W: w, C: c} }

// OutH is the output height.
func (p *MaxPool2D) OutH() int { return p.H / 2 }

// OutW is the output width.
func (p *MaxPool2D) OutW() int { return p.W / 2 }

// Forward implements Layer.
func (p *MaxPool2D) Forward(x []float32, n int, train bool) []float32 {
	oh, ow := p.OutH(), p.OutW()
	size := n * oh * ow * p.C
	p.y = grow(p.y, size)
	if train {
		p.n = n
		if cap(p.arg) < size {
			p.arg = make([]int32, size)
		}
		p.arg = p.arg[:size]
	}
	o := 0
	for img := 0; img < n; img++ {
		base := img * p.H * p.W * p.C
		for oy := 0; oy < oh; oy++ {
			for ox := 0; ox < ow; ox++ {
				i00 := base + ((2*oy)*p.W+2*ox)*p.C
				i01 := i00 + p.C
				i10 := i00 + p.W*p.C
				i11 := i10 + p.C
				for c := 0; c < p.C; c++ {
					best := i00 + c
					for _, i := range [3]int{i01 + c, i10 + c, i11 + c} {
						if x[i] > x[best] {
							best = i
						}
					}
					p.y[o] = x[best]
					if train {
						p.arg[o] = int32(best)
					}
					o++
				}
			}
		}
	}
	return p.y
}

// Backward implements Layer.
func (p *MaxPool2D) Backward(dy []float32, needInput bool) []float32 {
	if !needInput {
		return nil
	}
	p.dx = grow(p.dx, p.n*p.H*p.W*p.C)
	clear(p.dx)
	for o, i := range p.arg {
		p.dx[i] += dy[o]
	}
	return p.dx
}

// Params implements Layer; pooling has none.
func (p *MaxPool2D) Params() []*Param { return nil }

// OutDim implements Layer.
func (p *MaxPool2D) OutDim() int { return p.OutH() * p.OutW() * p.C }

var (
	_ Layer = (*Conv2D)(nil)
	_ Layer = (*MaxPool2D)(nil)
)
