#include "textflag.h"

// AVX-512 kernels of the residual merge s·(a + b), its gradient, and the
// accumulation of gradients (d += s). Any
// length: whole vectors, then one masked vector for the tail (mask =
// 1<<(n%16) − 1). See scale_kernels.go for the portable reference. The
// inputs are streams from far caches (a residual branch's input was written
// many ops earlier), so the loops prefetch 2 KB ahead of the hardware, the
// outputs for writing.

// PREFETCHW (see gn_amd64.s) 2 KB ahead of d = DI and d2 = BX.
#define PREFETCHW_2K_DI_AX4 BYTE $0x0F; BYTE $0x0D; BYTE $0x8C; BYTE $0x87; BYTE $0x00; BYTE $0x08; BYTE $0x00; BYTE $0x00 // PREFETCHW 2048(DI)(AX*4)
#define PREFETCHW_2K_BX_AX4 BYTE $0x0F; BYTE $0x0D; BYTE $0x8C; BYTE $0x83; BYTE $0x00; BYTE $0x08; BYTE $0x00; BYTE $0x00 // PREFETCHW 2048(BX)(AX*4)

// func addScaleAVX512(d, a, b *float32, n int, s float32, mask int)
// d = s·(a + b).
TEXT ·addScaleAVX512(SB), NOSPLIT, $0-48
	MOVQ d+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DX
	MOVQ n+24(FP), CX
	VBROADCASTSS s+32(FP), Z5
	MOVQ mask+40(FP), R10
	KMOVW R10, K2
	MOVQ CX, R12
	ANDQ $-16, R12
	XORQ AX, AX
as_loop:
	CMPQ AX, R12
	JGE as_tail
	PREFETCHT0 2048(SI)(AX*4)
	PREFETCHT0 2048(DX)(AX*4)
	PREFETCHW_2K_DI_AX4
	VMOVUPS (SI)(AX*4), Z0
	VADDPS (DX)(AX*4), Z0, Z0
	VMULPS Z5, Z0, Z0
	VMOVUPS Z0, (DI)(AX*4)
	ADDQ $16, AX
	JMP as_loop
as_tail:
	CMPQ AX, CX
	JGE as_done
	VMOVUPS.Z (SI)(AX*4), K2, Z0
	VMOVUPS.Z (DX)(AX*4), K2, Z1
	VADDPS Z1, Z0, Z0
	VMULPS Z5, Z0, Z0
	VMOVUPS Z0, K2, (DI)(AX*4)
as_done:
	VZEROUPPER
	RET

// func scale2AVX512(d1, d2, gg *float32, n int, s float32, ow1, ow2, mask int)
// d1 = s·g (ow1 != 0) or d1 += s·g, and the same for d2; d1 may be g.
TEXT ·scale2AVX512(SB), NOSPLIT, $0-64
	MOVQ d1+0(FP), DI
	MOVQ d2+8(FP), BX
	MOVQ gg+16(FP), SI
	MOVQ n+24(FP), CX
	VBROADCASTSS s+32(FP), Z5
	MOVQ ow1+40(FP), R8
	MOVQ ow2+48(FP), R9
	MOVQ mask+56(FP), R10
	KMOVW R10, K2
	MOVQ CX, R12
	ANDQ $-16, R12
	XORQ AX, AX
s2_loop:
	CMPQ AX, R12
	JGE s2_tail
	PREFETCHT0 2048(SI)(AX*4)
	PREFETCHW_2K_BX_AX4
	VMULPS (SI)(AX*4), Z5, Z0
	VMOVAPS Z0, Z1
	TESTQ R8, R8
	JNZ s2_ow1
	VADDPS (DI)(AX*4), Z0, Z0
s2_ow1:
	TESTQ R9, R9
	JNZ s2_ow2
	VADDPS (BX)(AX*4), Z1, Z1
s2_ow2:
	VMOVUPS Z0, (DI)(AX*4)
	VMOVUPS Z1, (BX)(AX*4)
	ADDQ $16, AX
	JMP s2_loop
s2_tail:
	CMPQ AX, CX
	JGE s2_done
	VMOVUPS.Z (SI)(AX*4), K2, Z0
	VMULPS Z5, Z0, Z0
	VMOVAPS Z0, Z1
	TESTQ R8, R8
	JNZ s2_tow1
	VMOVUPS.Z (DI)(AX*4), K2, Z2
	VADDPS Z2, Z0, Z0
s2_tow1:
	TESTQ R9, R9
	JNZ s2_tow2
	VMOVUPS.Z (BX)(AX*4), K2, Z3
	VADDPS Z3, Z1, Z1
s2_tow2:
	VMOVUPS Z0, K2, (DI)(AX*4)
	VMOVUPS Z1, K2, (BX)(AX*4)
s2_done:
	VZEROUPPER
	RET

// func addToAVX512(d, s *float32, n, mask int)
// d += s.
TEXT ·addToAVX512(SB), NOSPLIT, $0-32
	MOVQ d+0(FP), DI
	MOVQ s+8(FP), SI
	MOVQ n+16(FP), CX
	MOVQ mask+24(FP), R10
	KMOVW R10, K2
	MOVQ CX, R12
	ANDQ $-16, R12
	XORQ AX, AX
at_loop:
	CMPQ AX, R12
	JGE at_tail
	VMOVUPS (DI)(AX*4), Z0
	VADDPS (SI)(AX*4), Z0, Z0
	VMOVUPS Z0, (DI)(AX*4)
	ADDQ $16, AX
	JMP at_loop
at_tail:
	CMPQ AX, CX
	JGE at_done
	VMOVUPS.Z (DI)(AX*4), K2, Z0
	VMOVUPS.Z (SI)(AX*4), K2, Z1
	VADDPS Z1, Z0, Z0
	VMOVUPS Z0, K2, (DI)(AX*4)
at_done:
	VZEROUPPER
	RET
