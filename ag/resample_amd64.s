#include "textflag.h"

// AVX-512 kernels of 2×2 pooling and its transpose (nearest up-sampling):
// output rows of up to 16 lanes per step, the partial last step masked.
// tab holds the permutations (see resample_kernels.go), masks the tail's
// lane masks: [0] and [1] for the two 16-lane halves of the wide rows,
// [2] for the narrow row.

// func pool2AVX512(dst, src *float32, rows, wo int, s float32, ow int, tab *[32]int32, masks *[3]uint16)
// For each of rows output rows of wo elements, from two input rows of 2·wo:
// dst[j] = s·((r0[2j] + r1[2j]) + (r0[2j+1] + r1[2j+1])) (ow != 0), or
// dst[j] += that.
TEXT ·pool2AVX512(SB), NOSPLIT, $0-64
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ rows+16(FP), CX
	MOVQ wo+24(FP), DX
	VBROADCASTSS s+32(FP), Z5
	MOVQ ow+40(FP), R8
	MOVQ tab+48(FP), R9
	MOVQ masks+56(FP), R10
	VMOVUPS (R9), Z6
	VMOVUPS 64(R9), Z7
	KMOVW 0(R10), K1
	KMOVW 2(R10), K2
	KMOVW 4(R10), K3
	MOVQ DX, R11
	SHLQ $3, R11
	MOVQ DX, R12
	ANDQ $-16, R12
p2_row:
	TESTQ CX, CX
	JZ p2_done
	LEAQ (SI)(R11*1), BX
	XORQ AX, AX
p2_chunk:
	CMPQ AX, R12
	JGE p2_tail
	VMOVUPS (SI)(AX*8), Z0
	VMOVUPS 64(SI)(AX*8), Z1
	VADDPS (BX)(AX*8), Z0, Z0
	VADDPS 64(BX)(AX*8), Z1, Z1
	VMOVAPS Z6, Z2
	VPERMI2PS Z1, Z0, Z2
	VMOVAPS Z7, Z3
	VPERMI2PS Z1, Z0, Z3
	VADDPS Z3, Z2, Z2
	VMULPS Z5, Z2, Z2
	TESTQ R8, R8
	JNZ p2_store
	VADDPS (DI)(AX*4), Z2, Z2
p2_store:
	VMOVUPS Z2, (DI)(AX*4)
	ADDQ $16, AX
	JMP p2_chunk
p2_tail:
	CMPQ AX, DX
	JGE p2_next
	VMOVUPS.Z (SI)(AX*8), K1, Z0
	VMOVUPS.Z 64(SI)(AX*8), K2, Z1
	VMOVUPS.Z (BX)(AX*8), K1, Z8
	VMOVUPS.Z 64(BX)(AX*8), K2, Z9
	VADDPS Z8, Z0, Z0
	VADDPS Z9, Z1, Z1
	VMOVAPS Z6, Z2
	VPERMI2PS Z1, Z0, Z2
	VMOVAPS Z7, Z3
	VPERMI2PS Z1, Z0, Z3
	VADDPS Z3, Z2, Z2
	VMULPS Z5, Z2, Z2
	TESTQ R8, R8
	JNZ p2_tstore
	VMOVUPS.Z (DI)(AX*4), K3, Z4
	VADDPS Z4, Z2, Z2
p2_tstore:
	VMOVUPS Z2, K3, (DI)(AX*4)
p2_next:
	LEAQ (SI)(R11*2), SI
	LEAQ (DI)(DX*4), DI
	DECQ CX
	JMP p2_row
p2_done:
	VZEROUPPER
	RET

// SPREADROW writes (R8 != 0) or adds the duplicated lanes Z1 (low half)
// and Z2 (high half) at the row R13, masks K1/K2 (all ones in the body).
#define SPREADROW(Rrow) \
	TESTQ R8, R8; \
	JNZ 3(PC); \
	VADDPS.Z (Rrow)(AX*8), Z1, K1, Z1; \
	VADDPS.Z 64(Rrow)(AX*8), Z2, K2, Z2; \
	VMOVUPS Z1, K1, (Rrow)(AX*8); \
	VMOVUPS Z2, K2, 64(Rrow)(AX*8)

// func spread2AVX512(dst, src *float32, rows, w int, s float32, ow int, tab *[32]int32, masks *[3]uint16)
// For each of rows input rows of w elements: s·src[j] written (ow != 0)
// or added to dst[2j], dst[2j+1] of both output rows of 2·w.
TEXT ·spread2AVX512(SB), NOSPLIT, $0-64
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ rows+16(FP), CX
	MOVQ w+24(FP), DX
	VBROADCASTSS s+32(FP), Z5
	MOVQ ow+40(FP), R8
	MOVQ tab+48(FP), R9
	MOVQ masks+56(FP), R10
	VMOVUPS (R9), Z6
	VMOVUPS 64(R9), Z7
	MOVQ DX, R11
	SHLQ $3, R11
	MOVQ DX, R12
	ANDQ $-16, R12
s2r_row:
	TESTQ CX, CX
	JZ s2r_done
	LEAQ (DI)(R11*1), BX
	XORQ AX, AX
	MOVL $0xffff, R13
	KMOVW R13, K1
	KMOVW R13, K2
	KMOVW R13, K3
s2r_chunk:
	CMPQ AX, DX
	JGE s2r_next
	CMPQ AX, R12
	JL s2r_body
	KMOVW 0(R10), K1
	KMOVW 2(R10), K2
	KMOVW 4(R10), K3
s2r_body:
	VMOVUPS.Z (SI)(AX*4), K3, Z0
	VMULPS Z5, Z0, Z0
	VPERMPS Z0, Z6, Z3
	VPERMPS Z0, Z7, Z4
	VMOVAPS Z3, Z1
	VMOVAPS Z4, Z2
	SPREADROW(DI)
	VMOVAPS Z3, Z1
	VMOVAPS Z4, Z2
	SPREADROW(BX)
	ADDQ $16, AX
	JMP s2r_chunk
s2r_next:
	LEAQ (SI)(DX*4), SI
	LEAQ (DI)(R11*2), DI
	DECQ CX
	JMP s2r_row
s2r_done:
	VZEROUPPER
	RET
