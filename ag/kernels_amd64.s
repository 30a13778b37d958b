#include "textflag.h"

// AVX-512 kernels for GroupNorm(+SiLU). n is a multiple of 16; the Go
// callers handle the tail. See kernels_amd64.go for the contracts.

// SIGMOID computes Zsig = 1/(1+exp(-Zy)) using Z20..Z31 as constants
// (set up by LOADCONSTS) and Z16..Z19 as temporaries.
#define SIGMOID(Zy, Zsig) \
	VXORPS Z16, Z16, Z16; \
	VSUBPS Zy, Z16, Z16; \
	VMAXPS Z30, Z16, Z16; \
	VMINPS Z31, Z16, Z16; \
	VMULPS Z20, Z16, Z17; \
	VRNDSCALEPS $0, Z17, Z17; \
	VFNMADD231PS Z21, Z17, Z16; \
	VFNMADD231PS Z22, Z17, Z16; \
	VMOVAPS Z29, Z18; \
	VFMADD213PS Z28, Z16, Z18; \
	VFMADD213PS Z27, Z16, Z18; \
	VFMADD213PS Z26, Z16, Z18; \
	VFMADD213PS Z25, Z16, Z18; \
	VFMADD213PS Z24, Z16, Z18; \
	VFMADD213PS Z23, Z16, Z18; \
	VFMADD213PS Z23, Z16, Z18; \
	VSCALEFPS Z17, Z18, Z18; \
	VADDPS Z23, Z18, Z18; \
	VDIVPS Z18, Z23, Zsig

// Z20 log2e, Z21 ln2hi, Z22 ln2lo, Z23 1, Z24 1/2, Z25 1/6, Z26 1/24,
// Z27 1/120, Z28 1/720, Z29 1/5040, Z30 -87, Z31 88.
#define LOADCONSTS \
	MOVL $0x3fb8aa3b, R8; VPBROADCASTD R8, Z20; \
	MOVL $0x3f318000, R8; VPBROADCASTD R8, Z21; \
	MOVL $0xb95e8083, R8; VPBROADCASTD R8, Z22; \
	MOVL $0x3f800000, R8; VPBROADCASTD R8, Z23; \
	MOVL $0x3f000000, R8; VPBROADCASTD R8, Z24; \
	MOVL $0x3e2aaaab, R8; VPBROADCASTD R8, Z25; \
	MOVL $0x3d2aaaab, R8; VPBROADCASTD R8, Z26; \
	MOVL $0x3c088889, R8; VPBROADCASTD R8, Z27; \
	MOVL $0x3ab60b61, R8; VPBROADCASTD R8, Z28; \
	MOVL $0x39500d01, R8; VPBROADCASTD R8, Z29; \
	MOVL $0xc2ae0000, R8; VPBROADCASTD R8, Z30; \
	MOVL $0x42b00000, R8; VPBROADCASTD R8, Z31

// func sumSqAVX512(x *float32, n int, k float32, acc *[32]float32)
TEXT ·sumSqAVX512(SB), NOSPLIT, $0-32
	MOVQ x+0(FP), SI
	MOVQ n+8(FP), CX
	VBROADCASTSS k+16(FP), Z5
	MOVQ acc+24(FP), DI
	VXORPS Z0, Z0, Z0
	VXORPS Z1, Z1, Z1
	XORQ AX, AX
sumsq_loop:
	CMPQ AX, CX
	JGE sumsq_done
	VMOVUPS (SI)(AX*4), Z2
	VSUBPS Z5, Z2, Z2
	VADDPS Z2, Z0, Z0
	VFMADD231PS Z2, Z2, Z1
	ADDQ $16, AX
	JMP sumsq_loop
sumsq_done:
	VMOVUPS Z0, (DI)
	VMOVUPS Z1, 64(DI)
	VZEROUPPER
	RET

