//go:build amd64 && !purego

#include "textflag.h"

// AVX2 versions of exp32, sigmoid32, tanh32 and the gelu loop of
// fastmath.go, eight lanes at a time, with the same operations in the same
// order (products and sums rounded separately, no fused multiply-add), so
// that every lane gives the bits of the Go function. n is a multiple of 8.
// Each constant is eight copies, for use as a memory operand.

// EXP sets Y7 to exp32 of Y0 (kept), with Y1-Y6 as scratch.
#define EXP \
	VMAXPS fm_expMin<>(SB), Y0, Y1; \
	VMINPS fm_expMax<>(SB), Y1, Y1; \
	VMULPS fm_log2e<>(SB), Y1, Y2; \
	VADDPS fm_magic<>(SB), Y2, Y2; \
	VSUBPS fm_magic<>(SB), Y2, Y2; \
	VMULPS fm_ln2hi<>(SB), Y2, Y3; \
	VSUBPS Y3, Y1, Y3; \
	VMULPS fm_ln2lo<>(SB), Y2, Y4; \
	VSUBPS Y4, Y3, Y3; \
	VMULPS fm_p5<>(SB), Y3, Y4; \
	VADDPS fm_p4<>(SB), Y4, Y4; \
	VMULPS Y3, Y4, Y4; \
	VADDPS fm_p3<>(SB), Y4, Y4; \
	VMULPS Y3, Y4, Y4; \
	VADDPS fm_p2<>(SB), Y4, Y4; \
	VMULPS Y3, Y4, Y4; \
	VADDPS fm_p1<>(SB), Y4, Y4; \
	VMULPS Y3, Y4, Y4; \
	VADDPS fm_p0<>(SB), Y4, Y4; \
	VMULPS Y3, Y4, Y4; \
	VMULPS Y3, Y4, Y4; \
	VADDPS Y3, Y4, Y4; \
	VADDPS fm_one<>(SB), Y4, Y4; \
	VCVTTPS2DQ Y2, Y5; \
	VPSRAD $1, Y5, Y6; \
	VPSUBD Y6, Y5, Y5; \
	VPADDD fm_i127<>(SB), Y6, Y6; \
	VPADDD fm_i127<>(SB), Y5, Y5; \
	VPSLLD $23, Y6, Y6; \
	VPSLLD $23, Y5, Y5; \
	VMULPS Y6, Y4, Y4; \
	VMULPS Y5, Y4, Y7; \
	VCMPPS $0x1E, fm_expMax<>(SB), Y0, Y1; \
	VBLENDVPS Y1, fm_inf<>(SB), Y7, Y7; \
	VCMPPS $0x1D, fm_expMin<>(SB), Y0, Y1; \
	VANDPS Y1, Y7, Y7; \
	VCMPPS $0x03, Y0, Y0, Y1; \
	VBLENDVPS Y1, Y0, Y7, Y7

// func expAVX2(dst, src *float32, n int)
TEXT ·expAVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	SHRQ $3, CX
	JZ   expdone
exploop:
	VMOVUPS (SI), Y0
	EXP
	VMOVUPS Y7, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	DECQ CX
	JNZ  exploop
expdone:
	VZEROUPPER
	RET

// func sigmoidAVX2(dst, src *float32, n int): 1/(1 + exp32(−x)).
TEXT ·sigmoidAVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	SHRQ $3, CX
	JZ   sigdone
sigloop:
	VMOVUPS (SI), Y0
	VXORPS fm_sign<>(SB), Y0, Y0
	EXP
	VADDPS fm_one<>(SB), Y7, Y7
	VMOVUPS fm_one<>(SB), Y1
	VDIVPS Y7, Y1, Y7
	VMOVUPS Y7, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	DECQ CX
	JNZ  sigloop
sigdone:
	VZEROUPPER
	RET

// func tanhAVX2(dst, src *float32, n int): both branches of tanh32, the
// lanes with |x| ≥ 0.625 taking 1 − 2/(exp32(2|x|) + 1) with x's sign.
TEXT ·tanhAVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	SHRQ $3, CX
	JZ   tanhdone
