//go:build amd64 && !purego

#include "textflag.h"

// func adamUpdateAVX(w, grad, m, v *float32, n int, k *adamConsts)
//
// Eight lanes per iteration of exactly the float32 operations of
// adamUpdateGo, in its order, each rounded (no FMA):
//
//	gj = g + l2·w
//	m  = b1·m + ob1·gj
//	v  = b2·v + (ob2·gj)·gj
//	w  = w − (step·m)/(√v/sqrtBC2 + eps)
//
// adamConsts: l2+0, b1+4, ob1+8, b2+12, ob2+16, sqrtBC2+20, eps+24, step+28.
TEXT ·adamUpdateAVX(SB), NOSPLIT, $0-48
	MOVQ         w+0(FP), DI
	MOVQ         grad+8(FP), SI
	MOVQ         m+16(FP), R8
	MOVQ         v+24(FP), R9
	MOVQ         n+32(FP), CX
	MOVQ         k+40(FP), AX
	VBROADCASTSS 0(AX), Y8   // l2
	VBROADCASTSS 4(AX), Y9   // b1
	VBROADCASTSS 8(AX), Y10  // ob1
	VBROADCASTSS 12(AX), Y11 // b2
	VBROADCASTSS 16(AX), Y12 // ob2
	VBROADCASTSS 20(AX), Y13 // sqrtBC2
	VBROADCASTSS 24(AX), Y14 // eps
	VBROADCASTSS 28(AX), Y15 // step
	XORQ         BX, BX

loop:
	VMOVUPS (DI)(BX*4), Y0    // w
	VMULPS  Y0, Y8, Y1        // l2·w
	VADDPS  (SI)(BX*4), Y1, Y1 // gj = g + l2·w
	VMULPS  (R8)(BX*4), Y9, Y2 // b1·m
	VMULPS  Y1, Y10, Y3       // ob1·gj
	VADDPS  Y3, Y2, Y2        // m
	VMOVUPS Y2, (R8)(BX*4)
	VMULPS  (R9)(BX*4), Y11, Y4 // b2·v
	VMULPS  Y1, Y12, Y5       // ob2·gj
	VMULPS  Y1, Y5, Y5        // (ob2·gj)·gj
	VADDPS  Y5, Y4, Y4        // v
	VMOVUPS Y4, (R9)(BX*4)
	VSQRTPS Y4, Y4            // √v
	VDIVPS  Y13, Y4, Y4       // √v/sqrtBC2
	VADDPS  Y14, Y4, Y4       // denom
	VMULPS  Y2, Y15, Y2       // step·m
	VDIVPS  Y4, Y2, Y2        // step·m/denom
	VSUBPS  Y2, Y0, Y0        // w − …
	VMOVUPS Y0, (DI)(BX*4)
	ADDQ    $8, BX
	CMPQ    BX, CX
	JLT     loop
	VZEROUPPER
	RET
