#include "textflag.h"

// AVX-512 Winograd F(2×2, 3×3) transforms of one h×w image plane, w ≤ 32.
// Each does what the Go path of the plane transform of the same name in
// winograd_tiles.go does (with the steps in winograd_kernels.go), the same
// operations in the same order. Image rows are read and written as two
// 16-lane halves under the masks lo and hi (K1, K2), rows of the tw tiles
// of a tile row under tm (K3).

// Permutation indices: even lanes, odd lanes of a 32-float row; the
// interleave of two 16-lane vectors, low and high half.
DATA winoIdx<>+0(SB)/4, $0
DATA winoIdx<>+4(SB)/4, $2
DATA winoIdx<>+8(SB)/4, $4
DATA winoIdx<>+12(SB)/4, $6
DATA winoIdx<>+16(SB)/4, $8
DATA winoIdx<>+20(SB)/4, $10
DATA winoIdx<>+24(SB)/4, $12
DATA winoIdx<>+28(SB)/4, $14
DATA winoIdx<>+32(SB)/4, $16
DATA winoIdx<>+36(SB)/4, $18
DATA winoIdx<>+40(SB)/4, $20
DATA winoIdx<>+44(SB)/4, $22
DATA winoIdx<>+48(SB)/4, $24
DATA winoIdx<>+52(SB)/4, $26
DATA winoIdx<>+56(SB)/4, $28
DATA winoIdx<>+60(SB)/4, $30
DATA winoIdx<>+64(SB)/4, $1
DATA winoIdx<>+68(SB)/4, $3
DATA winoIdx<>+72(SB)/4, $5
DATA winoIdx<>+76(SB)/4, $7
DATA winoIdx<>+80(SB)/4, $9
DATA winoIdx<>+84(SB)/4, $11
DATA winoIdx<>+88(SB)/4, $13
DATA winoIdx<>+92(SB)/4, $15
DATA winoIdx<>+96(SB)/4, $17
DATA winoIdx<>+100(SB)/4, $19
DATA winoIdx<>+104(SB)/4, $21
DATA winoIdx<>+108(SB)/4, $23
DATA winoIdx<>+112(SB)/4, $25
DATA winoIdx<>+116(SB)/4, $27
DATA winoIdx<>+120(SB)/4, $29
DATA winoIdx<>+124(SB)/4, $31
DATA winoIdx<>+128(SB)/4, $0
DATA winoIdx<>+132(SB)/4, $16
DATA winoIdx<>+136(SB)/4, $1
DATA winoIdx<>+140(SB)/4, $17
DATA winoIdx<>+144(SB)/4, $2
DATA winoIdx<>+148(SB)/4, $18
DATA winoIdx<>+152(SB)/4, $3
DATA winoIdx<>+156(SB)/4, $19
DATA winoIdx<>+160(SB)/4, $4
DATA winoIdx<>+164(SB)/4, $20
DATA winoIdx<>+168(SB)/4, $5
DATA winoIdx<>+172(SB)/4, $21
DATA winoIdx<>+176(SB)/4, $6
DATA winoIdx<>+180(SB)/4, $22
DATA winoIdx<>+184(SB)/4, $7
DATA winoIdx<>+188(SB)/4, $23
DATA winoIdx<>+192(SB)/4, $8
DATA winoIdx<>+196(SB)/4, $24
DATA winoIdx<>+200(SB)/4, $9
DATA winoIdx<>+204(SB)/4, $25
DATA winoIdx<>+208(SB)/4, $10
DATA winoIdx<>+212(SB)/4, $26
DATA winoIdx<>+216(SB)/4, $11
DATA winoIdx<>+220(SB)/4, $27
DATA winoIdx<>+224(SB)/4, $12
DATA winoIdx<>+228(SB)/4, $28
DATA winoIdx<>+232(SB)/4, $13
DATA winoIdx<>+236(SB)/4, $29
DATA winoIdx<>+240(SB)/4, $14
DATA winoIdx<>+244(SB)/4, $30
DATA winoIdx<>+248(SB)/4, $15
DATA winoIdx<>+252(SB)/4, $31
GLOBL winoIdx<>(SB), RODATA|NOPTR, $256