tanhloop:
	VMOVUPS (SI), Y8
	VANDPS fm_abs<>(SB), Y8, Y9
	VADDPS Y9, Y9, Y0
	EXP
	VADDPS fm_one<>(SB), Y7, Y7
	VMOVUPS fm_two<>(SB), Y1
	VDIVPS Y7, Y1, Y7
	VMOVUPS fm_one<>(SB), Y1
	VSUBPS Y7, Y1, Y7
	VANDPS fm_sign<>(SB), Y8, Y1
	VXORPS Y1, Y7, Y7
	VMULPS Y8, Y8, Y10
	VMULPS fm_t4<>(SB), Y10, Y11
	VADDPS fm_t3<>(SB), Y11, Y11
	VMULPS Y10, Y11, Y11
	VADDPS fm_t2<>(SB), Y11, Y11
	VMULPS Y10, Y11, Y11
	VADDPS fm_t1<>(SB), Y11, Y11
	VMULPS Y10, Y11, Y11
	VADDPS fm_t0<>(SB), Y11, Y11
	VMULPS Y10, Y11, Y11
	VMULPS Y8, Y11, Y11
	VADDPS Y8, Y11, Y11
	VCMPPS $0x1D, fm_tanhLim<>(SB), Y9, Y1
	VBLENDVPS Y1, Y7, Y11, Y11
	VMOVUPS Y11, (DI)
	ADDQ $32, SI
	ADDQ $32, DI
	DECQ CX
	JNZ  tanhloop
tanhdone:
	VZEROUPPER
	RET

// func geluAVX2(y, d, x *float32, n int): y = x·Φ(x) and d = Φ(x) + x·φ(x)
// from normTail32.
TEXT ·geluAVX2(SB), NOSPLIT, $0-32
	MOVQ y+0(FP), DI
	MOVQ d+8(FP), DX
	MOVQ x+16(FP), SI
	MOVQ n+24(FP), CX
	SHRQ $3, CX
	JZ   geludone
geluloop:
	VMOVUPS (SI), Y8
	VMULPS fm_isqrt2<>(SB), Y8, Y9
	VANDPS fm_abs<>(SB), Y9, Y9
	VMULPS Y8, Y8, Y0
	VMULPS fm_mhalf<>(SB), Y0, Y0
	EXP
	VMULPS fm_erfcP<>(SB), Y9, Y9
	VADDPS fm_one<>(SB), Y9, Y9
	VMOVUPS fm_one<>(SB), Y10
	VDIVPS Y9, Y10, Y10
	VMULPS fm_a5<>(SB), Y10, Y11
	VADDPS fm_a4<>(SB), Y11, Y11
	VMULPS Y10, Y11, Y11
	VADDPS fm_a3<>(SB), Y11, Y11
	VMULPS Y10, Y11, Y11
	VADDPS fm_a2<>(SB), Y11, Y11
	VMULPS Y10, Y11, Y11
	VADDPS fm_a1<>(SB), Y11, Y11
	VMULPS Y10, Y11, Y11
	VMULPS fm_half<>(SB), Y11, Y11
	VMULPS Y7, Y11, Y11
	VMULPS fm_isqrt2pi<>(SB), Y7, Y12
	VMOVUPS fm_one<>(SB), Y13
	VSUBPS Y11, Y13, Y13
	VXORPS Y14, Y14, Y14
	VCMPPS $0x11, Y14, Y8, Y1
	VBLENDVPS Y1, Y11, Y13, Y13
	VMULPS Y13, Y8, Y14
	VMOVUPS Y14, (DI)
	VMULPS Y12, Y8, Y14
	VADDPS Y14, Y13, Y14
	VMOVUPS Y14, (DX)
	ADDQ $32, SI
	ADDQ $32, DI
	ADDQ $32, DX
	DECQ CX
	JNZ  geluloop
geludone:
	VZEROUPPER
	RET

DATA fm_expMin<>+0(SB)/4, $0xc2aeac4f
DATA fm_expMin<>+4(SB)/4, $0xc2aeac4f
DATA fm_expMin<>+8(SB)/4, $0xc2aeac4f
DATA fm_expMin<>+12(SB)/4, $0xc2aeac4f
DATA fm_expMin<>+16(SB)/4, $0xc2aeac4f
DATA fm_expMin<>+20(SB)/4, $0xc2aeac4f
DATA fm_expMin<>+24(SB)/4, $0xc2aeac4f
DATA fm_expMin<>+28(SB)/4, $0xc2aeac4f
GLOBL fm_expMin<>(SB), RODATA|NOPTR, $32

