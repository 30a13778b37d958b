package gemm

import (
	"math"
	"runtime"
)

// SgemmBF16 is Sgemm in mixed precision: the elements of op(A) and op(B)
// are rounded to bfloat16 (8 significant bits, round to nearest even) and
// their products are summed in float32, as AVX512_BF16's VDPBF16PS does.
// C, alpha and beta stay float32. Against the exact product, each term
// carries a relative error of at most 2u + u² with u = 2⁻⁸ from the
// rounding of its two factors, plus float32 summation error.
//
// On CPUs without AVX512_BF16 (HasBF16 is false) it rounds copies of A and
// B and calls Sgemm: the same rounding, at float32 speed and memory cost.
func SgemmBF16(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	SgemmBF16Threads(runtime.GOMAXPROCS(0), transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// SgemmBF16Threads is SgemmBF16 on at most threads goroutines; like
// SgemmThreads, its result does not depend on threads.
func SgemmBF16Threads(threads int, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	p := problem{transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, nil}
	if kn := bf16Kernel(); kn != nil {
		sgemmWith(kn, threads, &p)
		return
	}
	sgemmBF16Emulated(threads, &p)
}

// HasBF16 reports whether this CPU multiplies bfloat16 in hardware, where
// SgemmBF16 is faster than Sgemm.
func HasBF16() bool { return bf16Kernel() != nil }

// sgemmBF16Emulated rounds op(A) and op(B) to bfloat16 values held in
// float32 and multiplies them with the float32 kernel. Products of two
// bfloat16 values are exact in float32, so only the order of the sums
// differs from the hardware path.
func sgemmBF16Emulated(threads int, p *problem) {
	p.validate()
	ar, ac := p.m, p.k
	if p.transA {
		ar, ac = ac, ar
	}
	br, bc := p.k, p.n
	if p.transB {
		br, bc = bc, br
	}
	q := *p
	q.a, q.lda = roundedCopy(p.a, ar, ac, p.lda), ac
	q.b, q.ldb = roundedCopy(p.b, br, bc, p.ldb), bc
	sgemmWith(bestKernel, threads, &q)
}

// roundedCopy returns the rows×cols matrix x (row stride ld) rounded to
// bfloat16, densely stored.
func roundedCopy(x []float32, rows, cols, ld int) []float32 {
	out := make([]float32, rows*cols)
	for i := range rows {
		for j, v := range x[i*ld : i*ld+cols] {
			out[i*cols+j] = RoundBF16(v)
		}
	}
	return out
}

// RoundBF16 rounds x to the nearest bfloat16 (ties to even) and returns it
// as a float32. NaN stays NaN; values beyond bfloat16's range become ±Inf,
// as in float32 → bfloat16 conversion.
func RoundBF16(x float32) float32 { return math.Float32frombits(uint32(bf16Bits(x)) << 16) }

// bf16Bits is x rounded to bfloat16, as its 16 bits.
func bf16Bits(x float32) uint16 {
	u := math.Float32bits(x)
	if u&0x7fffffff > 0x7f800000 { // NaN: keep it a (quiet) NaN
		return uint16(u>>16) | 0x40
	}
	// Round to nearest even on the 16 bits that are dropped.
	u += 0x7fff + (u>>16)&1
	return uint16(u >> 16)
}

// bf16Pair packs two values, rounded to bfloat16, into the 32-bit word
// VDPBF16PS reads: lo in the low half (element 2i), hi in the high half.
func bf16Pair(lo, hi float32) float32 {
	return math.Float32frombits(uint32(bf16Bits(hi))<<16 | uint32(bf16Bits(lo)))
}
