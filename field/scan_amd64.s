//go:build amd64 && !noasm

#include "textflag.h"

// Lane numbers 0..15, the index offsets of one vector of 16 float32.
DATA lanes<>+0(SB)/4, $0
DATA lanes<>+4(SB)/4, $1
DATA lanes<>+8(SB)/4, $2
DATA lanes<>+12(SB)/4, $3
DATA lanes<>+16(SB)/4, $4
DATA lanes<>+20(SB)/4, $5
DATA lanes<>+24(SB)/4, $6
DATA lanes<>+28(SB)/4, $7
DATA lanes<>+32(SB)/4, $8
DATA lanes<>+36(SB)/4, $9
DATA lanes<>+40(SB)/4, $10
DATA lanes<>+44(SB)/4, $11
DATA lanes<>+48(SB)/4, $12
DATA lanes<>+52(SB)/4, $13
DATA lanes<>+56(SB)/4, $14
DATA lanes<>+60(SB)/4, $15
GLOBL lanes<>(SB), RODATA|NOPTR, $64

// func minPlusAsm(a, b *float32, n int) float32
// Four independent running minima over 64 elements a step, then 16.
TEXT ·minPlusAsm(SB), NOSPLIT, $0-28
	MOVQ a+0(FP), SI
	MOVQ b+8(FP), DX
	MOVQ n+16(FP), CX
	VMOVUPS (SI), Z0
	VADDPS  (DX), Z0, Z0
	VMOVAPS Z0, Z1
	VMOVAPS Z0, Z2
	VMOVAPS Z0, Z3
	XORQ    AX, AX
	MOVQ    CX, BX
	ANDQ    $-64, BX
	JZ      tail

loop64:
	VMOVUPS (SI)(AX*4), Z4
	VMOVUPS 64(SI)(AX*4), Z5
	VMOVUPS 128(SI)(AX*4), Z6
	VMOVUPS 192(SI)(AX*4), Z7
	VADDPS  (DX)(AX*4), Z4, Z4
	VADDPS  64(DX)(AX*4), Z5, Z5
	VADDPS  128(DX)(AX*4), Z6, Z6
	VADDPS  192(DX)(AX*4), Z7, Z7
	VMINPS  Z4, Z0, Z0
	VMINPS  Z5, Z1, Z1
	VMINPS  Z6, Z2, Z2
	VMINPS  Z7, Z3, Z3
	ADDQ    $64, AX
	CMPQ    AX, BX
	JB      loop64

tail:
	CMPQ    AX, CX
	JAE     reduce
	VMOVUPS (SI)(AX*4), Z4
	VADDPS  (DX)(AX*4), Z4, Z4
	VMINPS  Z4, Z0, Z0
	ADDQ    $16, AX
	JMP     tail

reduce:
	VMINPS        Z1, Z0, Z0
	VMINPS        Z3, Z2, Z2
	VMINPS        Z2, Z0, Z0
	VEXTRACTF32X8 $1, Z0, Y1
	VMINPS        Y1, Y0, Y0
	VEXTRACTF128  $1, Y0, X1
	VMINPS        X1, X0, X0
	VPERMILPS     $0x4e, X0, X1
	VMINPS        X1, X0, X0
	VPERMILPS     $0xb1, X0, X1
	VMINPS        X1, X0, X0
	VMOVSS        X0, ret+24(FP)
	VZEROUPPER
	RET

// func selectLEAsm(a, b *float32, n int, thr float32, base int32, idx *int32, limit int) int
// Compare 16 sums at a time with thr; on the rare vector with a hit,
// compress the hit lanes' indices into a register and store the whole
// vector (a compressing store to memory is microcoded and slow on some
// CPUs), advancing the count by the hits only.
TEXT ·selectLEAsm(SB), NOSPLIT, $0-56
	MOVQ         a+0(FP), SI
	MOVQ         b+8(FP), DX
	MOVQ         n+16(FP), CX
	VBROADCASTSS thr+24(FP), Z1
	MOVL         base+28(FP), AX
	VPBROADCASTD AX, Z2
	VPADDD       lanes<>(SB), Z2, Z2
	MOVL         $16, AX
	VPBROADCASTD AX, Z3
	MOVQ         idx+32(FP), DI
	MOVQ         limit+40(FP), R8
	XORQ         AX, AX
	XORQ         BX, BX

loop:
	VMOVUPS  (SI)(AX*4), Z0
	VADDPS   (DX)(AX*4), Z0, Z0
	VCMPPS   $2, Z1, Z0, K1
	KORTESTW K1, K1
	JNZ      hit

next:
	VPADDD Z3, Z2, Z2
	ADDQ   $16, AX
	CMPQ   AX, CX
	JB     loop
	MOVQ   BX, ret+48(FP)
	VZEROUPPER
	RET

hit:
	KMOVW       K1, R9
	POPCNTL     R9, R9
	LEAQ        (BX)(R9*1), R10
	CMPQ        R10, R8
	JA          overflow
	VPCOMPRESSD Z2, K1, Z4
	VMOVDQU32   Z4, (DI)(BX*4)
	MOVQ        R10, BX
	JMP         next

overflow:
	MOVQ $-1, ret+48(FP)
	VZEROUPPER
	RET
