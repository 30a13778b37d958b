//go:build amd64 && !noasm

#include "textflag.h"

// The float64 constants of fastmath.go, bit for bit.
DATA mathc<>+0(SB)/8, $0x3ff71547652b82fe   // log2e
DATA mathc<>+8(SB)/8, $0x3fe0000000000000   // 0.5
DATA mathc<>+16(SB)/8, $0xbfe0000000000000  // -0.5
DATA mathc<>+24(SB)/8, $0x3fe62e42fee00000  // ln2Hi
DATA mathc<>+32(SB)/8, $0x3dea39ef35793c76  // ln2Lo
DATA mathc<>+40(SB)/8, $0x3fc5555555555555  // expP1
DATA mathc<>+48(SB)/8, $0xbf66c16c16bebd93  // expP2
DATA mathc<>+56(SB)/8, $0x3f11566aaf25de2c  // expP3
DATA mathc<>+64(SB)/8, $0xbebbbd41c5d26bf1  // expP4
DATA mathc<>+72(SB)/8, $0x3e66376972bea4d0  // expP5
DATA mathc<>+80(SB)/8, $0x3ff0000000000000  // 1 (also the exponent bits of 1)
DATA mathc<>+88(SB)/8, $0x4000000000000000  // 2
DATA mathc<>+96(SB)/8, $0xc086200000000000  // -708
DATA mathc<>+104(SB)/8, $0x4086200000000000 // 708
DATA mathc<>+112(SB)/8, $0x3fe5555555555593 // logL1
DATA mathc<>+120(SB)/8, $0x3fd999999997fa04 // logL2
DATA mathc<>+128(SB)/8, $0x3fd2492494229359 // logL3
DATA mathc<>+136(SB)/8, $0x3fcc71c51d8e78af // logL4
DATA mathc<>+144(SB)/8, $0x3fc7466496cb03de // logL5
DATA mathc<>+152(SB)/8, $0x3fc39a09d078c69f // logL6
DATA mathc<>+160(SB)/8, $0x3fc2f112df3e5244 // logL7
DATA mathc<>+168(SB)/8, $0x3ff6a09e667f3bcd // √2
DATA mathc<>+176(SB)/8, $1023
DATA mathc<>+184(SB)/8, $0x7ff
DATA mathc<>+192(SB)/8, $1
DATA mathc<>+200(SB)/8, $0x000fffffffffffff // mantissa bits
GLOBL mathc<>(SB), RODATA|NOPTR, $208

// func expAsm(v *float64, n int) int
// expInPlace's fast path on 8 lanes, the same operations in the same order
// (no FMA), so the results are bit-identical. Stops before the first
// vector with an argument outside [−708, 708] or NaN and returns how many
// elements it did.
TEXT ·expAsm(SB), NOSPLIT, $0-24
	MOVQ         v+0(FP), SI
	MOVQ         n+8(FP), CX
	VBROADCASTSD mathc<>+0(SB), Z16
	VBROADCASTSD mathc<>+8(SB), Z17
	VBROADCASTSD mathc<>+16(SB), Z18
	VBROADCASTSD mathc<>+24(SB), Z19
	VBROADCASTSD mathc<>+32(SB), Z20
	VBROADCASTSD mathc<>+40(SB), Z21
	VBROADCASTSD mathc<>+48(SB), Z22
	VBROADCASTSD mathc<>+56(SB), Z23
	VBROADCASTSD mathc<>+64(SB), Z24
	VBROADCASTSD mathc<>+72(SB), Z25
	VBROADCASTSD mathc<>+80(SB), Z26
	VBROADCASTSD mathc<>+88(SB), Z27
	VBROADCASTSD mathc<>+96(SB), Z28
	VBROADCASTSD mathc<>+104(SB), Z29
	VBROADCASTSD mathc<>+176(SB), Z30
	VPXORQ       Z31, Z31, Z31
	XORQ         AX, AX

exploop:
	CMPQ       AX, CX
	JAE        expdone
	VMOVUPD    (SI)(AX*8), Z0
	VCMPPD     $0x1d, Z28, Z0, K1     // x ≥ −708
	VCMPPD     $0x12, Z29, Z0, K1, K2 // and x ≤ 708
	KMOVB      K2, BX
	CMPL       BX, $0xff
	JNE        expdone
	VCMPPD     $0x11, Z31, Z0, K3     // x < 0
	VBLENDMPD  Z18, Z17, K3, Z1       // −0.5 or 0.5
	VMULPD     Z16, Z0, Z2
	VADDPD     Z1, Z2, Z2             // t
	VCVTTPD2QQ Z2, Z3                 // k = int(t)
	VCVTQQ2PD  Z3, Z4                 // float64(k)
	VMULPD     Z19, Z4, Z5
	VSUBPD     Z5, Z0, Z5             // hi
	VMULPD     Z20, Z4, Z6            // lo
	VSUBPD     Z6, Z5, Z7             // r
	VMULPD     Z7, Z7, Z8             // rr
	VMULPD     Z25, Z8, Z9
	VADDPD     Z24, Z9, Z9
	VMULPD     Z9, Z8, Z9
	VADDPD     Z23, Z9, Z9
	VMULPD     Z9, Z8, Z9
	VADDPD     Z22, Z9, Z9
	VMULPD     Z9, Z8, Z9
	VADDPD     Z21, Z9, Z9
	VMULPD     Z9, Z8, Z9
	VSUBPD     Z9, Z7, Z10            // c
	VMULPD     Z10, Z7, Z11           // r·c
	VSUBPD     Z10, Z27, Z12          // 2 − c
	VDIVPD     Z12, Z11, Z11
	VSUBPD     Z11, Z6, Z11
	VSUBPD     Z5, Z11, Z11
	VSUBPD     Z11, Z26, Z11          // y
	VPADDQ     Z30, Z3, Z3
	VPSLLQ     $52, Z3, Z3            // 2^k
	VMULPD     Z3, Z11, Z11
	VMOVUPD    Z11, (SI)(AX*8)
	ADDQ       $8, AX
	JMP        exploop