// HROW computes the column combination d B of the input row at src
// (winoInRow) into t0…t3, with Z28, Z29 the even/odd indices and Z31
// zero; Z16…Z21 are temporaries.
#define HROW(src, t0, t1, t2, t3) \
	VMOVUPS.Z (src), K1, Z16; \
	VMOVUPS.Z 64(src), K2, Z17; \
	VMOVAPS Z28, Z18; \
	VPERMI2PS Z17, Z16, Z18; \
	VMOVAPS Z29, Z19; \
	VPERMI2PS Z17, Z16, Z19; \
	VALIGND $15, Z31, Z19, Z20; \
	VALIGND $1, Z18, Z31, Z21; \
	VSUBPS Z19, Z20, t0; \
	VADDPS Z19, Z18, t1; \
	VSUBPS Z18, Z19, t2; \
	VSUBPS Z21, Z18, t3

// func winoInputFusedAVX512(v *float32, sx int, x *float32, h, w, tw, lo, hi, tm int)
// The whole input transform of one plane (winoInRow, then winoBT4 per tile
// row) without the intermediate planes: the column combinations of input
// rows 2i−1, 2i (P0, P1: Z0…Z7, kept from the previous tile row) and 2i+1,
// 2i+2 (N0, N1: Z8…Z15) give tile row i's 16 rows of V at v + ξ·sx + i·tw.
TEXT ·winoInputFusedAVX512(SB), NOSPLIT, $0-72
	MOVQ v+0(FP), DI
	MOVQ sx+8(FP), R8
	SHLQ $2, R8          // ξ stride, bytes
	MOVQ R8, R11
	SHLQ $2, R11         // 4 ξ, bytes
	MOVQ x+16(FP), SI
	MOVQ h+24(FP), CX
	MOVQ w+32(FP), DX
	SHLQ $2, DX          // input row, bytes
	MOVQ tw+40(FP), R10
	SHLQ $2, R10         // tile row in V, bytes
	MOVQ lo+48(FP), R13
	KMOVW R13, K1
	MOVQ hi+56(FP), R13
	KMOVW R13, K2
	MOVQ tm+64(FP), R13
	KMOVW R13, K3
	VPXORD Z31, Z31, Z31
	VMOVUPS winoIdx<>+0(SB), Z28
	VMOVUPS winoIdx<>+64(SB), Z29
	MOVQ CX, BX
	INCQ BX
	SHRQ $1, BX          // tile rows
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	HROW(SI, Z4, Z5, Z6, Z7)
	ADDQ DX, SI
	MOVQ $1, AX          // next input row
infused_loop:
	CMPQ AX, CX
	JGE infused_n0zero
	HROW(SI, Z8, Z9, Z10, Z11)
	ADDQ DX, SI
	JMP infused_n0done
infused_n0zero:
	VPXORD Z8, Z8, Z8
	VPXORD Z9, Z9, Z9
	VPXORD Z10, Z10, Z10
	VPXORD Z11, Z11, Z11
infused_n0done:
	INCQ AX
	CMPQ AX, CX
	JGE infused_n1zero
	HROW(SI, Z12, Z13, Z14, Z15)
	ADDQ DX, SI
	JMP infused_n1done
infused_n1zero:
	VPXORD Z12, Z12, Z12
	VPXORD Z13, Z13, Z13
	VPXORD Z14, Z14, Z14
	VPXORD Z15, Z15, Z15
