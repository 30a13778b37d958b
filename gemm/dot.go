package gemm

import "math"

// The dot-product form of C = alpha·A·Bᵀ + beta·C (transA false, transB
// true): rows of A and rows of B both hold k contiguous floats, so each C
// element is the dot product of two contiguous rows and nothing needs
// packing. The blocked loop (block.go) would instead transpose both
// operands into k-major panels for its register tile, which costs as much
// as the multiply when m and n are small (the Winograd and im2col weight
// gradients: C×O×T products with C, O ≤ 256).
//
// A block is dotMR rows of A × dotNR rows of B. The assembly keeps one
// 16-lane accumulator per C element (lane l sums the products with
// p mod 16 = l) and reduces the lanes in registers; dotBlockGo below is the
// same computation in Go, operation for operation.
const dotMR, dotNR = 4, 6

// dotBlockFunc computes C[0:rows, 0:cols] = alpha·A·Bᵀ + beta·C, where row i
// of A is a[i*lda : i*lda+k], row j of B is b[j*ldb : j*ldb+k] and c starts
// at the block's top-left element. 1 ≤ rows ≤ dotMR, 1 ≤ cols ≤ dotNR,
// k ≥ 1. When beta is 0, C is only written.
type dotBlockFunc func(k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, alpha, beta float32, rows, cols int)

// bestDot is the assembly block routine when the CPU has one, else nil:
// Sgemm only takes the dot path on the assembly.
var bestDot = dotAsm()

// dotBlockGo is the specification of the dot-product kernel and its
// portable fallback:
//
//	C[i,j] = fma(beta, C[i,j], alpha·Σ_p A[i,p]·B[j,p])
//
// with the sum taken in 16 lanes and reduced by dotReduce.
func dotBlockGo(k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, alpha, beta float32, rows, cols int) {
	for i := range rows {
		for j := range cols {
			s := float32(alpha * dotLanes(a[i*lda:i*lda+k], b[j*ldb:j*ldb+k]))
			if beta != 0 {
				s = fma32(beta, c[i*ldc+j], s)
			}
			c[i*ldc+j] = s
		}
	}
}

// dotLanes is x·y summed as the 16 lanes of one zmm accumulator: lane l
// accumulates x[p]·y[p] for p ≡ l (mod 16) with fused multiply-adds.
func dotLanes(x, y []float32) float32 {
	var lane [16]float32
	for p := range x {
		lane[p%16] = fma32(x[p], y[p], lane[p%16])
	}
	return dotReduce(&lane)
}

// dotReduce sums the 16 lanes in the order of the assembly's transpose-add
// tree: within each 128-bit chunk q, (x0+x2)+(x1+x3); then the chunks,
// (q0+q1)+(q2+q3).
func dotReduce(x *[16]float32) float32 {
	var q [4]float32
	for c := range q {
		q[c] = float32(x[4*c]+x[4*c+2]) + float32(x[4*c+1]+x[4*c+3])
	}
	return float32(q[0]+q[1]) + float32(q[2]+q[3])
}

// fma32 is x·y + z rounded once to float32, as VFMADD231PS does. (Through
// float64: the product is exact there; the sum is rounded twice, which
// differs from one rounding only when the float64 result falls exactly on
// a float32 tie, about once in 2^29 random operations.)
func fma32(x, y, z float32) float32 {
	return float32(math.FMA(float64(x), float64(y), float64(z)))
}

// Sgemm takes the dot path for the products it wins (BenchmarkDotVsPacked,
// one core): those where packing is a large share of the blocked path's
// work. Packing costs ∝ (m+n)·k against m·n·k of arithmetic, so its share
// grows as 1/m + 1/n; the dot kernel's own overhead, the lane reduction,
// costs ∝ m·n and matters when k is short. Measured on AVX-512, one core,
// operands in cache (dot time / packed time, medians of 5):
// 32×32×196 0.84, 32×32×256 0.70, 48×48×196 0.71, 96×32×196 0.98,
// 96×32×256 0.91, 9×32×784 0.50, 16×16×196 0.24, 32×1×196 0.06 (the
// blocked path pads n to its 32-wide tile); but 64×64×256 1.02,
// 64×64×245 1.28, 128×64×256 1.05, 32×32×64 1.22, 64×64×64 1.40,
// 256³ 1.30, 1024³ 3.3. Rows that do not start on a 64-byte line (strides
// 196, 245) cost the dot kernel 15-30 %: every load straddles two lines.
const (
	dotPackShare = 24   // dot when 1/m + 1/n ≥ 1/dotPackShare
	dotMinK      = 128  // shorter k: the reduction dominates
	dotMaxMN     = 1024 // beyond: not measured, stay on the blocked path
)

// dotPicks reports whether Sgemm runs p on the dot kernel blk.
func dotPicks(blk dotBlockFunc, p *problem) bool {
	return blk != nil && !p.transA && p.transB && p.packed == nil &&
		p.k >= dotMinK && p.m <= dotMaxMN && p.n <= dotMaxMN &&
		dotPackShare*(p.m+p.n) >= p.m*p.n
}

// sgemmDot is sgemmSplit on the dot kernel blk: the same checks, then
// workers split C into ranges of whole dotMR-row blocks. Every element is
// one dot product computed the same way whichever worker owns it, so the
// result does not depend on threads.
func sgemmDot(blk dotBlockFunc, threads, minFlops int, p *problem) {
	if p.settled() {
		return
	}
	m, n, k := p.m, p.n, p.k
	blocks := ceilDiv(m, dotMR)
	workers := max(1, min(threads, blocks))
	if 2*m*n*k < minFlops {
		workers = 1
	}
	if workers == 1 {
		dotRows(blk, p, 0, m)
		return
	}
	splitWork(workers, blocks, dotMR, m, func(lo, hi int) { dotRows(blk, p, lo, hi) })
}

// dotRows computes rows [i0, i1) of C block by block. A's dotMR rows stay
// in L1 while B streams past from L2.
func dotRows(blk dotBlockFunc, p *problem, i0, i1 int) {
	for i := i0; i < i1; i += dotMR {
		rows := min(dotMR, i1-i)
		for j := 0; j < p.n; j += dotNR {
			blk(p.k, p.a[i*p.lda:], p.lda, p.b[j*p.ldb:], p.ldb, p.c[i*p.ldc+j:], p.ldc, p.alpha, p.beta, rows, min(dotNR, p.n-j))
		}
	}
}