expdone:
	MOVQ AX, ret+16(FP)
	VZEROUPPER
	RET

// func logWeightsAsm(d *float64, n int, negA, r2 float64) int
// d[i] = negA·fastLog(d[i] + r2) on 8 lanes, the operations of fastLog in
// the same order (no FMA), so bit-identical. Stops before the first
// vector with a sum that is not a positive normal number and returns how
// many elements it did.
TEXT ·logWeightsAsm(SB), NOSPLIT, $0-40
	MOVQ         d+0(FP), SI
	MOVQ         n+8(FP), CX
	VBROADCASTSD r2+24(FP), Z16
	VBROADCASTSD negA+16(FP), Z17
	VBROADCASTSD mathc<>+80(SB), Z18
	VBROADCASTSD mathc<>+88(SB), Z19
	VBROADCASTSD mathc<>+8(SB), Z20
	VBROADCASTSD mathc<>+168(SB), Z21
	VBROADCASTSD mathc<>+24(SB), Z22
	VBROADCASTSD mathc<>+32(SB), Z23
	VBROADCASTSD mathc<>+112(SB), Z24
	VBROADCASTSD mathc<>+120(SB), Z25
	VBROADCASTSD mathc<>+128(SB), Z26
	VBROADCASTSD mathc<>+136(SB), Z27
	VBROADCASTSD mathc<>+144(SB), Z28
	VBROADCASTSD mathc<>+152(SB), Z29
	VBROADCASTSD mathc<>+160(SB), Z30
	VBROADCASTSD mathc<>+200(SB), Z31
	VBROADCASTSD mathc<>+176(SB), Z14
	VBROADCASTSD mathc<>+184(SB), Z13
	VBROADCASTSD mathc<>+192(SB), Z12
	VPXORQ       Z11, Z11, Z11
	XORQ         AX, AX

logloop:
	CMPQ      AX, CX
	JAE       logdone
	VMOVUPD   (SI)(AX*8), Z0
	VADDPD    Z16, Z0, Z0            // x = d + r2
	VPSRLQ    $52, Z0, Z1            // sign and exponent
	VPCMPQ    $6, Z11, Z1, K1        // > 0: not zero or subnormal, not negative...
	VPCMPQ    $1, Z13, Z1, K1, K2    // < 0x7ff: ...and finite
	KMOVB     K2, BX
	CMPL      BX, $0xff
	JNE       logdone
	VPSUBQ    Z14, Z1, Z2            // k
	VPANDQ    Z31, Z0, Z3
	VPORQ     Z18, Z3, Z3            // f1 ∈ [1, 2)
	VCMPPD    $0x1e, Z21, Z3, K3     // f1 > √2
	VMULPD    Z20, Z3, K3, Z3
	VPADDQ    Z12, Z2, K3, Z2
	VSUBPD    Z18, Z3, Z4            // f
	VCVTQQ2PD Z2, Z5                 // fk
	VADDPD    Z19, Z4, Z6
	VDIVPD    Z6, Z4, Z6             // s
	VMULPD    Z6, Z6, Z7             // s2
	VMULPD    Z7, Z7, Z8             // s4
	VMULPD    Z30, Z8, Z9
	VADDPD    Z28, Z9, Z9
	VMULPD    Z9, Z8, Z9
	VADDPD    Z26, Z9, Z9
	VMULPD    Z9, Z8, Z9
	VADDPD    Z24, Z9, Z9
	VMULPD    Z9, Z7, Z9             // t1
	VMULPD    Z29, Z8, Z10
	VADDPD    Z27, Z10, Z10
	VMULPD    Z10, Z8, Z10
	VADDPD    Z25, Z10, Z10
	VMULPD    Z10, Z8, Z10           // t2
	VMULPD    Z20, Z4, Z1
	VMULPD    Z4, Z1, Z1             // hfsq
	VADDPD    Z9, Z1, Z9
	VADDPD    Z10, Z9, Z9
	VMULPD    Z9, Z6, Z9
	VMULPD    Z23, Z5, Z10
	VADDPD    Z10, Z9, Z9
	VSUBPD    Z9, Z1, Z9
	VSUBPD    Z4, Z9, Z9
	VMULPD    Z22, Z5, Z10
	VSUBPD    Z9, Z10, Z9            // log x
	VMULPD    Z17, Z9, Z9
	VMOVUPD   Z9, (SI)(AX*8)
	ADDQ      $8, AX
	JMP       logloop

logdone:
	MOVQ AX, ret+32(FP)
	VZEROUPPER
	RET