infused_n1done:
	INCQ AX
	// k = 0: P0 − N0
	MOVQ DI, R9
	LEAQ (R9)(R8*2), R12
	ADDQ R8, R12
	VSUBPS Z8, Z0, Z22
	VMOVUPS Z22, K3, (R9)
	VSUBPS Z9, Z1, Z22
	VMOVUPS Z22, K3, (R9)(R8*1)
	VSUBPS Z10, Z2, Z22
	VMOVUPS Z22, K3, (R9)(R8*2)
	VSUBPS Z11, Z3, Z22
	VMOVUPS Z22, K3, (R12)
	// k = 1: P1 + N0
	ADDQ R11, R9
	ADDQ R11, R12
	VADDPS Z8, Z4, Z22
	VMOVUPS Z22, K3, (R9)
	VADDPS Z9, Z5, Z22
	VMOVUPS Z22, K3, (R9)(R8*1)
	VADDPS Z10, Z6, Z22
	VMOVUPS Z22, K3, (R9)(R8*2)
	VADDPS Z11, Z7, Z22
	VMOVUPS Z22, K3, (R12)
	// k = 2: N0 − P1
	ADDQ R11, R9
	ADDQ R11, R12
	VSUBPS Z4, Z8, Z22
	VMOVUPS Z22, K3, (R9)
	VSUBPS Z5, Z9, Z22
	VMOVUPS Z22, K3, (R9)(R8*1)
	VSUBPS Z6, Z10, Z22
	VMOVUPS Z22, K3, (R9)(R8*2)
	VSUBPS Z7, Z11, Z22
	VMOVUPS Z22, K3, (R12)
	// k = 3: P1 − N1
	ADDQ R11, R9
	ADDQ R11, R12
	VSUBPS Z12, Z4, Z22
	VMOVUPS Z22, K3, (R9)
	VSUBPS Z13, Z5, Z22
	VMOVUPS Z22, K3, (R9)(R8*1)
	VSUBPS Z14, Z6, Z22
	VMOVUPS Z22, K3, (R9)(R8*2)
	VSUBPS Z15, Z7, Z22
	VMOVUPS Z22, K3, (R12)
	VMOVAPS Z8, Z0
	VMOVAPS Z9, Z1
	VMOVAPS Z10, Z2
	VMOVAPS Z11, Z3
	VMOVAPS Z12, Z4
	VMOVAPS Z13, Z5
	VMOVAPS Z14, Z6
	VMOVAPS Z15, Z7
	ADDQ R10, DI
	DECQ BX
	JNZ infused_loop
	VZEROUPPER
	RET

// GOROW splits the dY row at src into p (even columns) and q (odd), adds
// both to Z12, and writes A's column combination (p, p+q, p−q, −q) to
// t0…t3; Z16, Z17 are temporaries, Z30 the sign mask.
#define GOROW(src, t0, t1, t2, t3) \
	VMOVUPS.Z (src), K1, Z16; \
	VMOVUPS.Z 64(src), K2, Z17; \
	VMOVAPS Z28, t0; \
	VPERMI2PS Z17, Z16, t0; \
	VMOVAPS Z29, t3; \
	VPERMI2PS Z17, Z16, t3; \
	VADDPS t0, Z12, Z12; \
	VADDPS t3, Z12, Z12; \
	VADDPS t3, t0, t1; \
	VSUBPS t3, t0, t2; \
	VPXORD Z30, t3, t3

// func winoGradOutFusedAVX512(dm *float32, sx int, dy *float32, h, w, tw, lo, hi, tm int, sum *float32)
// The whole output-gradient transform of one plane (winoGradOutRow, then
// winoA4 per tile row): dY rows 2i and 2i+1 give C0, C1 (Z0…Z7), and tile
// row i's 16 rows of dM at dm + ξ·sx + i·tw. *sum is the plane's sum of dY
// (lane by lane in row order, then winoLanes.sum's tree).
TEXT ·winoGradOutFusedAVX512(SB), NOSPLIT, $0-80
	MOVQ dm+0(FP), DI
	MOVQ sx+8(FP), R8
	SHLQ $2, R8
	MOVQ R8, R11
	SHLQ $2, R11
	MOVQ dy+16(FP), SI
	MOVQ h+24(FP), CX
	MOVQ w+32(FP), DX
	SHLQ $2, DX
	MOVQ tw+40(FP), R10
	SHLQ $2, R10
	MOVQ lo+48(FP), R13
	KMOVW R13, K1
	MOVQ hi+56(FP), R13
	KMOVW R13, K2
	MOVQ tm+64(FP), R13
	KMOVW R13, K3
	MOVL $0x80000000, R13
	VPBROADCASTD R13, Z30
	VMOVUPS winoIdx<>+0(SB), Z28
	VMOVUPS winoIdx<>+64(SB), Z29
	VPXORD Z12, Z12, Z12
	XORQ AX, AX          // dY row