DATA fm_expMax<>+0(SB)/4, $0x42b17217
DATA fm_expMax<>+4(SB)/4, $0x42b17217
DATA fm_expMax<>+8(SB)/4, $0x42b17217
DATA fm_expMax<>+12(SB)/4, $0x42b17217
DATA fm_expMax<>+16(SB)/4, $0x42b17217
DATA fm_expMax<>+20(SB)/4, $0x42b17217
DATA fm_expMax<>+24(SB)/4, $0x42b17217
DATA fm_expMax<>+28(SB)/4, $0x42b17217
GLOBL fm_expMax<>(SB), RODATA|NOPTR, $32

DATA fm_log2e<>+0(SB)/4, $0x3fb8aa3b
DATA fm_log2e<>+4(SB)/4, $0x3fb8aa3b
DATA fm_log2e<>+8(SB)/4, $0x3fb8aa3b
DATA fm_log2e<>+12(SB)/4, $0x3fb8aa3b
DATA fm_log2e<>+16(SB)/4, $0x3fb8aa3b
DATA fm_log2e<>+20(SB)/4, $0x3fb8aa3b
DATA fm_log2e<>+24(SB)/4, $0x3fb8aa3b
DATA fm_log2e<>+28(SB)/4, $0x3fb8aa3b
GLOBL fm_log2e<>(SB), RODATA|NOPTR, $32

DATA fm_magic<>+0(SB)/4, $0x4b400000
DATA fm_magic<>+4(SB)/4, $0x4b400000
DATA fm_magic<>+8(SB)/4, $0x4b400000
DATA fm_magic<>+12(SB)/4, $0x4b400000
DATA fm_magic<>+16(SB)/4, $0x4b400000
DATA fm_magic<>+20(SB)/4, $0x4b400000
DATA fm_magic<>+24(SB)/4, $0x4b400000
DATA fm_magic<>+28(SB)/4, $0x4b400000
GLOBL fm_magic<>(SB), RODATA|NOPTR, $32

DATA fm_ln2hi<>+0(SB)/4, $0x3f318000
DATA fm_ln2hi<>+4(SB)/4, $0x3f318000
DATA fm_ln2hi<>+8(SB)/4, $0x3f318000
DATA fm_ln2hi<>+12(SB)/4, $0x3f318000
DATA fm_ln2hi<>+16(SB)/4, $0x3f318000
DATA fm_ln2hi<>+20(SB)/4, $0x3f318000
DATA fm_ln2hi<>+24(SB)/4, $0x3f318000
DATA fm_ln2hi<>+28(SB)/4, $0x3f318000
GLOBL fm_ln2hi<>(SB), RODATA|NOPTR, $32

DATA fm_ln2lo<>+0(SB)/4, $0xb95e8083
DATA fm_ln2lo<>+4(SB)/4, $0xb95e8083
DATA fm_ln2lo<>+8(SB)/4, $0xb95e8083
DATA fm_ln2lo<>+12(SB)/4, $0xb95e8083
DATA fm_ln2lo<>+16(SB)/4, $0xb95e8083
DATA fm_ln2lo<>+20(SB)/4, $0xb95e8083
DATA fm_ln2lo<>+24(SB)/4, $0xb95e8083
DATA fm_ln2lo<>+28(SB)/4, $0xb95e8083
GLOBL fm_ln2lo<>(SB), RODATA|NOPTR, $32

DATA fm_p5<>+0(SB)/4, $0x39506967
DATA fm_p5<>+4(SB)/4, $0x39506967
DATA fm_p5<>+8(SB)/4, $0x39506967
DATA fm_p5<>+12(SB)/4, $0x39506967
DATA fm_p5<>+16(SB)/4, $0x39506967
DATA fm_p5<>+20(SB)/4, $0x39506967
DATA fm_p5<>+24(SB)/4, $0x39506967
DATA fm_p5<>+28(SB)/4, $0x39506967
GLOBL fm_p5<>(SB), RODATA|NOPTR, $32

DATA fm_p4<>+0(SB)/4, $0x3ab743ce
DATA fm_p4<>+4(SB)/4, $0x3ab743ce
DATA fm_p4<>+8(SB)/4, $0x3ab743ce
DATA fm_p4<>+12(SB)/4, $0x3ab743ce
DATA fm_p4<>+16(SB)/4, $0x3ab743ce
DATA fm_p4<>+20(SB)/4, $0x3ab743ce
DATA fm_p4<>+24(SB)/4, $0x3ab743ce
DATA fm_p4<>+28(SB)/4, $0x3ab743ce
GLOBL fm_p4<>(SB), RODATA|NOPTR, $32

