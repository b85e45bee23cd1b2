//go:build !amd64 || purego

package gemm

// HasSegmented reports whether Segmented runs an assembly kernel; here it
// is a plain Go loop.
const HasSegmented = false

func segmented(rows, cols, nseg, kseg int, a []float32, rsa, csa, sega int, b []float32, rsb, segb int, c []float32, ldc int, init []float32) {
	segmentedGo(rows, cols, nseg, kseg, a, rsa, csa, sega, b, rsb, segb, c, ldc, init)
}
