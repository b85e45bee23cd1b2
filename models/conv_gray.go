package models

import "github.com/study-harness/study/models/gemm"

// The one-channel 3×3 path. The first layer of a CNN on grayscale images
// has patches of nine values: im2col copies nine floats per output pixel
// and the products that follow have an inner dimension of ten, so most of
// the layer's time went to moving patches around. With AVX2 (gemm.HasConv3)
// such layers read the patches in place from the padded image instead
// (gemm.Conv3Forward, gemm.Conv3WeightGrad), reproducing Sgemm's sums on
// the patch matrix in the same order and with the same chunks and depth
// blocks, so that every output and gradient keeps its bits: the run ids of
// CNNs need not change, AVX2 and AVX-512 machines still agree, and turning
// the path off changes nothing. Layers whose output channels are not a
// multiple of gemm.Conv3Cols keep im2col. The input gradient, which the
// first layer does not need, is computed as before.

// useGray lets tests turn the path off, to compare it with im2col.
var useGray = true

// gray reports whether the layer takes the one-channel 3×3 path.
func (l *Conv2D) gray() bool {
	return useGray && gemm.HasConv3 && l.Size == 3 && l.C == 1 && l.Out%gemm.Conv3Cols == 0
}

// forwardGray is Forward on the one-channel 3×3 path: the batch is padded
// once (kept for Backward when training), then each output row of each
// image is Conv3Cols channels at a time.
func (l *Conv2D) forwardGray(x []float32, n int, train bool) []float32 {
	pix := l.H * l.W
	wp, ppix, _ := l.padded()
	l.y = grow(l.y, n*pix*l.Out)
	in := &l.xq
	if train {
		l.n = n
		l.x = x[:n*pix]
		in = &l.xp
	}
	*in = l.pad(*in, x[:n*pix], n, 1)
	xp := *in
	l.transposeWeights()
	for img := 0; img < n; img++ {
		for oy := 0; oy < l.H; oy++ {
			src := xp[img*ppix+oy*wp:]
			dst := l.y[(img*pix+oy*l.W)*l.Out:]
			for g := 0; g < l.Out; g += gemm.Conv3Cols {
				gemm.Conv3Forward(l.W, src, wp, l.wt[g:], l.Out, dst[g:], l.Out)
			}
		}
	}
	return l.y
}

// weightGradGray adds to dwt (Size·Size+1 rows of Out) the weight and bias
// gradient of images [from, to) of the last training batch, as the
// im2col path's Sgemm(Trans, NoTrans, kp, Out, r, …) adds it: over the
// chunk's r pixel rows in blocks of gemm.Depth(r), each block summed from
// zero, pixel after pixel, and then added. gray is the per-block sum of
// Conv3Cols channels, 10·Conv3Cols values.
func (l *Conv2D) weightGradGray(dy []float32, from, to int, gray []float32) {
	pix := l.H * l.W
	wp, ppix, _ := l.padded()
	r := (to - from) * pix
	kd := gemm.Depth(r)
	for pc := 0; pc < r; pc += kd {
		end := min(r, pc+kd)
		for g := 0; g < l.Out; g += gemm.Conv3Cols {
			clear(gray)
			for p := pc; p < end; { // a run of pixels within one output row
				img, q := from+p/pix, p%pix
				oy, ox := q/l.W, q%l.W
				seg := min(l.W-ox, end-p)
				gemm.Conv3WeightGrad(seg, l.xp[img*ppix+oy*wp+ox:], wp, dy[(img*pix+q)*l.Out+g:], l.Out, gray)
				p += seg
			}
			for t := 0; t < 10; t++ {
				row := l.dwt[t*l.Out+g : t*l.Out+g+gemm.Conv3Cols]
				for j, v := range gray[t*gemm.Conv3Cols : (t+1)*gemm.Conv3Cols] {
					row[j] += v
				}
			}
		}
	}
}