gofused_loop:
	GOROW(SI, Z0, Z1, Z2, Z3)
	ADDQ DX, SI
	INCQ AX
	CMPQ AX, CX
	JGE gofused_c1zero
	GOROW(SI, Z4, Z5, Z6, Z7)
	ADDQ DX, SI
	INCQ AX
	JMP gofused_c1done
gofused_c1zero:
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
gofused_c1done:
	// k = 0: C0
	MOVQ DI, R9
	LEAQ (R9)(R8*2), R12
	ADDQ R8, R12
	VMOVUPS Z0, K3, (R9)
	VMOVUPS Z1, K3, (R9)(R8*1)
	VMOVUPS Z2, K3, (R9)(R8*2)
	VMOVUPS Z3, K3, (R12)
	// k = 1: C0 + C1
	ADDQ R11, R9
	ADDQ R11, R12
	VADDPS Z4, Z0, Z22
	VMOVUPS Z22, K3, (R9)
	VADDPS Z5, Z1, Z22
	VMOVUPS Z22, K3, (R9)(R8*1)
	VADDPS Z6, Z2, Z22
	VMOVUPS Z22, K3, (R9)(R8*2)
	VADDPS Z7, Z3, Z22
	VMOVUPS Z22, K3, (R12)
	// k = 2: C0 − C1
	ADDQ R11, R9
	ADDQ R11, R12
	VSUBPS Z4, Z0, Z22
	VMOVUPS Z22, K3, (R9)
	VSUBPS Z5, Z1, Z22
	VMOVUPS Z22, K3, (R9)(R8*1)
	VSUBPS Z6, Z2, Z22
	VMOVUPS Z22, K3, (R9)(R8*2)
	VSUBPS Z7, Z3, Z22
	VMOVUPS Z22, K3, (R12)
	// k = 3: −C1
	ADDQ R11, R9
	ADDQ R11, R12
	VPXORD Z30, Z4, Z22
	VMOVUPS Z22, K3, (R9)
	VPXORD Z30, Z5, Z22
	VMOVUPS Z22, K3, (R9)(R8*1)
	VPXORD Z30, Z6, Z22
	VMOVUPS Z22, K3, (R9)(R8*2)
	VPXORD Z30, Z7, Z22
	VMOVUPS Z22, K3, (R12)
	ADDQ R10, DI
	CMPQ AX, CX
	JLT gofused_loop
	VEXTRACTF64X4 $1, Z12, Y13
	VADDPS Y13, Y12, Y12
	VEXTRACTF128 $1, Y12, X13
	VADDPS X13, X12, X12
	VPERMILPS $0x4E, X12, X13
	VADDPS X13, X12, X12
	VPERMILPS $0xB1, X12, X13
	VADDPS X13, X12, X12
	MOVQ sum+72(FP), R13
	MOVSS X12, (R13)
	VZEROUPPER
	RET

// func winoOutputFusedAVX512(y, m *float32, sx, h, w, tw int, bias float32, lo, hi, tm int)
// The whole output transform of one plane (winoAT2, then winoOutRow per
// tile row): tile row i's 16 rows of M at m + ξ·sx + i·tw give s0, s1
// (Z0…Z7), and output rows 2i and 2i+1 (the latter when inside the plane).
TEXT ·winoOutputFusedAVX512(SB), NOSPLIT, $0-80
	MOVQ y+0(FP), DI
	MOVQ m+8(FP), SI
	MOVQ sx+16(FP), R8
	SHLQ $2, R8
	MOVQ R8, R11
	SHLQ $2, R11
	MOVQ h+24(FP), CX
	MOVQ w+32(FP), DX
	SHLQ $2, DX
	MOVQ tw+40(FP), R10
	SHLQ $2, R10
	VBROADCASTSS bias+48(FP), Z10
	MOVQ lo+56(FP), R13
	KMOVW R13, K1
	MOVQ hi+64(FP), R13
	KMOVW R13, K2
	MOVQ tm+72(FP), R13
	KMOVW R13, K3
	VMOVUPS winoIdx<>+128(SB), Z28
	VMOVUPS winoIdx<>+192(SB), Z29
	XORQ AX, AX          // output row
