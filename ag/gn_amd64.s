#include "textflag.h"

// AVX-512 kernels for GroupNorm(+SiLU) and SiLU. Every kernel takes any
// length: whole 16-lane vectors, then one masked vector for the hw % 16
// tail (mask = 1<<(hw%16) − 1, computed by the Go caller), so there is no
// scalar tail. The channel kernels walk nch consecutive channels of hw
// elements each, with per-channel coefficients. See gn_amd64.go for the
// contracts and kernels.go for the portable reference of each.

// EXP computes Z18 = e^Z16 using Z20..Z31 as constants (set up by
// LOADCONSTS) and Z17 as a temporary; Z16 is clobbered. The argument is
// clamped to [−87, 88], n = round(x·log2e), r = x − n·ln2 (in two parts),
// e^r by its degree-7 Taylor polynomial (|r| ≤ ln2/2), times 2^n.
#define EXP \
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
	VSCALEFPS Z17, Z18, Z18

// SIGMOID computes Zsig = 1/(1+exp(-Zy)) with EXP (so Z16..Z18 are
// clobbered) and Z19 as a temporary: the reciprocal as VRCP14PS (14 bits)
// refined by one Newton step r += r·(1 − d·r) (about 28 bits) instead of a
// division.
#define SIGMOID(Zy, Zsig) \
	VXORPS Z16, Z16, Z16; \
	VSUBPS Zy, Z16, Z16; \
	EXP; \
	VADDPS Z23, Z18, Z18; \
	VRCP14PS Z18, Zsig; \
	VMOVAPS Z23, Z19; \
	VFNMADD231PS Zsig, Z18, Z19; \
	VFMADD231PS Z19, Zsig, Zsig

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

// PREFETCHW (prefetch a line for writing: in exclusive state, so the
// store after it does not wait for the line) is not in the Go assembler;
// these are its encodings for the addresses used here.
#define PREFETCHW_R13_AX4 BYTE $0x41; BYTE $0x0F; BYTE $0x0D; BYTE $0x4C; BYTE $0x85; BYTE $0x00 // PREFETCHW (R13)(AX*4)
#define PREFETCHW_R8_AX4 BYTE $0x41; BYTE $0x0F; BYTE $0x0D; BYTE $0x0C; BYTE $0x80 // PREFETCHW (R8)(AX*4)

// HSUM leaves the sum of Zs's 16 lanes in lane 0 of Xs (a fixed tree:
// halves, quarters, pairs), using Z10 as a temporary.
#define HSUM(Zs, Ys, Xs) \
	VEXTRACTF64X4 $1, Zs, Y10; \
	VADDPS Y10, Ys, Ys; \
	VEXTRACTF128 $1, Ys, X10; \
	VADDPS X10, Xs, Xs; \
	VPERMILPS $0x4e, Xs, X10; \
	VADDPS X10, Xs, Xs; \
	VPERMILPS $0xb1, Xs, X10; \
	VADDSS X10, Xs, Xs

// func sumLanesAVX512(x *float32, n, mask int, acc *[16]float32)
// acc[l] = Σ x over lane l (two accumulators, folded at the end).
TEXT ·sumLanesAVX512(SB), NOSPLIT, $0-32
	MOVQ x+0(FP), SI
	MOVQ n+8(FP), CX
	MOVQ mask+16(FP), R10
	MOVQ acc+24(FP), DI
	KMOVW R10, K2
	VXORPS Z0, Z0, Z0
	VXORPS Z1, Z1, Z1
	XORQ AX, AX
sum_loop2:
	LEAQ 32(AX), R11
	CMPQ R11, CX
	JGT sum_loop1
	VADDPS (SI)(AX*4), Z0, Z0
	VADDPS 64(SI)(AX*4), Z1, Z1
	MOVQ R11, AX
	JMP sum_loop2
sum_loop1:
	LEAQ 16(AX), R11
	CMPQ R11, CX
	JGT sum_tail
	VADDPS (SI)(AX*4), Z0, Z0
	MOVQ R11, AX
sum_tail:
	CMPQ AX, CX
	JGE sum_done
	VMOVUPS.Z (SI)(AX*4), K2, Z2
	VADDPS Z2, Z1, Z1
sum_done:
	VADDPS Z1, Z0, Z0
	VMOVUPS Z0, (DI)
	VZEROUPPER
	RET

