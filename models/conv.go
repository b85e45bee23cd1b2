package models

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/gonum"

	"github.com/study-harness/study/models/gemm"
)

// convL2 is the number of float32 values of the patch matrix that a
// chunk of images may fill (512 KB): Forward and Backward unfold, multiply
// and fold back a chunk of images at a time, so that the patch matrix and
// the patch gradient stay in L2 instead of streaming through memory.
const convL2 = 128 << 10

// convRows is the multiple that the padded patch width is rounded up to:
// the row count of the GEMM micro-kernel (6), so that the weight-gradient
// product, whose rows are the patch columns, has no edge tiles.
const convRows = 6

// convCols is the multiple that the padded patch-gradient width is rounded
// up to: the column count of the GEMM micro-kernel (32), so that the
// patch-gradient product has no edge tiles.
const convCols = 32

// Conv2D is a 2-D convolution with a Size×Size kernel, stride 1 and zero
// "same" padding of Size/2 on every side, over channels-last images: row i
// of an n×(H·W·C) batch is image i with pixel (y, x), channel c at
// (y·W + x)·C + c. The output has the same layout with Out channels.
//
// It is computed as matrix products (im2col): the patches of every output
// pixel form the rows of a matrix P with K = Size·Size·C columns, and
// y = P·Wᵀ + b. W is Out×K row-major; column (ky·Size + kx)·C + c weighs
// input channel c at kernel offset (ky, kx). P is built for a few images
// at a time (see convL2) with a column of ones after the K patch columns,
// so that the bias is the last row of the (K+1)×Out right-hand operand and
// its gradient the last row of the weight gradient. The chunking is fixed
// by the layer's shape, so results do not depend on anything else.
//
// On AVX-512 machines, layers whose shapes fit the kernels' tiles (C a
// multiple of 16, Out of 32, Size·C of 12: the CNN's second stage and
// beyond) take a direct path instead, with no patch matrix at all
// (conv_direct.go), and with AVX2, one-channel 3×3 layers with a multiple
// of 8 output channels (the first layer on grayscale images) read their
// nine-value patches in place with the same sums as im2col and GEMM, bit
// for bit (conv_gray.go).
type Conv2D struct {
	H, W, C int // input height, width and channels
	Size    int // kernel side (odd)
	Out     int // output channels
	Weight  Param
	Bias    Param

	x     []float32 // input of the last training Forward
	n     int
	y, dx []float32
	cols  []float32 // patch matrix of one chunk, kp columns a row
	wt    []float32 // (K+1)×Out: Wᵀ over the bias
	dwt   []float32 // kp×Out: gradient of wt, padding rows zero
	wp    []float32 // Out×kq: W with zero columns
	dcols []float32 // patch gradient of one chunk, kq columns a row
	xc    []float32 // padded images of one chunk, for im2col

	// The direct path (conv_direct.go).
	xp    []float32 // padded input of the last training Forward
	xq    []float32 // padded input of the last inference Forward
	dyp   []float32 // padded output gradient
	wf    []float32 // the flipped kernel of the input gradient
	zeros []float32 // an init row of zeros for gemm.Segmented
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

// k is the patch width, Size·Size·C.
func (l *Conv2D) k() int { return l.Size * l.Size * l.C }

// kp is the padded width of a patch row: the K patch values, a one for the
// bias and zeros up to a multiple of convRows.
func (l *Conv2D) kp() int { return (l.k() + convRows) / convRows * convRows }

// kq is the padded width of a patch-gradient row: K rounded up to a
// multiple of convCols.
func (l *Conv2D) kq() int { return (l.k() + convCols - 1) / convCols * convCols }

// chunk is the number of images whose patches are unfolded at once.
func (l *Conv2D) chunk() int { return max(1, convL2/(l.H*l.W*l.kp())) }

// patches makes sure that cols holds a chunk of patch rows with the
// constant bias and padding columns set; im2col writes the others.
func (l *Conv2D) patches() {
	kp, k := l.kp(), l.k()
	size := l.chunk() * l.H * l.W * kp
	if len(l.cols) == size {
		return
	}
	l.cols = make([]float32, size)
	for r := 0; r < size; r += kp {
		l.cols[r+k] = 1
	}
}

// im2col writes the patch rows of images [from, to) of x into cols, kp
// values apart. It pads the chunk's images first (pad, into xc), so that
// every kernel row of every patch is one run of Size·C consecutive values
// of the padded image, borders included: no branches per pixel, and for
// the three values of C = 1, too few for a memmove call, three moves.
func (l *Conv2D) im2col(x []float32, from, to int, cols []float32) {
	k, kp := l.k(), l.kp()
	span := l.Size * l.C
	wp, pix, _ := l.padded()
	img := l.H * l.W * l.C
	l.xc = l.pad(l.xc, x[from*img:to*img], to-from, l.C)
	xc := l.xc
	r := 0
	for i := 0; i < to-from; i++ {
		base := i * pix * l.C
		for oy := 0; oy < l.H; oy++ {
			for ox := 0; ox < l.W; ox++ {
				row := cols[r*kp : r*kp+k]
				r++
				off := base + (oy*wp+ox)*l.C
				for ky := 0; ky < l.Size; ky++ {
					src := xc[off+ky*wp*l.C : off+ky*wp*l.C+span]
					dst := row[ky*span : (ky+1)*span]
					if span == 3 {
						s3, d3 := src[:3:3], dst[:3:3]
						d3[0], d3[1], d3[2] = s3[0], s3[1], s3[2]
						continue
					}
					copy(dst, src)
				}
			}
		}
	}
}

// Forward implements Layer.
func (l *Conv2D) Forward(x []float32, n int, train bool) []float32 {
	if l.direct() {
		return l.forwardDirect(x, n, train)
	}
	if l.gray() {
		return l.forwardGray(x, n, train)
	}
	pix := l.H * l.W
	k, kp := l.k(), l.kp()
	l.y = grow(l.y, n*pix*l.Out)
	if train {
		l.n = n
		l.x = x[:n*pix*l.C]
	}
	l.transposeWeights()
	l.patches()
	impl := blas32.Implementation()
	chunk := l.chunk()
	for from := 0; from < n; from += chunk {
		to := min(n, from+chunk)
		l.im2col(x, from, to, l.cols)
		impl.Sgemm(blas.NoTrans, blas.NoTrans, (to-from)*pix, l.Out, k+1,
			1, l.cols, kp, l.wt, l.Out, 0, l.y[from*pix*l.Out:], l.Out)
	}
	return l.y
}

// transposeWeights sets wt to Wᵀ over the bias, (K+1)×Out.
func (l *Conv2D) transposeWeights() {
	k := l.k()
	l.wt = grow(l.wt, (k+1)*l.Out)
	for o := 0; o < l.Out; o++ {
		for p, v := range l.Weight.W[o*k : (o+1)*k] {
			l.wt[p*l.Out+o] = v
		}
	}
	copy(l.wt[k*l.Out:], l.Bias.W)
}

// Backward implements Layer: dW = dyᵀ·P, db = Σ_rows dy and, for dx, the
// patch gradient dy·W scattered back onto the pixels (col2im). A chunk of
// images at a time, it unfolds the input again, adds Pᵀ·dy to the
// gradient of [Wᵀ; b] and folds dy·W back onto dx. The weight gradient is
// a sum over chunks in chunk order.
func (l *Conv2D) Backward(dy []float32, needInput bool) []float32 {
	if l.n == 0 { // no images: no gradient, and dwt may hold an old batch's
		clear(l.Weight.G)
		clear(l.Bias.G)
		if !needInput {
			return nil
		}
		return l.dx[:0]
	}
	if l.direct() {
		return l.backwardDirect(dy, needInput)
	}
	pix := l.H * l.W
	k, kp := l.k(), l.kp()
	impl := blas32.Implementation()
	gray := l.gray()
	var graySum [10 * gemm.Conv3Cols]float32
	if !gray {
		l.patches()
	}
	l.dwt = grow(l.dwt, kp*l.Out)
	if gray {
		clear(l.dwt) // as Sgemm's beta 0 on the first chunk
	}
	if needInput {
		l.startDx()
	}
	chunk := l.chunk()
	for from := 0; from < l.n; from += chunk {
		to := min(l.n, from+chunk)
		r := (to - from) * pix
		dyc := dy[from*pix*l.Out:]
		if gray {
			l.weightGradGray(dy, from, to, graySum[:])
		} else {
			l.im2col(l.x, from, to, l.cols)
			beta := float32(1)
			if from == 0 {
				beta = 0
			}
			impl.Sgemm(blas.Trans, blas.NoTrans, kp, l.Out, r,
				1, l.cols, kp, dyc, l.Out, beta, l.dwt, l.Out)
		}
		if needInput {
			l.dxChunk(dyc, from, to)
		}
	}
	for o := 0; o < l.Out; o++ {
		g := l.Weight.G[o*k : (o+1)*k]
		for p := range g {
			g[p] = l.dwt[p*l.Out+o]
		}
	}
	copy(l.Bias.G, l.dwt[k*l.Out:(k+1)*l.Out])
	if !needInput {
		return nil
	}
	return l.dx
}

// inputGrad implements inputGrader: Backward's dx alone, chunk by chunk
// as Backward makes it, without dW and db.
func (l *Conv2D) inputGrad(dy []float32) []float32 {
	if l.n == 0 {
		return l.dx[:0]
	}
	if l.direct() {
		return l.dxDirect(dy)
	}
	l.startDx()
	chunk, pix := l.chunk(), l.H*l.W
	for from := 0; from < l.n; from += chunk {
		l.dxChunk(dy[from*pix*l.Out:], from, min(l.n, from+chunk))
	}
	return l.dx
}

// startDx readies the unfolded path's dx: W as Out×kq rows (zero past
// the kernel) in wp, the patch-gradient buffer, and dx cleared.
func (l *Conv2D) startDx() {
	k, kq := l.k(), l.kq()
	l.wp = grow(l.wp, l.Out*kq)
	clear(l.wp)
	for o := 0; o < l.Out; o++ {
		copy(l.wp[o*kq:], l.Weight.W[o*k:(o+1)*k])
	}
	l.dcols = grow(l.dcols, l.chunk()*l.H*l.W*kq)
	l.dx = grow(l.dx, l.n*l.H*l.W*l.C)
	clear(l.dx)
}

// dxChunk folds the patch gradient dy·W of images [from, to), whose dy
// starts at dyc, back onto dx.
func (l *Conv2D) dxChunk(dyc []float32, from, to int) {
	kq, r := l.kq(), (to-from)*l.H*l.W
	blas32.Implementation().Sgemm(blas.NoTrans, blas.NoTrans, r, kq, l.Out,
		1, dyc, l.Out, l.wp, kq, 0, l.dcols, kq)
	l.col2im(l.dcols, l.dx, from, to)
}

// col2im adds each patch row of dcols, the rows of images [from, to), kq
// values apart, back onto the pixels of dx that it was copied from (the
// adjoint of im2col), in the order of im2col: image, output pixel, kernel
// row, kernel column, channel. As in im2col, a kernel row away from the
// borders is one run of Size·C values.
func (l *Conv2D) col2im(dcols, dx []float32, from, to int) {
	kq := l.kq()
	pad := l.Size / 2
	span := l.Size * l.C
	r := 0
	for img := from; img < to; img++ {
		base := img * l.H * l.W * l.C
		for oy := 0; oy < l.H; oy++ {
			for ox := 0; ox < l.W; ox++ {
				row := dcols[r*kq : (r+1)*kq]
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
						addTo(dx[off:off+span], src)
						continue
					}
					for kx := 0; kx < l.Size; kx++ {
						ix := ox + kx - pad
						if ix < 0 || ix >= l.W {
							continue
						}
						off := base + (iy*l.W+ix)*l.C
						addTo(dx[off:off+l.C], src[kx*l.C:(kx+1)*l.C])
					}
				}
			}
		}
	}
}