outfused_loop:
	// Rows k = 0…3 of M for l = 0…3: m_k,l at SI + (4k+l)·sx.
	MOVQ SI, R9
	LEAQ (R9)(R8*2), R12
	ADDQ R8, R12
	VMOVUPS.Z (R9), K3, Z16
	VMOVUPS.Z (R9)(R8*1), K3, Z17
	VMOVUPS.Z (R9)(R8*2), K3, Z18
	VMOVUPS.Z (R12), K3, Z19
	ADDQ R11, R9
	ADDQ R11, R12
	VMOVUPS.Z (R9), K3, Z20
	VMOVUPS.Z (R9)(R8*1), K3, Z21
	VMOVUPS.Z (R9)(R8*2), K3, Z22
	VMOVUPS.Z (R12), K3, Z23
	ADDQ R11, R9
	ADDQ R11, R12
	VMOVUPS.Z (R9), K3, Z24
	VMOVUPS.Z (R9)(R8*1), K3, Z25
	VMOVUPS.Z (R9)(R8*2), K3, Z26
	VMOVUPS.Z (R12), K3, Z27
	// s0_l = m0 + m1 + m2 (Z0…Z3), s1_l = m1 − m2 − m3 (Z4…Z7), m3 loaded below.
	VADDPS Z20, Z16, Z0
	VADDPS Z24, Z0, Z0
	VADDPS Z21, Z17, Z1
	VADDPS Z25, Z1, Z1
	VADDPS Z22, Z18, Z2
	VADDPS Z26, Z2, Z2
	VADDPS Z23, Z19, Z3
	VADDPS Z27, Z3, Z3
	VSUBPS Z24, Z20, Z4
	VSUBPS Z25, Z21, Z5
	VSUBPS Z26, Z22, Z6
	VSUBPS Z27, Z23, Z7
	ADDQ R11, R9
	ADDQ R11, R12
	VMOVUPS.Z (R9), K3, Z16
	VMOVUPS.Z (R9)(R8*1), K3, Z17
	VMOVUPS.Z (R9)(R8*2), K3, Z18
	VMOVUPS.Z (R12), K3, Z19
	VSUBPS Z16, Z4, Z4
	VSUBPS Z17, Z5, Z5
	VSUBPS Z18, Z6, Z6
	VSUBPS Z19, Z7, Z7
	// Row 2i from s0.
	VADDPS Z1, Z0, Z8
	VADDPS Z2, Z8, Z8
	VADDPS Z10, Z8, Z8
	VSUBPS Z2, Z1, Z9
	VSUBPS Z3, Z9, Z9
	VADDPS Z10, Z9, Z9
	VMOVAPS Z28, Z11
	VPERMI2PS Z9, Z8, Z11
	VMOVAPS Z29, Z12
	VPERMI2PS Z9, Z8, Z12
	VMOVUPS Z11, K1, (DI)
	VMOVUPS Z12, K2, 64(DI)
	ADDQ DX, DI
	INCQ AX
	CMPQ AX, CX
	JGE outfused_done
	// Row 2i+1 from s1.
	VADDPS Z5, Z4, Z8
	VADDPS Z6, Z8, Z8
	VADDPS Z10, Z8, Z8
	VSUBPS Z6, Z5, Z9
	VSUBPS Z7, Z9, Z9
	VADDPS Z10, Z9, Z9
	VMOVAPS Z28, Z11
	VPERMI2PS Z9, Z8, Z11
	VMOVAPS Z29, Z12
	VPERMI2PS Z9, Z8, Z12
	VMOVUPS Z11, K1, (DI)
	VMOVUPS Z12, K2, 64(DI)
	ADDQ DX, DI
	INCQ AX
	ADDQ R10, SI
	CMPQ AX, CX
	JLT outfused_loop
