package gemm

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The product must not depend on the number of goroutines, bit for bit, for
// every kernel, both split directions and ragged edges: callers (the neural
// engine's reductions, resumed training runs) rely on it.
func TestSgemmIsIndependentOfThreads(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	shapes := []shape{{131, 97, 257}, {29, 300, 65}, {300, 17, 33}, {14, 32, 300}, {1, 129, 40}, {45, 1, 600}}
	for _, kn := range availableKernels() {
		for _, sh := range shapes {
			for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
				ar, ac := sh.m, sh.k
				if tr[0] {
					ar, ac = ac, ar
				}
				br, bc := sh.k, sh.n
				if tr[1] {
					br, bc = bc, br
				}
				a, b, c0 := newOperand(r, ar, ac, 1), newOperand(r, br, bc, 2), newOperand(r, sh.m, sh.n, 3)
				run := func(threads int) []float32 {
					c := append([]float32(nil), c0.data...)
					p := problem{tr[0], tr[1], sh.m, sh.n, sh.k, 1.25, a.data, a.ld, b.data, b.ld, 0.5, c, c0.ld, nil}
					sgemmSplit(kn, threads, 0, &p) // threshold 0: split even small products
					return c
				}
				ref := run(1)
				for _, th := range []int{2, 3, 5, 8} {
					got := run(th)
					for i := range ref {
						if math.Float32bits(got[i]) != math.Float32bits(ref[i]) {
							t.Fatalf("%s %v trans %v, %d threads: C[%d] = %v, 1 thread gives %v", kn.name, sh, tr, th, i, got[i], ref[i])
						}
					}
				}
			}
		}
	}
}

func TestSgemmThreadsPublic(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	const m, n, k = 200, 150, 300
	a, b := newOperand(r, m, k, 0), newOperand(r, k, n, 0)
	want := make([]float32, m*n)
	Sgemm(false, false, m, n, k, 1, a.data, a.ld, b.data, b.ld, 0, want, n)
	for _, th := range []int{-1, 0, 1, 2, 3} {
		got := make([]float32, m*n)
		SgemmThreads(th, false, false, m, n, k, 1, a.data, a.ld, b.data, b.ld, 0, got, n)
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("SgemmThreads(%d) C[%d] = %v, Sgemm gives %v", th, i, got[i], want[i])
			}
		}
	}
}

// The dot path's result does not depend on threads either, bit for bit:
// on the kernel alone with the parallel threshold at 0, and through the
// public entry point on a product big enough to be split.
func TestDotIsIndependentOfThreads(t *testing.T) {
	r := rand.New(rand.NewPCG(25, 26))
	for _, d := range dotBlocks() {
		for _, sh := range []shape{{131, 97, 257}, {29, 64, 65}, {45, 1, 600}, {1, 129, 40}, {64, 64, 256}} {
			a, b, c0 := newOperand(r, sh.m, sh.k, 1), newOperand(r, sh.n, sh.k, 2), newOperand(r, sh.m, sh.n, 3)
			ref := runDot(d.blk, 1, sh.m, sh.n, sh.k, 1.25, a, b, 0.5, c0)
			for _, th := range []int{2, 3, 5, 8} {
				got := runDot(d.blk, th, sh.m, sh.n, sh.k, 1.25, a, b, 0.5, c0)
				for i := range ref {
					if math.Float32bits(got[i]) != math.Float32bits(ref[i]) {
						t.Fatalf("%s %v, %d threads: C[%d] = %v, 1 thread gives %v", d.name, sh, th, i, got[i], ref[i])
					}
				}
			}
		}
	}
	if bestDot == nil {
		return
	}
	const m, n, k = 1021, 13, 517
	p := problem{false, true, m, n, k, 0, nil, 0, nil, 0, 0, nil, 0, nil}
	if !dotPicks(bestDot, &p) || 2*m*n*k < parallelMinFlops {
		t.Fatalf("%d×%d×%d NT does not exercise the parallel dot path", m, n, k)
	}
	a, b := newOperand(r, m, k, 1), newOperand(r, n, k, 2)
	want := make([]float32, m*n)
	SgemmThreads(1, false, true, m, n, k, 1, a.data, a.ld, b.data, b.ld, 0, want, n)
	for _, th := range []int{2, 3, 4} {
		got := make([]float32, m*n)
		SgemmThreads(th, false, true, m, n, k, 1, a.data, a.ld, b.data, b.ld, 0, got, n)
		for i := range got {
			if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
				t.Fatalf("SgemmThreads(%d) NT %d×%d×%d C[%d] = %v, 1 thread gives %v", th, m, n, k, i, got[i], want[i])
			}
		}
	}
}