// level1 is gonum's blas.Float32, whose unit-stride Saxpy is vectorised
// assembly on amd64 (a plain loop elsewhere).
var level1 gonum.Implementation

// addTo sets dst[i] += src[i] for every i of dst; len(src) ≥ len(dst).
// Runs of 16 or more go through Saxpy with alpha 1, which adds 1·src, that
// is src, exactly.
func addTo(dst, src []float32) {
	src = src[:len(dst)]
	if len(dst) >= 16 {
		level1.Saxpy(len(dst), 1, src, 1, dst, 1)
		return
	}
	i := 0
	for ; i+8 <= len(dst); i += 8 {
		d := dst[i : i+8 : i+8]
		s := src[i : i+8 : i+8]
		d[0] += s[0]
		d[1] += s[1]
		d[2] += s[2]
		d[3] += s[3]
		d[4] += s[4]
		d[5] += s[5]
		d[6] += s[6]
		d[7] += s[7]
	}
	for ; i < len(dst); i++ {
		dst[i] += src[i]
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
	// The first maximum of each window in the order (0,0), (0,1), (1,0),
	// (1,1): each value replaces the best so far only if strictly greater,
	// as in a plain loop, but chosen without branches (random activations
	// would mispredict them). A comparison with a NaN is false, so a NaN
	// in the first place is never replaced and a later one never chosen.
	o := 0
	var arg []int32
	if train {
		arg = p.arg
	}
	for img := 0; img < n; img++ {
		base := img * p.H * p.W * p.C
		for oy := 0; oy < oh; oy++ {
			for ox := 0; ox < ow; ox++ {
				i00 := base + ((2*oy)*p.W+2*ox)*p.C
				i10 := i00 + p.W*p.C
				top := x[i00 : i00+2*p.C]
				bottom := x[i10 : i10+2*p.C]
				y := p.y[o : o+p.C]
				for c := range y {
					best, idx := top[c], i00+c
					best, idx = keepGreater(best, idx, top[p.C+c], i00+p.C+c)
					best, idx = keepGreater(best, idx, bottom[c], i10+c)
					best, idx = keepGreater(best, idx, bottom[p.C+c], i10+p.C+c)
					y[c] = best
					if arg != nil {
						arg[o+c] = int32(idx)
					}
				}
				o += p.C
			}
		}
	}
	return p.y
}

// keepGreater returns (v, i) if v > best, else (best, bi), without a
// branch: the comparison becomes a mask that selects the bits.
func keepGreater(best float32, bi int, v float32, i int) (float32, int) {
	t := b2i(v > best)
	mask := -uint32(t)
	bb, vb := math.Float32bits(best), math.Float32bits(v)
	return math.Float32frombits(bb ^ (mask & (bb ^ vb))), bi + t*(i-bi)
}

// b2i is 1 for true and 0 for false; the compiler makes it a SETcc, not a
// branch.
func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
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
