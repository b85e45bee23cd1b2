package gemm

import "fmt"

//go:generate sh -c "go run ./internal/gen > segmented_amd64.s"

// Segmented adds to the rows×cols tile of C at c[0] (rows ldc apart) the
// product of A and B taken in nseg segments of kseg steps:
//
//	c[i*ldc+j] += Σ_{s<nseg} Σ_{p<kseg} a[s*sega + i*rsa + p*csa] · b[s*segb + p*rsb + j]
//
// summed in the order of s then p, from zero, and then added to c, so the
// result is deterministic. With a non-nil init (cols values), the sums
// start from init[j] instead and replace the tile, which need not hold
// anything:
//
//	c[i*ldc+j] = init[j] + Σ_{s<nseg} Σ_{p<kseg} …
//
// (a bias, or zeros for a tile written once). The strides are in elements and may be
// anything, so that A can be an overlapping view: a "same" convolution
// over a zero-padded channels-last image reads the patch of row i of
// kernel row s as kseg = Size·C consecutive values (csa = 1) at pixel i
// (rsa = C) of image row s (sega = padded width·C), with no im2col copy
// (see models.Conv2D).
//
// The tile sizes are those of the register blocks of the AVX-512 kernels:
// rows×cols is 14×32, 14×16 or 12×32. It panics on any other size, on
// nseg or kseg below 1, and when an operand is too short. With AVX2 only,
// strips of at most 6×16 give the same bits. Without either (see
// HasSegmented) a Go loop computes the same sums, with products and sums
// rounded separately.
func Segmented(rows, cols, nseg, kseg int, a []float32, rsa, csa, sega int, b []float32, rsb, segb int, c []float32, ldc int, init []float32) {
	switch [2]int{rows, cols} {
	case [2]int{14, 32}, [2]int{14, 16}, [2]int{12, 32}:
	default:
		panic(fmt.Sprintf("gemm: no %d×%d segmented kernel", rows, cols))
	}
	if nseg < 1 || kseg < 1 || rsa < 0 || csa < 0 || sega < 0 || rsb < 0 || segb < 0 || ldc < cols {
		panic("gemm: bad segmented arguments")
	}
	if len(a) <= (nseg-1)*sega+(rows-1)*rsa+(kseg-1)*csa ||
		len(b) < (nseg-1)*segb+(kseg-1)*rsb+cols ||
		len(c) < (rows-1)*ldc+cols ||
		init != nil && len(init) < cols {
		panic("gemm: segmented operands too short")
	}
	segmented(rows, cols, nseg, kseg, a, rsa, csa, sega, b, rsb, segb, c, ldc, init)
}

// segmentedGo is Segmented in Go, for machines without AVX2 and for tests
// of the assembly.
func segmentedGo(rows, cols, nseg, kseg int, a []float32, rsa, csa, sega int, b []float32, rsb, segb int, c []float32, ldc int, init []float32) {
	var tile [14 * 32]float32
	if init != nil {
		for i := 0; i < rows; i++ {
			copy(tile[i*cols:(i+1)*cols], init[:cols])
		}
	}
	for s := 0; s < nseg; s++ {
		for p := 0; p < kseg; p++ {
			bp := b[s*segb+p*rsb : s*segb+p*rsb+cols]
			for i := 0; i < rows; i++ {
				av := a[s*sega+i*rsa+p*csa]
				t := tile[i*cols : i*cols+cols]
				for j, bv := range bp {
					t[j] += av * bv
				}
			}
		}
	}
	for i := 0; i < rows; i++ {
		row := c[i*ldc : i*ldc+cols]
		if init != nil {
			copy(row, tile[i*cols:i*cols+cols])
			continue
		}
		for j, v := range tile[i*cols : i*cols+cols] {
			row[j] += v
		}
	}
}
