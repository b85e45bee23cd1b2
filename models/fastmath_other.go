//go:build !amd64 || purego

package models

// hasVec32 reports whether vector loops may run: never without the amd64
// assembly.
var hasVec32 = false

func expAVX2(dst, src *float32, n int)     { panic("models: no vector exp") }
func sigmoidAVX2(dst, src *float32, n int) { panic("models: no vector sigmoid") }
func tanhAVX2(dst, src *float32, n int)    { panic("models: no vector tanh") }
func geluAVX2(y, d, x *float32, n int)     { panic("models: no vector gelu") }