// func affineSiLUAVX512(dst, sg, src *float32, n int, a, b float32)
// dst = y·σ(y) with y = a·src + b; sg = σ(y) unless sg is nil.
TEXT ·affineSiLUAVX512(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ sg+8(FP), DX
	MOVQ src+16(FP), SI
	MOVQ n+24(FP), CX
	VBROADCASTSS a+32(FP), Z5
	VBROADCASTSS b+36(FP), Z6
	LOADCONSTS
	XORQ AX, AX
asilu_loop:
	CMPQ AX, CX
	JGE asilu_done
	VMOVUPS (SI)(AX*4), Z0
	VMOVAPS Z6, Z1
	VFMADD231PS Z5, Z0, Z1
	SIGMOID(Z1, Z2)
	VMULPS Z2, Z1, Z3
	VMOVUPS Z3, (DI)(AX*4)
	TESTQ DX, DX
	JZ asilu_next
	VMOVUPS Z2, (DX)(AX*4)
asilu_next:
	ADDQ $16, AX
	JMP asilu_loop
asilu_done:
	VZEROUPPER
	RET

// func gnSiLUBackAVX512(gg, dy, x *float32, n int, a, sh, mean float32, acc *[32]float32)
// y = a·x + sh, s = σ(y), g = dy·s·(1 + y·(1 − s)); acc[0:16] = Σ g,
// acc[16:32] = Σ g·(x − mean), lane-wise.
TEXT ·gnSiLUBackAVX512(SB), NOSPLIT, $0-56
	MOVQ gg+0(FP), DI
	MOVQ dy+8(FP), DX
	MOVQ x+16(FP), SI
	MOVQ n+24(FP), CX
	VBROADCASTSS a+32(FP), Z5
	VBROADCASTSS sh+36(FP), Z6
	VBROADCASTSS mean+40(FP), Z7
	MOVQ acc+48(FP), R9
	LOADCONSTS
	VXORPS Z8, Z8, Z8
	VXORPS Z9, Z9, Z9
	XORQ AX, AX
gsb_loop:
	CMPQ AX, CX
	JGE gsb_done
	VMOVUPS (SI)(AX*4), Z0
	VMOVAPS Z6, Z1
	VFMADD231PS Z5, Z0, Z1
	SIGMOID(Z1, Z2)
	VSUBPS Z2, Z23, Z3
	VFMADD213PS Z23, Z1, Z3
	VMULPS Z2, Z3, Z3
	VMULPS (DX)(AX*4), Z3, Z3
	VMOVUPS Z3, (DI)(AX*4)
	VADDPS Z3, Z8, Z8
	VSUBPS Z7, Z0, Z0
	VFMADD231PS Z0, Z3, Z9
	ADDQ $16, AX
	JMP gsb_loop
gsb_done:
	VMOVUPS Z8, (R9)
	VMOVUPS Z9, 64(R9)
	VZEROUPPER
	RET

// func gnDxAVX512(d, gg, x *float32, n int, a, c0, c1 float32, ow int)
// d = a·g + c0 + c1·x (ow != 0) or d += that.
TEXT ·gnDxAVX512(SB), NOSPLIT, $0-56
	MOVQ d+0(FP), DI
	MOVQ gg+8(FP), DX
	MOVQ x+16(FP), SI
	MOVQ n+24(FP), CX
	VBROADCASTSS a+32(FP), Z5
	VBROADCASTSS c0+36(FP), Z6
	VBROADCASTSS c1+40(FP), Z7
	MOVQ ow+48(FP), R9
	XORQ AX, AX
gdx_loop:
	CMPQ AX, CX
	JGE gdx_done
	VMOVAPS Z6, Z0
	VFMADD231PS (SI)(AX*4), Z7, Z0
	VFMADD231PS (DX)(AX*4), Z5, Z0
	TESTQ R9, R9
	JNZ gdx_store
	VADDPS (DI)(AX*4), Z0, Z0
gdx_store:
	VMOVUPS Z0, (DI)(AX*4)
	ADDQ $16, AX
	JMP gdx_loop
gdx_done:
	VZEROUPPER
	RET

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