// func sqDevLanesAVX512(x *float32, n int, m float32, mask int, acc *[16]float32)
// acc[l] = Σ (x − m)² over lane l.
TEXT ·sqDevLanesAVX512(SB), NOSPLIT, $0-40
	MOVQ x+0(FP), SI
	MOVQ n+8(FP), CX
	VBROADCASTSS m+16(FP), Z5
	MOVQ mask+24(FP), R10
	MOVQ acc+32(FP), DI
	KMOVW R10, K2
	VXORPS Z0, Z0, Z0
	VXORPS Z1, Z1, Z1
	XORQ AX, AX
sq_loop2:
	LEAQ 32(AX), R11
	CMPQ R11, CX
	JGT sq_loop1
	VSUBPS (SI)(AX*4), Z5, Z2
	VFMADD231PS Z2, Z2, Z0
	VSUBPS 64(SI)(AX*4), Z5, Z3
	VFMADD231PS Z3, Z3, Z1
	MOVQ R11, AX
	JMP sq_loop2
sq_loop1:
	LEAQ 16(AX), R11
	CMPQ R11, CX
	JGT sq_tail
	VSUBPS (SI)(AX*4), Z5, Z2
	VFMADD231PS Z2, Z2, Z0
	MOVQ R11, AX
sq_tail:
	CMPQ AX, CX
	JGE sq_done
	VMOVUPS.Z (SI)(AX*4), K2, Z2
	VSUBPS Z2, Z5, Z2
	VMOVAPS.Z Z2, K2, Z2
	VFMADD231PS Z2, Z2, Z1
sq_done:
	VADDPS Z1, Z0, Z0
	VMOVUPS Z0, (DI)
	VZEROUPPER
	RET

// SILUFWD: Z3 = y·σ(y) with y = Z5·Z0 + Z6 (Z1 = y, Z2 = σ(y)).
#define SILUFWD \
	VMOVAPS Z6, Z1; \
	VFMADD231PS Z5, Z0, Z1; \
	SIGMOID(Z1, Z2); \
	VMULPS Z2, Z1, Z3

// func siluAffineAVX512(dst, src *float32, hw, nch int, a, b *float32, mask, pf int)
// For each of nch channels c of hw elements: dst = y·σ(y), y = a[c]·src + b[c].
// Each step prefetches the lines pf bytes ahead of src and dst (the next
// group's), dst's for writing.
TEXT ·siluAffineAVX512(SB), NOSPLIT, $0-64
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ hw+16(FP), CX
	MOVQ nch+24(FP), DX
	MOVQ a+32(FP), R9
	MOVQ b+40(FP), BX
	MOVQ mask+48(FP), R10
	MOVQ pf+56(FP), R11
	LEAQ (DI)(R11*1), R13
	ADDQ SI, R11
	KMOVW R10, K2
	LOADCONSTS
	MOVQ CX, R12
	ANDQ $-16, R12
saf_ch:
	TESTQ DX, DX
	JZ saf_done
	VBROADCASTSS (R9), Z5
	VBROADCASTSS (BX), Z6
	XORQ AX, AX
saf_loop:
	CMPQ AX, R12
	JGE saf_tail
	PREFETCHT0 (R11)(AX*4)
	PREFETCHW_R13_AX4
	VMOVUPS (SI)(AX*4), Z0
	SILUFWD
	VMOVUPS Z3, (DI)(AX*4)
	ADDQ $16, AX
	JMP saf_loop
saf_tail:
	CMPQ AX, CX
	JGE saf_next
	VMOVUPS.Z (SI)(AX*4), K2, Z0
	SILUFWD
	VMOVUPS Z3, K2, (DI)(AX*4)
saf_next:
	LEAQ (R11)(CX*4), R11
	LEAQ (R13)(CX*4), R13
	LEAQ (SI)(CX*4), SI
	LEAQ (DI)(CX*4), DI
	ADDQ $4, R9
	ADDQ $4, BX
	DECQ DX
	JMP saf_ch
saf_done:
	VZEROUPPER
	RET