outfused_done:
	VZEROUPPER
	RET

// GICONTRIB computes the contribution to one dx row of a row of tiles
// whose four columns before Bᵀ are qa…qd (winoGradInRow): the even and odd
// columns (b−c+d−d[j−1], b+c−a+a[j+1]) interleaved into Z24 (columns
// 0…15) and Z25 (16…31); Z20…Z23 are temporaries, Z28, Z29 the interleave
// indices, Z31 zero.
#define GICONTRIB(qa, qb, qc, qd) \
	VALIGND $15, Z31, qd, Z20; \
	VALIGND $1, qa, Z31, Z21; \
	VSUBPS qc, qb, Z22; \
	VADDPS qd, Z22, Z22; \
	VSUBPS Z20, Z22, Z22; \
	VADDPS qc, qb, Z23; \
	VSUBPS qa, Z23, Z23; \
	VADDPS Z21, Z23, Z23; \
	VMOVAPS Z28, Z24; \
	VPERMI2PS Z23, Z22, Z24; \
	VMOVAPS Z29, Z25; \
	VPERMI2PS Z23, Z22, Z25

// GILOAD sets (lo, hi) to the dx row at src, or to zero when R12 ≠ 0 (the
// gradient is written, not added).
#define GILOAD(src, lo, hi) \
	VPXORD lo, lo, lo; \
	VPXORD hi, hi, hi; \
	TESTQ R12, R12; \
	JNE 2(PC); \
	VMOVUPS.Z (src), K1, lo; \
	TESTQ R12, R12; \
	JNE 2(PC); \
	VMOVUPS.Z 64(src), K2, hi

// func winoGradInFusedAVX512(dx, dv *float32, sx, h, w, tw, lo, hi, tm, ow int)
// The whole input-gradient transform of one plane (winoB4, then
// winoGradInRow per row, in winoGradIn's order): tile row i's 16 rows of
// dV at dv + ξ·sx + i·tw (Z0…Z15) give the contributions to dx rows
// 2i−1…2i+2. Rows 2i+1 and 2i+2 are carried to the next tile row in
// (Z16, Z17) and (Z18, Z19), so each dx row is read and written once.
TEXT ·winoGradInFusedAVX512(SB), NOSPLIT, $0-80
	MOVQ dx+0(FP), DI
	MOVQ dv+8(FP), SI
	MOVQ sx+16(FP), R8
	SHLQ $2, R8
	MOVQ R8, R11
	SHLQ $2, R11
	MOVQ h+24(FP), CX
	MOVQ w+32(FP), DX
	SHLQ $2, DX
	MOVQ lo+48(FP), R13
	KMOVW R13, K1
	MOVQ hi+56(FP), R13
	KMOVW R13, K2
	MOVQ tm+64(FP), R13
	KMOVW R13, K3
	MOVQ ow+72(FP), R12
	MOVL $0x80000000, R13
	VPBROADCASTD R13, Z30
	VPXORD Z31, Z31, Z31
	VMOVUPS winoIdx<>+128(SB), Z28
	VMOVUPS winoIdx<>+192(SB), Z29
	MOVQ CX, BX
	INCQ BX
	SHRQ $1, BX          // tile rows
	XORQ AX, AX          // tile row i; DI is dx row 2i
	GILOAD(DI, Z18, Z19) // row 0 before its contributions
