//go:build amd64 && !purego

#include "textflag.h"

// Constants, each broadcast over eight float32 lanes.
#define VEC8(name, bits) \
	DATA name<>+0(SB)/4, $bits; DATA name<>+4(SB)/4, $bits; \
	DATA name<>+8(SB)/4, $bits; DATA name<>+12(SB)/4, $bits; \
	DATA name<>+16(SB)/4, $bits; DATA name<>+20(SB)/4, $bits; \
	DATA name<>+24(SB)/4, $bits; DATA name<>+28(SB)/4, $bits; \
	GLOBL name<>(SB), RODATA|NOPTR, $32

VEC8(half, 0x3f000000)   // 0.5
VEC8(mant, 0x007fffff)   // mantissa bits
VEC8(one, 0x3f800000)    // 1.0
VEC8(sqrt2, 0x3fb504f3)  // √2
VEC8(bias, 0x0000007f)   // exponent bias 127
VEC8(c3, 0x3eaaaaab)     // 1/3
VEC8(c5, 0x3e4ccccd)     // 1/5
VEC8(c7, 0x3e124925)     // 1/7
VEC8(c9, 0x3de38e39)     // 1/9
VEC8(k2log2e, 0x4038aa3b) // 2·log2(e)

// func mixXlog2xAVX2(a, b *float32, n int) float64
//
// Returns Σ_k m_k·log2(m_k), m_k = (a_k + b_k)/2, over n elements, n a
// positive multiple of 16, for m_k in [0, 1]. Each lane computes m = 2^e·f
// with f in [√½, √2), ln f = 2s(1 + s²/3 + s⁴/5 + s⁶/7 + s⁸/9),
// s = (f − 1)/(f + 1), in float32; m = 0 gives e = −127, f = 1 and so the
// product 0 with no special case. Two independent chains of eight lanes
// run per step; their products are added in float32, widened to float64
// and summed in two float64 accumulators, in a fixed order.
//
// CHAIN computes m·log2 m of eight lanes from the sum a + b in M, using
// E, F, X, Y, Z as temporaries; the result is left in E.
#define CHAIN(M, E, F, X, Y, Z) \
	VMULPS      Y9, M, M              \ // m
	VPSRLD      $23, M, E             \
	VPSUBD      bias<>(SB), E, E      \ // e
	VANDPS      mant<>(SB), M, F      \
	VORPS       Y11, F, F             \ // f in [1, 2)
	VCMPPS      $0x0e, sqrt2<>(SB), F, X \ // f > √2
	VPSUBD      X, E, E               \ // e += 1 there
	VMULPS      Y9, F, Y              \
	VBLENDVPS   X, Y, F, F            \ // f /= 2 there
	VSUBPS      Y11, F, Y             \ // f − 1
	VADDPS      Y11, F, Z             \ // f + 1
	VDIVPS      Z, Y, X               \ // s
	VMULPS      X, X, Y               \ // s²
	VMOVUPS     c9<>(SB), Z           \
	VFMADD213PS c7<>(SB), Y, Z        \
	VFMADD213PS c5<>(SB), Y, Z        \
	VFMADD213PS c3<>(SB), Y, Z        \
	VFMADD213PS Y11, Y, Z             \ // q = 1 + s²/3 + …
	VMULPS      k2log2e<>(SB), X, X   \ // 2·log2(e)·s
	VCVTDQ2PS   E, E                  \
	VFMADD231PS X, Z, E               \ // log2 m = e + q·2·log2(e)·s
	VMULPS      M, E, E                 // m·log2 m

TEXT ·mixXlog2xAVX2(SB), NOSPLIT, $0-32
	MOVQ    a+0(FP), SI
	MOVQ    b+8(FP), DI
	MOVQ    n+16(FP), CX
	VMOVUPS half<>(SB), Y9
	VMOVUPS one<>(SB), Y11
	VXORPD  Y14, Y14, Y14
	VXORPD  Y15, Y15, Y15

loop:
	VMOVUPS (SI), Y0
	VADDPS  (DI), Y0, Y0
	VMOVUPS 32(SI), Y6
	VADDPS  32(DI), Y6, Y6
	CHAIN(Y0, Y1, Y2, Y3, Y4, Y5)
	CHAIN(Y6, Y7, Y8, Y10, Y12, Y13)
	VADDPS       Y7, Y1, Y1
	VCVTPS2PD    X1, Y2
	VEXTRACTF128 $1, Y1, X3
	VCVTPS2PD    X3, Y3
	VADDPD       Y2, Y14, Y14
	VADDPD       Y3, Y15, Y15
	ADDQ         $64, SI
	ADDQ         $64, DI
	SUBQ         $16, CX
	JNZ          loop

	VADDPD       Y15, Y14, Y14
	VEXTRACTF128 $1, Y14, X15
	VADDPD       X15, X14, X14
	VHADDPD      X14, X14, X14
	VZEROUPPER
	MOVSD        X14, ret+24(FP)
	RET

// func mixXlog2xEachAVX2(a, b, out *float32, n int)
//
// Writes out[k] = m_k·log2(m_k), m_k = (a_k + b_k)/2, for n elements, n
// a positive multiple of 16, with the lanes of mixXlog2xAVX2.
TEXT ·mixXlog2xEachAVX2(SB), NOSPLIT, $0-32
	MOVQ    a+0(FP), SI
	MOVQ    b+8(FP), DI
	MOVQ    out+16(FP), DX
	MOVQ    n+24(FP), CX
	VMOVUPS half<>(SB), Y9
	VMOVUPS one<>(SB), Y11

each:
	VMOVUPS (SI), Y0
	VADDPS  (DI), Y0, Y0
	VMOVUPS 32(SI), Y6
	VADDPS  32(DI), Y6, Y6
	CHAIN(Y0, Y1, Y2, Y3, Y4, Y5)
	CHAIN(Y6, Y7, Y8, Y10, Y12, Y13)
	VMOVUPS Y1, (DX)
	VMOVUPS Y7, 32(DX)
	ADDQ    $64, SI
	ADDQ    $64, DI
	ADDQ    $64, DX
	SUBQ    $16, CX
	JNZ     each
	VZEROUPPER
	RET
