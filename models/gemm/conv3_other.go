//go:build !amd64 || purego

package gemm

// HasConv3 reports whether Conv3Forward and Conv3WeightGrad may be called:
// never without the amd64 assembly.
var HasConv3 = false

func conv3Fwd(n int, x *float32, wp int, w *float32, ldw int, y *float32, ldy int) {
	panic("gemm: no conv3 kernel")
}

func conv3DW(n int, x *float32, wp int, dy *float32, ldy int, acc *float32) {
	panic("gemm: no conv3 kernel")
}