gifused_loop:
	// The 16 rows of dV: v_k,l in Z(4k+l).
	MOVQ SI, R9
	LEAQ (R9)(R8*2), R10
	ADDQ R8, R10
	VMOVUPS.Z (R9), K3, Z0
	VMOVUPS.Z (R9)(R8*1), K3, Z1
	VMOVUPS.Z (R9)(R8*2), K3, Z2
	VMOVUPS.Z (R10), K3, Z3
	ADDQ R11, R9
	ADDQ R11, R10
	VMOVUPS.Z (R9), K3, Z4
	VMOVUPS.Z (R9)(R8*1), K3, Z5
	VMOVUPS.Z (R9)(R8*2), K3, Z6
	VMOVUPS.Z (R10), K3, Z7
	ADDQ R11, R9
	ADDQ R11, R10
	VMOVUPS.Z (R9), K3, Z8
	VMOVUPS.Z (R9)(R8*1), K3, Z9
	VMOVUPS.Z (R9)(R8*2), K3, Z10
	VMOVUPS.Z (R10), K3, Z11
	ADDQ R11, R9
	ADDQ R11, R10
	VMOVUPS.Z (R9), K3, Z12
	VMOVUPS.Z (R9)(R8*1), K3, Z13
	VMOVUPS.Z (R9)(R8*2), K3, Z14
	VMOVUPS.Z (R10), K3, Z15
	// r = 0 (q = v0) completes row 2i−1, carried in (Z16, Z17).
	TESTQ AX, AX
	JEQ gifused_r2
	GICONTRIB(Z0, Z1, Z2, Z3)
	VADDPS Z24, Z16, Z16
	VADDPS Z25, Z17, Z17
	MOVQ DI, R9
	SUBQ DX, R9
	VMOVUPS Z16, K1, (R9)
	VMOVUPS Z17, K2, 64(R9)
gifused_r2:
	// r = 2 (q = v1 + v2 − v0, into Z0…Z3) starts row 2i+1.
	VADDPS Z8, Z4, Z20
	VSUBPS Z0, Z20, Z0
	VADDPS Z9, Z5, Z20
	VSUBPS Z1, Z20, Z1
	VADDPS Z10, Z6, Z20
	VSUBPS Z2, Z20, Z2
	VADDPS Z11, Z7, Z20
	VSUBPS Z3, Z20, Z3
	MOVQ AX, R13
	SHLQ $1, R13
	INCQ R13             // 2i+1
	CMPQ R13, CX
	JGE gifused_r1
	LEAQ (DI)(DX*1), R9
	GILOAD(R9, Z16, Z17)
	GICONTRIB(Z0, Z1, Z2, Z3)
	VADDPS Z24, Z16, Z16
	VADDPS Z25, Z17, Z17
gifused_r1:
	// r = 1 (q = v1 − v2 + v3, into Z4…Z7) completes row 2i.
	VSUBPS Z8, Z4, Z4
	VADDPS Z12, Z4, Z4
	VSUBPS Z9, Z5, Z5
	VADDPS Z13, Z5, Z5
	VSUBPS Z10, Z6, Z6
	VADDPS Z14, Z6, Z6
	VSUBPS Z11, Z7, Z7
	VADDPS Z15, Z7, Z7
	GICONTRIB(Z4, Z5, Z6, Z7)
	VADDPS Z24, Z18, Z18
	VADDPS Z25, Z19, Z19
	VMOVUPS Z18, K1, (DI)
	VMOVUPS Z19, K2, 64(DI)
	// r = 3 (q = −v3, into Z12…Z15) starts row 2i+2.
	MOVQ AX, R13
	SHLQ $1, R13
	ADDQ $2, R13         // 2i+2
	CMPQ R13, CX
	JGE gifused_next
	VPXORD Z30, Z12, Z12
	VPXORD Z30, Z13, Z13
	VPXORD Z30, Z14, Z14
	VPXORD Z30, Z15, Z15
	LEAQ (DI)(DX*2), R9
	GILOAD(R9, Z18, Z19)
	GICONTRIB(Z12, Z13, Z14, Z15)
	VADDPS Z24, Z18, Z18
	VADDPS Z25, Z19, Z19
gifused_next:
	LEAQ (DI)(DX*2), DI
	MOVQ tw+40(FP), R13
	LEAQ (SI)(R13*4), SI
	INCQ AX
	CMPQ AX, BX
	JLT gifused_loop
	// The last row 2i+1 has no tile row below it.
	MOVQ AX, R13
	SHLQ $1, R13
	DECQ R13             // 2·th − 1
	CMPQ R13, CX
	JGE gifused_done
	MOVQ DI, R9
	SUBQ DX, R9
	VMOVUPS Z16, K1, (R9)
	VMOVUPS Z17, K2, 64(R9)
gifused_done:
	VZEROUPPER
	RET
