//go:build amd64 && !purego

package gemm

// HasConv3 reports whether Conv3Forward and Conv3WeightGrad may be called:
// with AVX2 and FMA.
var HasConv3 = useAVX2

// conv3Fwd and conv3DW are implemented in conv3_amd64.s.
//
//go:noescape
func conv3Fwd(n int, x *float32, wp int, w *float32, ldw int, y *float32, ldy int)

//go:noescape
func conv3DW(n int, x *float32, wp int, dy *float32, ldy int, acc *float32)