DATA fm_p3<>+0(SB)/4, $0x3c088908
DATA fm_p3<>+4(SB)/4, $0x3c088908
DATA fm_p3<>+8(SB)/4, $0x3c088908
DATA fm_p3<>+12(SB)/4, $0x3c088908
DATA fm_p3<>+16(SB)/4, $0x3c088908
DATA fm_p3<>+20(SB)/4, $0x3c088908
DATA fm_p3<>+24(SB)/4, $0x3c088908
DATA fm_p3<>+28(SB)/4, $0x3c088908
GLOBL fm_p3<>(SB), RODATA|NOPTR, $32

DATA fm_p2<>+0(SB)/4, $0x3d2aa9c1
DATA fm_p2<>+4(SB)/4, $0x3d2aa9c1
DATA fm_p2<>+8(SB)/4, $0x3d2aa9c1
DATA fm_p2<>+12(SB)/4, $0x3d2aa9c1
DATA fm_p2<>+16(SB)/4, $0x3d2aa9c1
DATA fm_p2<>+20(SB)/4, $0x3d2aa9c1
DATA fm_p2<>+24(SB)/4, $0x3d2aa9c1
DATA fm_p2<>+28(SB)/4, $0x3d2aa9c1
GLOBL fm_p2<>(SB), RODATA|NOPTR, $32

DATA fm_p1<>+0(SB)/4, $0x3e2aaaaa
DATA fm_p1<>+4(SB)/4, $0x3e2aaaaa
DATA fm_p1<>+8(SB)/4, $0x3e2aaaaa
DATA fm_p1<>+12(SB)/4, $0x3e2aaaaa
DATA fm_p1<>+16(SB)/4, $0x3e2aaaaa
DATA fm_p1<>+20(SB)/4, $0x3e2aaaaa
DATA fm_p1<>+24(SB)/4, $0x3e2aaaaa
DATA fm_p1<>+28(SB)/4, $0x3e2aaaaa
GLOBL fm_p1<>(SB), RODATA|NOPTR, $32

DATA fm_p0<>+0(SB)/4, $0x3f000000
DATA fm_p0<>+4(SB)/4, $0x3f000000
DATA fm_p0<>+8(SB)/4, $0x3f000000
DATA fm_p0<>+12(SB)/4, $0x3f000000
DATA fm_p0<>+16(SB)/4, $0x3f000000
DATA fm_p0<>+20(SB)/4, $0x3f000000
DATA fm_p0<>+24(SB)/4, $0x3f000000
DATA fm_p0<>+28(SB)/4, $0x3f000000
GLOBL fm_p0<>(SB), RODATA|NOPTR, $32

DATA fm_one<>+0(SB)/4, $0x3f800000
DATA fm_one<>+4(SB)/4, $0x3f800000
DATA fm_one<>+8(SB)/4, $0x3f800000
DATA fm_one<>+12(SB)/4, $0x3f800000
DATA fm_one<>+16(SB)/4, $0x3f800000
DATA fm_one<>+20(SB)/4, $0x3f800000
DATA fm_one<>+24(SB)/4, $0x3f800000
DATA fm_one<>+28(SB)/4, $0x3f800000
GLOBL fm_one<>(SB), RODATA|NOPTR, $32

DATA fm_two<>+0(SB)/4, $0x40000000
DATA fm_two<>+4(SB)/4, $0x40000000
DATA fm_two<>+8(SB)/4, $0x40000000
DATA fm_two<>+12(SB)/4, $0x40000000
DATA fm_two<>+16(SB)/4, $0x40000000
DATA fm_two<>+20(SB)/4, $0x40000000
DATA fm_two<>+24(SB)/4, $0x40000000
DATA fm_two<>+28(SB)/4, $0x40000000
GLOBL fm_two<>(SB), RODATA|NOPTR, $32

