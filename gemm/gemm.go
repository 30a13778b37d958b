package gemm

import (
	"fmt"
	"runtime"
	"sync"
)

// Sgemm computes C = alpha·op(A)·op(B) + beta·C where op(X) is X or Xᵀ.
// All matrices are row-major: op(A) is m×k, op(B) is k×n, C is m×n, and
// lda, ldb, ldc are the row strides of A, B and C as stored.
// When beta is 0, C is overwritten and its old contents (even NaN) are ignored.
// When alpha is 0 or k is 0, A and B are not read and C is only scaled by beta.
//
// Large products run on runtime.GOMAXPROCS(0) goroutines; small ones stay on
// the calling goroutine. Sgemm panics if a dimension is negative, a stride is
// smaller than its row length, or a slice is too short for its shape.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	SgemmThreads(runtime.GOMAXPROCS(0), transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// SgemmThreads is Sgemm on at most threads goroutines (fewer than one
// counts as one), for callers that manage their own thread budget, such as
// the neural engine's tapes or a caller already running one product per
// goroutine.
//
// The result does not depend on threads, bit for bit: the goroutines split
// C into blocks of whole register tiles and every element is summed over k
// in the same order whichever goroutine computes it.
func SgemmThreads(threads int, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	p := problem{transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, nil}
	if dotPicks(bestDot, &p) {
		sgemmDot(bestDot, threads, parallelMinFlops, &p)
		return
	}
	sgemmWith(bestKernel, threads, &p)
}

// problem is one Sgemm call's arguments.
type problem struct {
	transA, transB bool
	m, n, k        int
	alpha          float32
	a              []float32
	lda            int
	b              []float32
	ldb            int
	beta           float32
	c              []float32
	ldc            int
	// packed, when not nil, is op(B) already packed for this kernel; b and
	// ldb are then unused.
	packed *PackedB
}

// parallelMinFlops is the smallest product (2·m·n·k) worth spreading over
// goroutines. Starting and joining a worker costs a few microseconds, about
// what a core does in 2^20 flops on this kernel, so below that the split
// cannot pay for itself (and callers such as convolution often already run
// one Sgemm per goroutine).
const parallelMinFlops = 1 << 21

// sgemmWith is Sgemm with an explicit kernel and thread budget, so tests and
// benchmarks can exercise every kernel the CPU supports.
func sgemmWith(kn *kernel, threads int, p *problem) {
	sgemmSplit(kn, threads, parallelMinFlops, p)
}

// sgemmSplit is sgemmWith with the parallel threshold as a parameter, so
// tests can cover the row and column splits on small shapes.
func sgemmSplit(kn *kernel, threads, minFlops int, p *problem) {
	if p.settled() {
		return
	}
	m, n, k := p.m, p.n, p.k
	workers := threads
	if 2*m*n*k < minFlops {
		workers = 1
	}
	// Splitting rows makes every worker pack all of op(B) (k×n) (or, when
	// it is packed already, stream all of it from memory); splitting
	// columns makes every worker pack all of op(A) (m×k). Repack the smaller.
	mt, nt := ceilDiv(m, kn.mr), ceilDiv(n, kn.nr)
	splitRows := n <= m
	if splitRows && mt < workers && nt > mt {
		splitRows = false
	} else if !splitRows && nt < workers && mt > nt {
		splitRows = true
	}
	tiles, unit, size := nt, kn.nr, n
	if splitRows {
		tiles, unit, size = mt, kn.mr, m
	}
	workers = max(1, min(workers, tiles))
	if workers == 1 {
		s := scratchPool.Get().(*scratch)
		kn.block(p, 0, m, 0, n, s)
		scratchPool.Put(s)
		return
	}
	splitWork(workers, tiles, unit, size, func(lo, hi int) {
		s := scratchPool.Get().(*scratch)
		if splitRows {
			kn.block(p, lo, hi, 0, n, s)
		} else {
			kn.block(p, 0, m, lo, hi, s)
		}
		scratchPool.Put(s)
	})
}

