package models

import "github.com/study-harness/study/models/gemm"

// The direct path of Conv2D: where gemm.Segmented has assembly kernels
// (AVX-512, or AVX2 with the same bits) and the channel counts fit their
// tiles, a convolution is computed without im2col. The input is copied once into a zero-padded image (hp×wp pixels,
// channels-last), and the patch of output pixel (y, x) for kernel row ky is
// then Size·C consecutive values of it, starting at pixel (y+ky, x): a
// matrix whose rows, C values apart, overlap. gemm.Segmented multiplies
// such views in place, one segment per kernel row, so that
//
//	forward: 14 pixels × 32 output channels a call, Size segments of
//	         Size·C steps over the padded input against Wᵀ;
//	dW:      12 patch values × 32 output channels a call, one segment per
//	         output row of W steps over the padded input against dy;
//	dx:      the forward of the padded dy with the kernel flipped and its
//	         channels swapped (the adjoint of a stride-1 "same"
//	         convolution), 14 pixels × 32 or 16 input channels a call.
//
// Each tile is written once, starting from the bias (forward) or zero
// (dx), so the outputs need no clearing. A row of fewer than 14 pixels
// left at the end of an image row is computed into a scratch tile and
// copied; the values it reads past the
// row are in the padding or the slack after the last image and only reach
// the scratch rows that are dropped. Every sum runs in a fixed order, so
// results are deterministic; they differ from the im2col path's in
// rounding only.

// Tile sizes of gemm.Segmented.
const (
	directRows   = 14 // output pixels of a forward or dx tile
	directDW     = 12 // patch values of a dW tile
	directWide   = 32 // channels of a tile
	directNarrow = 16 // channels of the narrow dx tile
)

// direct reports whether the layer takes the direct path.
func (l *Conv2D) direct() bool {
	return gemm.HasSegmented && l.C%directNarrow == 0 && l.Out%directWide == 0 && (l.Size*l.C)%directDW == 0
}

// padded returns the padded image's width, its height times width, and
// the slack after the last image in pixels (see the note above).
func (l *Conv2D) padded() (wp, pixels, slack int) {
	pad := l.Size / 2
	wp = l.W + 2*pad
	return wp, (l.H + 2*pad) * wp, directRows + l.Size
}

// pad copies n channels-last h×w×c images from src into dst with a zero
// border of Size/2 pixels, and zeroes the slack after the last one.
func (l *Conv2D) pad(dst, src []float32, n, c int) []float32 {
	wp, pix, slack := l.padded()
	p := l.Size / 2
	dst = grow(dst, (n*pix+slack)*c)
	row := l.W * c
	for img := 0; img < n; img++ {
		d := dst[img*pix*c : (img+1)*pix*c]
		s := src[img*l.H*row : (img+1)*l.H*row]
		// The top border and the left border of the first row.
		clear(d[:(p*wp+p)*c])
		for y := 0; y < l.H; y++ {
			off := ((y+p)*wp + p) * c
			copy(d[off:off+row], s[y*row:(y+1)*row])
			// The right border of this row and the left one of the next.
			clear(d[off+row : off+row+2*p*c])
		}
		clear(d[((l.H+p)*wp+p)*c-p*c:])
	}
	clear(dst[n*pix*c:])
	return dst
}

// forwardDirect is Forward on the direct path. The padded input of a
// training Forward is kept for Backward; inference pads into another
// buffer, so that it may come between the two.
func (l *Conv2D) forwardDirect(x []float32, n int, train bool) []float32 {
	wp, pix, _ := l.padded()
	k := l.k()
	in := &l.xq
	if train {
		l.n = n
		in = &l.xp
	}
	*in = l.pad(*in, x, n, l.C)
	l.y = grow(l.y, n*l.H*l.W*l.Out)
	// Wᵀ, K×Out: row (ky·Size + kx)·C + c.
	l.wt = grow(l.wt, (k+1)*l.Out)
	for o := 0; o < l.Out; o++ {
		for p, v := range l.Weight.W[o*k : (o+1)*k] {
			l.wt[p*l.Out+o] = v
		}
	}
	l.tiles(*in, l.C, pix, wp, l.wt, l.Out, l.y, n, l.Bias.W)
	return l.y
}

