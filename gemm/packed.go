package gemm

import (
	"fmt"
	"runtime"
)

// PackedB is op(B) copied once into the panel order the kernel's block loop
// reads, for callers that multiply many different A by the same B (the exact
// field multiplies every block of queries by the same charges). Sgemm packs
// B again on every call, which for a large B and a short A costs a large
// share of the product.
//
// A PackedB is read-only once PackB returns, so any number of goroutines may
// pass the same one to SgemmPacked at once.
type PackedB struct {
	kn   *kernel
	k, n int
	// The k blocks, split as the block loop splits k (kn.kcBlock), one after
	// another; block pc (of kc rows) starts at pc·roundUp(n, nr) and holds
	// roundUp(n, nr)/nr panels of kc×nr floats, columns past n zeroed.
	data []float32
}

// K and N return the shape of op(B): K rows (the inner dimension) by N columns.
func (pb *PackedB) K() int { return pb.k }

// N is the number of columns of op(B) and so of C.
func (pb *PackedB) N() int { return pb.n }

// PackB packs op(B) (k×n; B row-major with row stride ldb, transposed when
// transB) for SgemmPacked. b is not referenced afterwards. PackB panics if a
// dimension is negative, ldb is smaller than B's row length, or b is too
// short for its shape.
func PackB(transB bool, k, n int, b []float32, ldb int) *PackedB {
	return packBWith(bestKernel, transB, k, n, b, ldb)
}

// packBWith is PackB for an explicit kernel, so tests can cover every path.
func packBWith(kn *kernel, transB bool, k, n int, b []float32, ldb int) *PackedB {
	if k < 0 || n < 0 {
		panic(fmt.Sprintf("gemm: negative dimension k=%d n=%d", k, n))
	}
	br, bc := k, n
	if transB {
		br, bc = bc, br
	}
	checkMatrix("b", b, br, bc, ldb, true)
	pb := &PackedB{kn: kn, k: k, n: n}
	if k == 0 || n == 0 {
		return pb
	}
	kcBlock := kn.kcBlock(k)
	np := roundUp(n, kn.nr)
	pb.data = make([]float32, k*np)
	p := problem{transB: transB, n: n, k: k, b: b, ldb: ldb}
	for pc := 0; pc < k; pc += kcBlock {
		kc := min(kcBlock, k-pc)
		packB(pb.data[pc*np:(pc+kc)*np], &p, pc, kc, 0, n, kn.nr)
	}
	return pb
}

// panel returns the packed kc×nr panel of op(B) rows [pc, pc+kc) starting at
// column j, which must be a multiple of nr (every column range the workers
// and the nc blocks produce is).
func (pb *PackedB) panel(pc, kc, j int) []float32 {
	nr := pb.kn.nr
	base := pc*roundUp(pb.n, nr) + j*kc
	return pb.data[base : base+nr*kc]
}

// SgemmPacked computes C = alpha·op(A)·op(B) + beta·C like Sgemm, with op(B)
// (pb.K()×pb.N()) already packed by PackB: op(A) is m×pb.K() and C is
// m×pb.N(). It runs on runtime.GOMAXPROCS(0) goroutines when the product is
// large, and panics on the same argument errors as Sgemm.
func SgemmPacked(transA bool, m int, alpha float32, a []float32, lda int, pb *PackedB, beta float32, c []float32, ldc int) {
	p := problem{transA: transA, m: m, n: pb.n, k: pb.k, alpha: alpha, a: a, lda: lda, beta: beta, c: c, ldc: ldc, packed: pb}
	sgemmWith(pb.kn, runtime.GOMAXPROCS(0), &p)
}
