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

// Constants of the AVX-512 kernels, broadcast from four bytes each.
DATA half4<>+0(SB)/4, $0x3f000000  // 0.5
GLOBL half4<>(SB), RODATA|NOPTR, $4
DATA one4<>+0(SB)/4, $0x3f800000   // 1.0
GLOBL one4<>(SB), RODATA|NOPTR, $4
DATA emin4<>+0(SB)/4, $0xc3160000  // −150
GLOBL emin4<>(SB), RODATA|NOPTR, $4
DATA c1_4<>+0(SB)/4, $0x4038aa3b  // k = 2·log2(e)
GLOBL c1_4<>(SB), RODATA|NOPTR, $4
DATA c3_4<>+0(SB)/4, $0x3f76384f  // k/3
GLOBL c3_4<>(SB), RODATA|NOPTR, $4
DATA c5_4<>+0(SB)/4, $0x3f13bb63  // k/5
GLOBL c5_4<>(SB), RODATA|NOPTR, $4
DATA c7_4<>+0(SB)/4, $0x3ed30bb1  // k/7
GLOBL c7_4<>(SB), RODATA|NOPTR, $4
DATA c9_4<>+0(SB)/4, $0x3ea4258a  // k/9
GLOBL c9_4<>(SB), RODATA|NOPTR, $4

// LOADK512 broadcasts the constants into Z16 … Z23.
#define LOADK512 \
	VBROADCASTSS half4<>(SB), Z16  \
	VBROADCASTSS one4<>(SB), Z17   \
	VBROADCASTSS emin4<>(SB), Z18  \
	VBROADCASTSS c3_4<>(SB), Z19   \
	VBROADCASTSS c5_4<>(SB), Z20   \
	VBROADCASTSS c7_4<>(SB), Z21   \
	VBROADCASTSS c9_4<>(SB), Z22   \
	VBROADCASTSS c1_4<>(SB), Z23

// CHAIN512 computes m·log2 m of sixteen lanes from the sum a + b in M,
// with E, F, D, R, S, Q temporaries and mask K; the result is left in E.
// m = 2^e·f with f in [¾, 3/2) from VGETEXPPS and VGETMANTPS (f < 1
// where the mantissa was at least 3/2: e += 1 there), so
// s = (f − 1)/(f + 1) lies in [−1/7, 1/5] and log2 f = s·q(s²),
// q = k(1 + s²/3 + s⁴/5 + s⁶/7 + s⁸/9), k = 2·log2(e), errs by less than
// 1e-8 (the coefficients k/j are rounded to float32). 1/(f + 1) is
// VRCP14PS refined by one Newton step (about 2⁻²⁸), cheaper than VDIVPS.
// m = 0 gives e = −∞, clamped to −150, and the product 0; subnormal m
// are exact.
#define CHAIN512(M, E, F, D, R, S, Q, K) \
	VMULPS       Z16, M, M           \ // m
	VGETMANTPS   $3, M, F            \ // f in [3/4, 3/2)
	VGETEXPPS    M, E                \ // e
	VCMPPS       $1, Z17, F, K       \ // f < 1
	VADDPS       Z17, E, K, E        \ // e += 1 there
	VMAXPS       Z18, E, E           \ // m = 0: e = −150
	VADDPS       Z17, F, D           \ // f + 1
	VSUBPS       Z17, F, F           \ // f − 1
	VRCP14PS     D, R                \ // r ≈ 1/(f + 1)
	VFNMADD213PS Z17, R, D           \ // 1 − (f + 1)·r
	VFMADD231PS  D, R, R             \ // r += r·(1 − (f + 1)·r)
	VMULPS       R, F, S             \ // s
	VMULPS       S, S, D             \ // s²
	VMOVAPS      Z22, Q              \
	VFMADD213PS  Z21, D, Q           \
	VFMADD213PS  Z20, D, Q           \
	VFMADD213PS  Z19, D, Q           \
	VFMADD213PS  Z23, D, Q           \ // q
	VFMADD231PS  Q, S, E             \ // log2 m = e + s·q
	VMULPS       M, E, E               // m·log2 m

// func mixXlog2xAVX512(a, b *float32, n int) float64
//
// mixXlog2xAVX2 with sixteen lanes (CHAIN512), n a positive multiple of
// 32: two chains per step, their products added in float32, widened to
// float64 and summed in two float64 accumulators, in a fixed order.
TEXT ·mixXlog2xAVX512(SB), NOSPLIT, $0-32
	MOVQ   a+0(FP), SI
	MOVQ   b+8(FP), DI
	MOVQ   n+16(FP), CX
	LOADK512
	VXORPD Z14, Z14, Z14
	VXORPD Z15, Z15, Z15

loop512:
	VMOVUPS (SI), Z0
	VADDPS  (DI), Z0, Z0
	VMOVUPS 64(SI), Z8
	VADDPS  64(DI), Z8, Z8
	CHAIN512(Z0, Z1, Z2, Z3, Z4, Z5, Z6, K1)
	CHAIN512(Z8, Z9, Z10, Z11, Z12, Z13, Z7, K2)
	VADDPS         Z9, Z1, Z1
	VCVTPS2PD      Y1, Z2
	VEXTRACTF64X4  $1, Z1, Y3
	VCVTPS2PD      Y3, Z3
	VADDPD         Z2, Z14, Z14
	VADDPD         Z3, Z15, Z15
	ADDQ           $128, SI
	ADDQ           $128, DI
	SUBQ           $32, CX
	JNZ            loop512

	VADDPD        Z15, Z14, Z14
	VEXTRACTF64X4 $1, Z14, Y15
	VADDPD        Y15, Y14, Y14
	VEXTRACTF128  $1, Y14, X15
	VADDPD        X15, X14, X14
	VHADDPD       X14, X14, X14
	VZEROUPPER
	MOVSD         X14, ret+24(FP)
	RET

// func mixXlog2xEachAVX512(a, b, out *float32, n int)
//
// mixXlog2xEachAVX2 with the lanes of mixXlog2xAVX512, n a positive
// multiple of 32.
TEXT ·mixXlog2xEachAVX512(SB), NOSPLIT, $0-32
	MOVQ    a+0(FP), SI
	MOVQ    b+8(FP), DI
	MOVQ    out+16(FP), DX
	MOVQ    n+24(FP), CX
	LOADK512

each512:
	VMOVUPS (SI), Z0
	VADDPS  (DI), Z0, Z0
	VMOVUPS 64(SI), Z8
	VADDPS  64(DI), Z8, Z8
	CHAIN512(Z0, Z1, Z2, Z3, Z4, Z5, Z6, K1)
	CHAIN512(Z8, Z9, Z10, Z11, Z12, Z13, Z7, K2)
	VMOVUPS Z1, (DX)
	VMOVUPS Z9, 64(DX)
	ADDQ    $128, SI
	ADDQ    $128, DI
	ADDQ    $128, DX
	SUBQ    $32, CX
	JNZ     each512
	VZEROUPPER
	RET