// tiles sets out (n images, h×w×cols channels-last) to init (cols values,
// the bias) plus the convolution of the padded images in (cin channels,
// pix pixels each, wp wide) with the (Size·Size·cin)×cols matrix b: every
// output pixel, 14 pixels of a row and 32 (or a last 16) channels at a
// time.
func (l *Conv2D) tiles(in []float32, cin, pix, wp int, b []float32, cols int, out []float32, n int, init []float32) {
	kseg, segA, segB := l.Size*cin, wp*cin, l.Size*cin*cols
	var scratch [directRows * directWide]float32
	for img := 0; img < n; img++ {
		for y := 0; y < l.H; y++ {
			for x0 := 0; x0 < l.W; x0 += directRows {
				rows := min(directRows, l.W-x0)
				a := in[(img*pix+y*wp+x0)*cin:]
				c := out[((img*l.H+y)*l.W+x0)*cols:]
				for j := 0; j < cols; j += directWide {
					w := min(directWide, cols-j)
					if rows == directRows {
						gemm.Segmented(directRows, w, l.Size, kseg, a, cin, 1, segA, b[j:], cols, segB, c[j:], cols, init[j:j+w])
						continue
					}
					gemm.Segmented(directRows, w, l.Size, kseg, a, cin, 1, segA, b[j:], cols, segB, scratch[:], w, init[j:j+w])
					for i := 0; i < rows; i++ {
						copy(c[i*cols+j:i*cols+j+w], scratch[i*w:(i+1)*w])
					}
				}
			}
		}
	}
}

// backwardDirect is Backward on the direct path, for a batch of at least
// one image (Backward handles an empty one).
func (l *Conv2D) backwardDirect(dy []float32, needInput bool) []float32 {
	wp, pix, _ := l.padded()
	k, n := l.k(), l.n
	out := l.Out
	// dWᵀ, K×Out, and db: sums over images in order, each image's a sum
	// over its output rows. The first image's tiles replace what dwt held.
	l.dwt = grow(l.dwt, (k+directDW)*out)
	l.zeros = grow(l.zeros, max(out, l.C))
	clear(l.zeros)
	zeros := l.zeros
	for img := 0; img < n; img++ {
		dyi := dy[img*l.H*l.W*out:]
		for ky := 0; ky < l.Size; ky++ {
			a := l.xp[(img*pix+ky*wp)*l.C:]
			for t := 0; t < l.Size*l.C; t += directDW {
				for j := 0; j < out; j += directWide {
					var init []float32 // the first image's sums replace dwt
					if img == 0 {
						init = zeros[:directWide]
					}
					gemm.Segmented(directDW, directWide, l.H, l.W, a[t:], 1, l.C, wp*l.C, dyi[j:], out, l.W*out,
						l.dwt[(ky*l.Size*l.C+t)*out+j:], out, init)
				}
			}
		}
	}
	for o := 0; o < out; o++ {
		g := l.Weight.G[o*k : (o+1)*k]
		for p := range g {
			g[p] = l.dwt[p*out+o]
		}
	}
	// db: a 12-row tile whose rows all read A = 1 (strides 0), so that each
	// is Σ dy over every pixel of the batch, in pixel order; row 0 is db.
	ones := [1]float32{1}
	db := l.dwt[k*out : (k+directDW)*out]
	for j := 0; j < out; j += directWide {
		gemm.Segmented(directDW, directWide, 1, n*l.H*l.W, ones[:], 0, 0, 0, dy[j:], out, 0, db[j:], out, zeros[:directWide])
	}
	copy(l.Bias.G, db[:out])
	if !needInput {
		return nil
	}
	return l.dxDirect(dy)
}

// dxDirect is backwardDirect's dx: the padded dy against the flipped
// kernel, (Size·Size·Out)×C with row ((Size−1−ky)·Size + Size−1−kx)·Out
// + o holding W[o, ky, kx, :].
func (l *Conv2D) dxDirect(dy []float32) []float32 {
	wp, pix, _ := l.padded()
	k, n, out := l.k(), l.n, l.Out
	l.zeros = grow(l.zeros, max(out, l.C))
	clear(l.zeros)
	zeros := l.zeros
	l.dyp = l.pad(l.dyp, dy, n, out)
	l.wf = grow(l.wf, k*out)
	ss := l.Size * l.Size
	for o := 0; o < out; o++ {
		for q := 0; q < ss; q++ {
			copy(l.wf[((ss-1-q)*out+o)*l.C:((ss-1-q)*out+o+1)*l.C], l.Weight.W[o*k+q*l.C:o*k+(q+1)*l.C])
		}
	}
	l.dx = grow(l.dx, n*l.H*l.W*l.C)
	l.tiles(l.dyp, out, pix, wp, l.wf, l.C, l.dx, n, zeros[:l.C])
	return l.dx
}