DATA fm_half<>+0(SB)/4, $0x3f000000
DATA fm_half<>+4(SB)/4, $0x3f000000
DATA fm_half<>+8(SB)/4, $0x3f000000
DATA fm_half<>+12(SB)/4, $0x3f000000
DATA fm_half<>+16(SB)/4, $0x3f000000
DATA fm_half<>+20(SB)/4, $0x3f000000
DATA fm_half<>+24(SB)/4, $0x3f000000
DATA fm_half<>+28(SB)/4, $0x3f000000
GLOBL fm_half<>(SB), RODATA|NOPTR, $32

DATA fm_mhalf<>+0(SB)/4, $0xbf000000
DATA fm_mhalf<>+4(SB)/4, $0xbf000000
DATA fm_mhalf<>+8(SB)/4, $0xbf000000
DATA fm_mhalf<>+12(SB)/4, $0xbf000000
DATA fm_mhalf<>+16(SB)/4, $0xbf000000
DATA fm_mhalf<>+20(SB)/4, $0xbf000000
DATA fm_mhalf<>+24(SB)/4, $0xbf000000
DATA fm_mhalf<>+28(SB)/4, $0xbf000000
GLOBL fm_mhalf<>(SB), RODATA|NOPTR, $32

DATA fm_tanhLim<>+0(SB)/4, $0x3f200000
DATA fm_tanhLim<>+4(SB)/4, $0x3f200000
DATA fm_tanhLim<>+8(SB)/4, $0x3f200000
DATA fm_tanhLim<>+12(SB)/4, $0x3f200000
DATA fm_tanhLim<>+16(SB)/4, $0x3f200000
DATA fm_tanhLim<>+20(SB)/4, $0x3f200000
DATA fm_tanhLim<>+24(SB)/4, $0x3f200000
DATA fm_tanhLim<>+28(SB)/4, $0x3f200000
GLOBL fm_tanhLim<>(SB), RODATA|NOPTR, $32

DATA fm_t4<>+0(SB)/4, $0xbbbaf0ea
DATA fm_t4<>+4(SB)/4, $0xbbbaf0ea
DATA fm_t4<>+8(SB)/4, $0xbbbaf0ea
DATA fm_t4<>+12(SB)/4, $0xbbbaf0ea
DATA fm_t4<>+16(SB)/4, $0xbbbaf0ea
DATA fm_t4<>+20(SB)/4, $0xbbbaf0ea
DATA fm_t4<>+24(SB)/4, $0xbbbaf0ea
DATA fm_t4<>+28(SB)/4, $0xbbbaf0ea
GLOBL fm_t4<>(SB), RODATA|NOPTR, $32

DATA fm_t3<>+0(SB)/4, $0x3ca9134e
DATA fm_t3<>+4(SB)/4, $0x3ca9134e
DATA fm_t3<>+8(SB)/4, $0x3ca9134e
DATA fm_t3<>+12(SB)/4, $0x3ca9134e
DATA fm_t3<>+16(SB)/4, $0x3ca9134e
DATA fm_t3<>+20(SB)/4, $0x3ca9134e
DATA fm_t3<>+24(SB)/4, $0x3ca9134e
DATA fm_t3<>+28(SB)/4, $0x3ca9134e
GLOBL fm_t3<>(SB), RODATA|NOPTR, $32

DATA fm_t2<>+0(SB)/4, $0xbd5c1e2d
DATA fm_t2<>+4(SB)/4, $0xbd5c1e2d
DATA fm_t2<>+8(SB)/4, $0xbd5c1e2d
DATA fm_t2<>+12(SB)/4, $0xbd5c1e2d
DATA fm_t2<>+16(SB)/4, $0xbd5c1e2d
DATA fm_t2<>+20(SB)/4, $0xbd5c1e2d
DATA fm_t2<>+24(SB)/4, $0xbd5c1e2d
DATA fm_t2<>+28(SB)/4, $0xbd5c1e2d
GLOBL fm_t2<>(SB), RODATA|NOPTR, $32

DATA fm_t1<>+0(SB)/4, $0x3e088393
DATA fm_t1<>+4(SB)/4, $0x3e088393
DATA fm_t1<>+8(SB)/4, $0x3e088393
DATA fm_t1<>+12(SB)/4, $0x3e088393
DATA fm_t1<>+16(SB)/4, $0x3e088393
DATA fm_t1<>+20(SB)/4, $0x3e088393
DATA fm_t1<>+24(SB)/4, $0x3e088393
DATA fm_t1<>+28(SB)/4, $0x3e088393
GLOBL fm_t1<>(SB), RODATA|NOPTR, $32

