//go:build amd64 && !noasm

#include "textflag.h"

// func copyRows32(dst, src *float32, ld, n int)
// Copies n rows of 32 floats from src (row stride ld floats) to dst (packed).
// Only called for the AVX-512 kernel's panels, so Z registers are available.
TEXT ·copyRows32(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ ld+16(FP), DX
	SHLQ $2, DX
	MOVQ n+24(FP), CX
	TESTQ CX, CX
	JZ done32
loop32:
	VMOVUPS (SI), Z0
	VMOVUPS 64(SI), Z1
	VMOVUPS Z0, (DI)
	VMOVUPS Z1, 64(DI)
	ADDQ DX, SI
	ADDQ $128, DI
	DECQ CX
	JNZ loop32
done32:
	VZEROUPPER
	RET

// func copyRows16(dst, src *float32, ld, n int)
// Copies n rows of 16 floats; used for the AVX2 kernel's panels.
TEXT ·copyRows16(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ ld+16(FP), DX
	SHLQ $2, DX
	MOVQ n+24(FP), CX
	TESTQ CX, CX
	JZ done16
loop16:
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y1
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	ADDQ DX, SI
	ADDQ $64, DI
	DECQ CX
	JNZ loop16
done16:
	VZEROUPPER
	RET

// func copyRowsMasked(dst, src *float32, ld, n, stride int, mask uint16)
// Copies n rows of the floats selected by mask (the low width bits) from
// src (row stride ld floats) to dst (row stride stride floats). Masked-off
// lanes are neither read nor written. Called only where AVX-512 runs.
TEXT ·copyRowsMasked(SB), NOSPLIT, $0-42
	MOVQ  dst+0(FP), DI
	MOVQ  src+8(FP), SI
	MOVQ  ld+16(FP), DX
	SHLQ  $2, DX
	MOVQ  n+24(FP), CX
	MOVQ  stride+32(FP), BX
	SHLQ  $2, BX
	KMOVW mask+40(FP), K1
	TESTQ CX, CX
	JZ    doneMasked
loopMasked:
	VMOVUPS.Z (SI), K1, Z0
	VMOVUPS   Z0, K1, (DI)
	ADDQ      DX, SI
	ADDQ      BX, DI
	DECQ      CX
	JNZ       loopMasked
doneMasked:
	VZEROUPPER
	RET
