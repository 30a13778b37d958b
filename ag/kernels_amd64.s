#include "textflag.h"

// AVX-512 im2col kernel; see kernels_amd64.go for the contract (the
// GroupNorm and SiLU kernels are in gn_amd64.s).

// func im2col3RowsAVX512(r0, r1, r2, xc *float32, h, w, ky int, masks *[6]uint16)
// The three kx rows of one (channel, ky) plane of a 3×3, pad-1 im2col for
// w ≤ 32: r1 = the source row, r0 shifted right by one, r2 left by one,
// zero outside the image. masks holds per 16-lane chunk the store mask and
// the load masks of the two shifted rows.
TEXT ·im2col3RowsAVX512(SB), NOSPLIT, $0-64
	MOVQ r0+0(FP), DI
	MOVQ r1+8(FP), R8
	MOVQ r2+16(FP), R9
	MOVQ xc+24(FP), SI
	MOVQ h+32(FP), CX
	MOVQ w+40(FP), DX
	MOVQ ky+48(FP), BX
	MOVQ masks+56(FP), R10
	KMOVW 0(R10), K1
	KMOVW 2(R10), K2
	KMOVW 4(R10), K3
	KMOVW 6(R10), K4
	KMOVW 8(R10), K5
	KMOVW 10(R10), K6
	VXORPS Z31, Z31, Z31
	XORQ AX, AX
i2c_loop:
	CMPQ AX, CX
	JGE i2c_done
	MOVQ AX, R11
	ADDQ BX, R11
	DECQ R11
	MOVQ AX, R12
	IMULQ DX, R12
	SHLQ $2, R12
	CMPQ R11, $0
	JLT i2c_zero
	CMPQ R11, CX
	JGE i2c_zero
	MOVQ R11, R13
	IMULQ DX, R13
	LEAQ (SI)(R13*4), R13
	VMOVUPS.Z (R13), K1, Z0
	VMOVUPS Z0, K1, (R8)(R12*1)
	VMOVUPS.Z -4(R13), K2, Z1
	VMOVUPS Z1, K1, (DI)(R12*1)
	VMOVUPS.Z 4(R13), K3, Z2
	VMOVUPS Z2, K1, (R9)(R12*1)
	VMOVUPS.Z 64(R13), K4, Z0
	VMOVUPS Z0, K4, 64(R8)(R12*1)
	VMOVUPS.Z 60(R13), K5, Z1
	VMOVUPS Z1, K4, 64(DI)(R12*1)
	VMOVUPS.Z 68(R13), K6, Z2
	VMOVUPS Z2, K4, 64(R9)(R12*1)
	INCQ AX
	JMP i2c_loop
i2c_zero:
	VMOVUPS Z31, K1, (DI)(R12*1)
	VMOVUPS Z31, K1, (R8)(R12*1)
	VMOVUPS Z31, K1, (R9)(R12*1)
	VMOVUPS Z31, K4, 64(DI)(R12*1)
	VMOVUPS Z31, K4, 64(R8)(R12*1)
	VMOVUPS Z31, K4, 64(R9)(R12*1)
	INCQ AX
	JMP i2c_loop
i2c_done:
	VZEROUPPER
	RET
