//go:build amd64 && !purego

package models

import "golang.org/x/sys/cpu"

// hasVec32 reports whether the AVX2 loops of fastmath_amd64.s may run.
var hasVec32 = cpu.X86.HasAVX2

// Implemented in fastmath_amd64.s, for n a multiple of 8.
//
//go:noescape
func expAVX2(dst, src *float32, n int)

//go:noescape
func sigmoidAVX2(dst, src *float32, n int)

//go:noescape
func tanhAVX2(dst, src *float32, n int)

//go:noescape
func geluAVX2(y, d, x *float32, n int)