// SILUBACK: from x in Z0 and dy in Z4, Z3 = g = dy·σ(y)·(1 + y·(1 − σ(y)))
// with y = Z5·x + Z6; Z8 += g, Z9 += g·(x − Z7).
#define SILUBACK \
	VMOVAPS Z6, Z1; \
	VFMADD231PS Z5, Z0, Z1; \
	SIGMOID(Z1, Z2); \
	VSUBPS Z2, Z23, Z3; \
	VFMADD213PS Z23, Z1, Z3; \
	VMULPS Z2, Z3, Z3; \
	VMULPS Z4, Z3, Z3; \
	VADDPS Z3, Z8, Z8; \
	VSUBPS Z7, Z0, Z0; \
	VFMADD231PS Z0, Z3, Z9

// func siluBackAVX512(gg, dy, x *float32, hw, nch int, a, b *float32, mean float32, mask int, sums *float32, pf int)
// For each of nch channels c: g = dy·SiLU'(y), y = a[c]·x + b[c], and
// sums[2c] = Σ g, sums[2c+1] = Σ g·(x − mean). Each step prefetches the
// lines pf bytes ahead of x and dy (the next group's).
TEXT ·siluBackAVX512(SB), NOSPLIT, $0-88
	MOVQ gg+0(FP), DI
	MOVQ dy+8(FP), R13
	MOVQ x+16(FP), SI
	MOVQ hw+24(FP), CX
	MOVQ nch+32(FP), DX
	MOVQ a+40(FP), R9
	MOVQ b+48(FP), BX
	VBROADCASTSS mean+56(FP), Z7
	MOVQ mask+64(FP), R10
	MOVQ sums+72(FP), R11
	KMOVW R10, K2
	LOADCONSTS
	MOVQ pf+80(FP), R8
	MOVQ R8, R10
	ADDQ SI, R8
	ADDQ R13, R10
	MOVQ CX, R12
	ANDQ $-16, R12
sb_ch:
	TESTQ DX, DX
	JZ sb_done
	VBROADCASTSS (R9), Z5
	VBROADCASTSS (BX), Z6
	VXORPS Z8, Z8, Z8
	VXORPS Z9, Z9, Z9
	XORQ AX, AX
sb_loop:
	CMPQ AX, R12
	JGE sb_tail
	PREFETCHT0 (R8)(AX*4)
	PREFETCHT0 (R10)(AX*4)
	VMOVUPS (SI)(AX*4), Z0
	VMOVUPS (R13)(AX*4), Z4
	SILUBACK
	VMOVUPS Z3, (DI)(AX*4)
	ADDQ $16, AX
	JMP sb_loop
sb_tail:
	CMPQ AX, CX
	JGE sb_sums
	VMOVUPS.Z (SI)(AX*4), K2, Z0
	VMOVUPS.Z (R13)(AX*4), K2, Z4
	SILUBACK
	VMOVUPS Z3, K2, (DI)(AX*4)
sb_sums:
	HSUM(Z8, Y8, X8)
	HSUM(Z9, Y9, X9)
	VMOVSS X8, (R11)
	VMOVSS X9, 4(R11)
	ADDQ $8, R11
	LEAQ (R8)(CX*4), R8
	LEAQ (R10)(CX*4), R10
	LEAQ (SI)(CX*4), SI
	LEAQ (R13)(CX*4), R13
	LEAQ (DI)(CX*4), DI
	ADDQ $4, R9
	ADDQ $4, BX
	DECQ DX
	JMP sb_ch
sb_done:
	VZEROUPPER
	RET

// func affineCombAVX512(d, gg, x *float32, hw, nch int, a *float32, c0, c1 float32, ow, mask, pf int)
// For each of nch channels c: d = a[c]·g + c0 + c1·x (ow != 0) or d += that.
// Each step prefetches for writing the line pf bytes ahead of d.
TEXT ·affineCombAVX512(SB), NOSPLIT, $0-80
	MOVQ d+0(FP), DI
	MOVQ gg+8(FP), R13
	MOVQ x+16(FP), SI
	MOVQ hw+24(FP), CX
	MOVQ nch+32(FP), DX
	MOVQ a+40(FP), R9
	VBROADCASTSS c0+48(FP), Z6
	VBROADCASTSS c1+52(FP), Z7
	MOVQ ow+56(FP), R11
	MOVQ mask+64(FP), R10
	MOVQ pf+72(FP), R8
	ADDQ DI, R8
	KMOVW R10, K2
	MOVQ CX, R12
	ANDQ $-16, R12
ac_ch:
	TESTQ DX, DX
	JZ ac_done
	VBROADCASTSS (R9), Z5
	XORQ AX, AX