// splitWork runs run(lo, hi) on workers goroutines, the calling one among
// them, over [0, size) cut into tiles units of unit elements (the last may
// be short): each goroutine a range of whole units, shared as evenly as
// whole units allow. A unit is a register tile's rows or columns, so no
// tile is split and every element is computed the same way whichever
// goroutine owns it.
func splitWork(workers, tiles, unit, size int, run func(lo, hi int)) {
	var wg sync.WaitGroup
	for w := range workers {
		lo := min(size, w*tiles/workers*unit)
		hi := min(size, (w+1)*tiles/workers*unit)
		if lo >= hi {
			continue
		}
		if w == workers-1 {
			run(lo, hi)
			continue
		}
		wg.Go(func() { run(lo, hi) })
	}
	wg.Wait()
}

// settled validates p and finishes the products that need no multiply
// (an empty C, or k = 0 or alpha = 0: C = beta·C), reporting whether it did.
func (p *problem) settled() bool {
	p.validate()
	if p.m == 0 || p.n == 0 {
		return true
	}
	if p.k == 0 || p.alpha == 0 {
		p.scaleC()
		return true
	}
	return false
}

// scaleC handles the products that need no multiply: C = beta·C.
func (p *problem) scaleC() {
	for i := range p.m {
		row := p.c[i*p.ldc : i*p.ldc+p.n]
		switch p.beta {
		case 0:
			clear(row)
		case 1:
		default:
			for j := range row {
				row[j] *= p.beta
			}
		}
	}
}

// validate panics with a description of the first argument that does not
// fit the shape, before any goroutine or assembly touches memory.
func (p *problem) validate() {
	if p.m < 0 || p.n < 0 || p.k < 0 {
		panic(fmt.Sprintf("gemm: negative dimension m=%d n=%d k=%d", p.m, p.n, p.k))
	}
	ar, ac := p.m, p.k
	if p.transA {
		ar, ac = ac, ar
	}
	br, bc := p.k, p.n
	if p.transB {
		br, bc = bc, br
	}
	multiplies := p.m > 0 && p.n > 0 && p.k > 0 && p.alpha != 0
	checkMatrix("a", p.a, ar, ac, p.lda, multiplies)
	if p.packed == nil {
		checkMatrix("b", p.b, br, bc, p.ldb, multiplies)
	}
	checkMatrix("c", p.c, p.m, p.n, p.ldc, p.m > 0 && p.n > 0)
}

// checkMatrix panics unless x can hold a rows×cols row-major matrix with row
// stride ld. Strides of non-empty matrices are checked even when the matrix
// will not be read, so a wrong stride is caught on the call that passes it;
// lengths only when it is read.
func checkMatrix(name string, x []float32, rows, cols, ld int, used bool) {
	if rows == 0 || cols == 0 {
		return
	}
	if ld < cols {
		panic(fmt.Sprintf("gemm: ld%s=%d is less than the %d columns of %s", name, ld, cols, name))
	}
	if !used {
		return
	}
	if need := (rows-1)*ld + cols; len(x) < need {
		panic(fmt.Sprintf("gemm: len(%s)=%d is too short for %d×%d with ld%s=%d (need %d)", name, len(x), rows, cols, name, ld, need))
	}
}

// scratch holds one worker's packing buffers. They are pooled because a
// 1024³ product needs about 2 MB of them per worker (AVX-512 kernel), which
// would otherwise be allocated and zeroed on every call.
type scratch struct{ a, b []float32 }

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// get returns (*buf)[:n], growing *buf when it is too small.
func (s *scratch) get(buf *[]float32, n int) []float32 {
	if cap(*buf) < n {
		*buf = make([]float32, n)
	}
	return (*buf)[:n]
}

func ceilDiv(x, d int) int { return (x + d - 1) / d }