DATA fm_t0<>+0(SB)/4, $0xbeaaaa99
DATA fm_t0<>+4(SB)/4, $0xbeaaaa99
DATA fm_t0<>+8(SB)/4, $0xbeaaaa99
DATA fm_t0<>+12(SB)/4, $0xbeaaaa99
DATA fm_t0<>+16(SB)/4, $0xbeaaaa99
DATA fm_t0<>+20(SB)/4, $0xbeaaaa99
DATA fm_t0<>+24(SB)/4, $0xbeaaaa99
DATA fm_t0<>+28(SB)/4, $0xbeaaaa99
GLOBL fm_t0<>(SB), RODATA|NOPTR, $32

DATA fm_isqrt2<>+0(SB)/4, $0x3f3504f3
DATA fm_isqrt2<>+4(SB)/4, $0x3f3504f3
DATA fm_isqrt2<>+8(SB)/4, $0x3f3504f3
DATA fm_isqrt2<>+12(SB)/4, $0x3f3504f3
DATA fm_isqrt2<>+16(SB)/4, $0x3f3504f3
DATA fm_isqrt2<>+20(SB)/4, $0x3f3504f3
DATA fm_isqrt2<>+24(SB)/4, $0x3f3504f3
DATA fm_isqrt2<>+28(SB)/4, $0x3f3504f3
GLOBL fm_isqrt2<>(SB), RODATA|NOPTR, $32

DATA fm_isqrt2pi<>+0(SB)/4, $0x3ecc422a
DATA fm_isqrt2pi<>+4(SB)/4, $0x3ecc422a
DATA fm_isqrt2pi<>+8(SB)/4, $0x3ecc422a
DATA fm_isqrt2pi<>+12(SB)/4, $0x3ecc422a
DATA fm_isqrt2pi<>+16(SB)/4, $0x3ecc422a
DATA fm_isqrt2pi<>+20(SB)/4, $0x3ecc422a
DATA fm_isqrt2pi<>+24(SB)/4, $0x3ecc422a
DATA fm_isqrt2pi<>+28(SB)/4, $0x3ecc422a
GLOBL fm_isqrt2pi<>(SB), RODATA|NOPTR, $32

DATA fm_erfcP<>+0(SB)/4, $0x3ea7ba05
DATA fm_erfcP<>+4(SB)/4, $0x3ea7ba05
DATA fm_erfcP<>+8(SB)/4, $0x3ea7ba05
DATA fm_erfcP<>+12(SB)/4, $0x3ea7ba05
DATA fm_erfcP<>+16(SB)/4, $0x3ea7ba05
DATA fm_erfcP<>+20(SB)/4, $0x3ea7ba05
DATA fm_erfcP<>+24(SB)/4, $0x3ea7ba05
DATA fm_erfcP<>+28(SB)/4, $0x3ea7ba05
GLOBL fm_erfcP<>(SB), RODATA|NOPTR, $32

DATA fm_a1<>+0(SB)/4, $0x3e827906
DATA fm_a1<>+4(SB)/4, $0x3e827906
DATA fm_a1<>+8(SB)/4, $0x3e827906
DATA fm_a1<>+12(SB)/4, $0x3e827906
DATA fm_a1<>+16(SB)/4, $0x3e827906
DATA fm_a1<>+20(SB)/4, $0x3e827906
DATA fm_a1<>+24(SB)/4, $0x3e827906
DATA fm_a1<>+28(SB)/4, $0x3e827906
GLOBL fm_a1<>(SB), RODATA|NOPTR, $32

DATA fm_a2<>+0(SB)/4, $0xbe91a98e
DATA fm_a2<>+4(SB)/4, $0xbe91a98e
DATA fm_a2<>+8(SB)/4, $0xbe91a98e
DATA fm_a2<>+12(SB)/4, $0xbe91a98e
DATA fm_a2<>+16(SB)/4, $0xbe91a98e
DATA fm_a2<>+20(SB)/4, $0xbe91a98e
DATA fm_a2<>+24(SB)/4, $0xbe91a98e
DATA fm_a2<>+28(SB)/4, $0xbe91a98e
GLOBL fm_a2<>(SB), RODATA|NOPTR, $32