ac_loop:
	CMPQ AX, R12
	JGE ac_tail
	PREFETCHW_R8_AX4
	VMOVAPS Z6, Z0
	VFMADD231PS (SI)(AX*4), Z7, Z0
	VFMADD231PS (R13)(AX*4), Z5, Z0
	TESTQ R11, R11
	JNZ ac_store
	VADDPS (DI)(AX*4), Z0, Z0
ac_store:
	VMOVUPS Z0, (DI)(AX*4)
	ADDQ $16, AX
	JMP ac_loop
ac_tail:
	CMPQ AX, CX
	JGE ac_next
	VMOVUPS.Z (SI)(AX*4), K2, Z1
	VMOVUPS.Z (R13)(AX*4), K2, Z2
	VMOVAPS Z6, Z0
	VFMADD231PS Z1, Z7, Z0
	VFMADD231PS Z2, Z5, Z0
	TESTQ R11, R11
	JNZ ac_tstore
	VMOVUPS.Z (DI)(AX*4), K2, Z3
	VADDPS Z3, Z0, Z0
ac_tstore:
	VMOVUPS Z0, K2, (DI)(AX*4)
ac_next:
	LEAQ (R8)(CX*4), R8
	LEAQ (SI)(CX*4), SI
	LEAQ (R13)(CX*4), R13
	LEAQ (DI)(CX*4), DI
	ADDQ $4, R9
	DECQ DX
	JMP ac_ch
ac_done:
	VZEROUPPER
	RET

// func softmaxRowAVX512(r *float32, n, mask int)
// r = e^(r − max r) / Σ e^(r − max r) in three passes: the maximum, the
// exponentials and their sum, the scaling by the sum's reciprocal.
TEXT ·softmaxRowAVX512(SB), NOSPLIT, $0-24
	MOVQ r+0(FP), SI
	MOVQ n+8(FP), CX
	MOVQ mask+16(FP), R10
	KMOVW R10, K2
	LOADCONSTS
	MOVQ CX, R12
	ANDQ $-16, R12
	MOVL $0xff800000, R8
	VPBROADCASTD R8, Z7
	VMOVAPS Z7, Z0
	XORQ AX, AX
sm_max:
	CMPQ AX, R12
	JGE sm_maxtail
	VMAXPS (SI)(AX*4), Z0, Z0
	ADDQ $16, AX
	JMP sm_max
sm_maxtail:
	CMPQ AX, CX
	JGE sm_maxdone
	VMOVAPS Z7, Z1
	VMOVUPS (SI)(AX*4), K2, Z1
	VMAXPS Z1, Z0, Z0
sm_maxdone:
	VEXTRACTF64X4 $1, Z0, Y1
	VMAXPS Y1, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VMAXPS X1, X0, X0
	VPERMILPS $0x4e, X0, X1
	VMAXPS X1, X0, X0
	VPERMILPS $0xb1, X0, X1
	VMAXPS X1, X0, X0
	VBROADCASTSS X0, Z7
	VXORPS Z8, Z8, Z8
	XORQ AX, AX
sm_exp:
	CMPQ AX, R12
	JGE sm_exptail
	VMOVUPS (SI)(AX*4), Z16
	VSUBPS Z7, Z16, Z16
	EXP
	VADDPS Z18, Z8, Z8
	VMOVUPS Z18, (SI)(AX*4)
	ADDQ $16, AX
	JMP sm_exp
sm_exptail:
	CMPQ AX, CX
	JGE sm_sum
	VMOVUPS.Z (SI)(AX*4), K2, Z16
	VSUBPS Z7, Z16, Z16
	EXP
	VADDPS Z18, Z8, K2, Z8
	VMOVUPS Z18, K2, (SI)(AX*4)
sm_sum:
	HSUM(Z8, Y8, X8)
	VDIVSS X8, X23, X9
	VBROADCASTSS X9, Z9
	XORQ AX, AX
sm_scale:
	CMPQ AX, R12
	JGE sm_scaletail
	VMULPS (SI)(AX*4), Z9, Z0
	VMOVUPS Z0, (SI)(AX*4)
	ADDQ $16, AX
	JMP sm_scale
sm_scaletail:
	CMPQ AX, CX
	JGE sm_done
	VMOVUPS.Z (SI)(AX*4), K2, Z0
	VMULPS Z9, Z0, Z0
	VMOVUPS Z0, K2, (SI)(AX*4)
sm_done:
	VZEROUPPER
	RET