DATA fm_a3<>+0(SB)/4, $0x3fb5f0e3
DATA fm_a3<>+4(SB)/4, $0x3fb5f0e3
DATA fm_a3<>+8(SB)/4, $0x3fb5f0e3
DATA fm_a3<>+12(SB)/4, $0x3fb5f0e3
DATA fm_a3<>+16(SB)/4, $0x3fb5f0e3
DATA fm_a3<>+20(SB)/4, $0x3fb5f0e3
DATA fm_a3<>+24(SB)/4, $0x3fb5f0e3
DATA fm_a3<>+28(SB)/4, $0x3fb5f0e3
GLOBL fm_a3<>(SB), RODATA|NOPTR, $32

DATA fm_a4<>+0(SB)/4, $0xbfba00e3
DATA fm_a4<>+4(SB)/4, $0xbfba00e3
DATA fm_a4<>+8(SB)/4, $0xbfba00e3
DATA fm_a4<>+12(SB)/4, $0xbfba00e3
DATA fm_a4<>+16(SB)/4, $0xbfba00e3
DATA fm_a4<>+20(SB)/4, $0xbfba00e3
DATA fm_a4<>+24(SB)/4, $0xbfba00e3
DATA fm_a4<>+28(SB)/4, $0xbfba00e3
GLOBL fm_a4<>(SB), RODATA|NOPTR, $32

DATA fm_a5<>+0(SB)/4, $0x3f87dc22
DATA fm_a5<>+4(SB)/4, $0x3f87dc22
DATA fm_a5<>+8(SB)/4, $0x3f87dc22
DATA fm_a5<>+12(SB)/4, $0x3f87dc22
DATA fm_a5<>+16(SB)/4, $0x3f87dc22
DATA fm_a5<>+20(SB)/4, $0x3f87dc22
DATA fm_a5<>+24(SB)/4, $0x3f87dc22
DATA fm_a5<>+28(SB)/4, $0x3f87dc22
GLOBL fm_a5<>(SB), RODATA|NOPTR, $32

DATA fm_inf<>+0(SB)/4, $0x7f800000
DATA fm_inf<>+4(SB)/4, $0x7f800000
DATA fm_inf<>+8(SB)/4, $0x7f800000
DATA fm_inf<>+12(SB)/4, $0x7f800000
DATA fm_inf<>+16(SB)/4, $0x7f800000
DATA fm_inf<>+20(SB)/4, $0x7f800000
DATA fm_inf<>+24(SB)/4, $0x7f800000
DATA fm_inf<>+28(SB)/4, $0x7f800000
GLOBL fm_inf<>(SB), RODATA|NOPTR, $32

DATA fm_abs<>+0(SB)/4, $0x7fffffff
DATA fm_abs<>+4(SB)/4, $0x7fffffff
DATA fm_abs<>+8(SB)/4, $0x7fffffff
DATA fm_abs<>+12(SB)/4, $0x7fffffff
DATA fm_abs<>+16(SB)/4, $0x7fffffff
DATA fm_abs<>+20(SB)/4, $0x7fffffff
DATA fm_abs<>+24(SB)/4, $0x7fffffff
DATA fm_abs<>+28(SB)/4, $0x7fffffff
GLOBL fm_abs<>(SB), RODATA|NOPTR, $32

DATA fm_sign<>+0(SB)/4, $0x80000000
DATA fm_sign<>+4(SB)/4, $0x80000000
DATA fm_sign<>+8(SB)/4, $0x80000000
DATA fm_sign<>+12(SB)/4, $0x80000000
DATA fm_sign<>+16(SB)/4, $0x80000000
DATA fm_sign<>+20(SB)/4, $0x80000000
DATA fm_sign<>+24(SB)/4, $0x80000000
DATA fm_sign<>+28(SB)/4, $0x80000000
GLOBL fm_sign<>(SB), RODATA|NOPTR, $32

DATA fm_i127<>+0(SB)/4, $0x0000007f
DATA fm_i127<>+4(SB)/4, $0x0000007f
DATA fm_i127<>+8(SB)/4, $0x0000007f
DATA fm_i127<>+12(SB)/4, $0x0000007f
DATA fm_i127<>+16(SB)/4, $0x0000007f
DATA fm_i127<>+20(SB)/4, $0x0000007f
DATA fm_i127<>+24(SB)/4, $0x0000007f
DATA fm_i127<>+28(SB)/4, $0x0000007f
GLOBL fm_i127<>(SB), RODATA|NOPTR, $32

