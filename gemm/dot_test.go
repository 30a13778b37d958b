package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// dotBlocks lists the dot block routines this CPU runs: the Go
// specification always, the assembly when present.
func dotBlocks() []struct {
	name string
	blk  dotBlockFunc
} {
	bs := []struct {
		name string
		blk  dotBlockFunc
	}{{"go", dotBlockGo}}
	if bestDot != nil {
		bs = append(bs, struct {
			name string
			blk  dotBlockFunc
		}{"asm", bestDot})
	}
	return bs
}

// runDot runs C = alpha·A·Bᵀ + beta·C on blk at the given thread count with
// the parallel threshold at 0, so even small shapes are split.
func runDot(blk dotBlockFunc, threads int, m, n, k int, alpha float32, a, b operand, beta float32, c0 operand) []float32 {
	c := append([]float32(nil), c0.data...)
	p := problem{false, true, m, n, k, alpha, a.data, a.ld, b.data, b.ld, beta, c, c0.ld, nil}
	sgemmDot(blk, threads, 0, &p)
	return c
}

// Every edge shape (m, n from 1 to 13 cover 0..3 spare rows and 0..5 spare
// columns of the 4×6 block, k from 1 to 70 every k mod 16 and 0..4 full
// chunks), every (alpha, beta) incl. beta = 0 over NaN, strides larger than
// the rows: within the float32 accumulation bound of the float64 reference,
// and no write outside C's m×n elements.
func TestDotAgainstReference(t *testing.T) {
	for _, d := range dotBlocks() {
		t.Run(d.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(21, 22))
			for m := 1; m <= 13; m++ {
				for n := 1; n <= 13; n++ {
					for _, k := range dotTestKs(m, n) {
						for _, s := range testScalars {
							checkDot(t, r, d.blk, m, n, k, s)
						}
					}
				}
			}
			// Shapes with several blocks and workers, Winograd-like.
			for _, sh := range []shape{{32, 32, 256}, {37, 29, 131}, {96, 32, 200}} {
				checkDot(t, r, d.blk, sh.m, sh.n, sh.k, scalars{-0.75, 0.5})
			}
		})
	}
}

// dotTestKs is k = 1..70 for a spread of (m, n), and the k mod 16 edge
// cases for the rest, to keep the test fast.
func dotTestKs(m, n int) []int {
	if m%4 == 1 || n%6 == 1 || m == n {
		ks := make([]int, 70)
		for i := range ks {
			ks[i] = i + 1
		}
		return ks
	}
	return []int{1, 15, 16, 17, 33, 64, 70}
}

func checkDot(t *testing.T, r *rand.Rand, blk dotBlockFunc, m, n, k int, s scalars) {
	t.Helper()
	a, b, c0 := newOperand(r, m, k, 3), newOperand(r, n, k, 5), newOperand(r, m, n, 2)
	if s.beta == 0 {
		for i := range c0.data {
			if c0.data[i] != sentinel {
				c0.data[i] = float32(math.NaN())
			}
		}
	}
	want, scale := reference(false, true, m, n, k, s.alpha, a, b, s.beta, c0)
	for _, threads := range []int{1, 3} {
		c := runDot(blk, threads, m, n, k, s.alpha, a, b, s.beta, c0)
		for i := range m {
			for j := range n {
				got := float64(c[i*c0.ld+j])
				if d := math.Abs(got - want[i*n+j]); !(d <= tolerance(k, scale[i*n+j])) {
					t.Fatalf("%dx%dx%d alpha %g beta %g threads %d: C[%d,%d] = %g, want %g (tol %.3g)", m, n, k, s.alpha, s.beta, threads, i, j, got, want[i*n+j], tolerance(k, scale[i*n+j]))
				}
			}
			for j := n; i < m-1 && j < c0.ld; j++ {
				if c[i*c0.ld+j] != sentinel {
					t.Fatalf("%dx%dx%d: wrote C padding at row %d col %d", m, n, k, i, j)
				}
			}
		}
	}
}

// The assembly does what dotBlockGo specifies, operation for operation (16
// lanes, fused multiply-adds, the same reduction tree), so on these seeds
// the two agree bit for bit; a wrong lane order or tree would show here
// even where both stay inside the error bound.
func TestDotAsmMatchesGo(t *testing.T) {
	if bestDot == nil {
		t.Skip("no dot assembly on this CPU/build")
	}
	r := rand.New(rand.NewPCG(23, 24))
	for m := 1; m <= 9; m++ {
		for n := 1; n <= 13; n++ {
			for _, k := range []int{1, 7, 16, 31, 48, 70, 257} {
				for _, s := range []scalars{{1, 0}, {-0.75, 0.5}} {
					a, b, c0 := newOperand(r, m, k, 1), newOperand(r, n, k, 4), newOperand(r, m, n, 3)
					want := runDot(dotBlockGo, 1, m, n, k, s.alpha, a, b, s.beta, c0)
					got := runDot(bestDot, 1, m, n, k, s.alpha, a, b, s.beta, c0)
					for i := range got {
						if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
							t.Fatalf("%dx%dx%d alpha %g beta %g: asm C[%d] = %v, Go spec gives %v", m, n, k, s.alpha, s.beta, i, got[i], want[i])
						}
					}
				}
			}
		}
	}
}

// Sgemm sends the U-Net's Winograd weight gradients (C×O×T NT products)
// with few channels to the dot kernel, and keeps the ones it loses (many
// channels, short k), big, transposed-A and packed products on the blocked
// kernels.
func TestDotDispatch(t *testing.T) {
	if bestDot == nil {
		t.Skip("no dot assembly on this CPU/build: every product stays on the blocked kernels")
	}
	for _, tc := range []struct {
		transA, transB bool
		m, n, k        int
		packed         bool
		want           bool
	}{
		{false, true, 32, 32, 196, false, true},
		{false, true, 32, 1, 196, false, true},
		{false, true, 96, 32, 196, false, true},
		{false, true, 9, 32, 784, false, true},
		{false, true, 64, 64, 245, false, false},
		{false, true, 128, 64, 256, false, false},
		{false, true, 1024, 1024, 1024, false, false},
		{false, true, 32, 32, 64, false, false},
		{true, true, 64, 64, 256, false, false},
		{false, false, 64, 64, 256, false, false},
		{false, true, 64, 64, 256, true, false},
	} {
		p := problem{transA: tc.transA, transB: tc.transB, m: tc.m, n: tc.n, k: tc.k}
		if tc.packed {
			p.packed = &PackedB{}
		}
		if got := dotPicks(bestDot, &p); got != tc.want {
			t.Errorf("dotPicks(trans %v %v, %d×%d×%d, packed %v) = %v, want %v", tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.packed, got, tc.want)
		}
	}
	// And through the public entry point: the result is the dot kernel's,
	// bit for bit (the blocked kernel sums in another order).
	r := rand.New(rand.NewPCG(27, 28))
	const m, n, k = 32, 32, 256
	a, b, c0 := newOperand(r, m, k, 0), newOperand(r, n, k, 0), newOperand(r, m, n, 0)
	want := runDot(bestDot, 1, m, n, k, 1, a, b, 1, c0)
	got := append([]float32(nil), c0.data...)
	SgemmThreads(1, false, true, m, n, k, 1, a.data, a.ld, b.data, b.ld, 1, got, n)
	for i := range got {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Fatalf("Sgemm NT 32×32×256 C[%d] = %v, dot kernel gives %v", i, got[i], want[i])
		}
	}
}

// dotBenchShapes are the NT shapes of one U-Net training step (the
// Winograd weight gradients C×O×T, rows ld floats apart) and larger ones
// the dispatch must leave to the blocked kernel.
var dotBenchShapes = []struct {
	name    string
	m, n, k int
	ld      int
}{
	{"wino_32x32x196", 32, 32, 196, 196},
	{"wino_32x32x256", 32, 32, 256, 256},
	{"wino_64x64x245", 64, 64, 245, 245},
	{"wino_64x64x256", 64, 64, 256, 272},
	{"64x64x245_ld256", 64, 64, 245, 256},
	{"32x32x196_ld208", 32, 32, 196, 208},
	{"wino_96x32x196", 96, 32, 196, 196},
	{"wino_96x32x256", 96, 32, 256, 256},
	{"wino_128x64x256", 128, 64, 256, 272},
	{"wino_32x1x196", 32, 1, 196, 196},
	{"wino_64x49x49", 64, 49, 49, 49},
	{"wino_9x32x784", 9, 32, 784, 784},
	{"32x32x64", 32, 32, 64, 64},
	{"16x16x196", 16, 16, 196, 196},
	{"32x8x196", 32, 8, 196, 196},
	{"4x100x196", 4, 100, 196, 196},
	{"48x48x196", 48, 48, 196, 196},
	{"64x64x64", 64, 64, 64, 64},
	{"64x64x1024", 64, 64, 1024, 1024},
	{"256x256x256", 256, 256, 256, 256},
	{"256x256x1024", 256, 256, 1024, 1024},
	{"1024x1024x1024", 1024, 1024, 1024, 1024},
}

// BenchmarkDotVsPacked compares the dot kernel with the blocked (packing)
// kernel on the NT shapes the dispatch decides between, on one thread.
// The operands stay in cache between calls.
func BenchmarkDotVsPacked(b *testing.B) {
	for _, s := range dotBenchShapes {
		r := rand.New(rand.NewPCG(7, 8))
		fill := func(n int) []float32 {
			x := make([]float32, n)
			for i := range x {
				x[i] = float32(r.NormFloat64())
			}
			return x
		}
		a, bm, c := fill(s.m*s.ld), fill(s.n*s.ld), fill(s.m*s.n)
		flops := 2 * float64(s.m) * float64(s.n) * float64(s.k)
		run := func(name string, f func(p *problem)) {
			b.Run(fmt.Sprintf("%s/%s", s.name, name), func(b *testing.B) {
				p := problem{false, true, s.m, s.n, s.k, 1, a, s.ld, bm, s.ld, 1, c, s.n, nil}
				for b.Loop() {
					f(&p)
				}
				b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
		run("packed", func(p *problem) { sgemmWith(bestKernel, 1, p) })
		if bestDot != nil {
			run("dot", func(p *problem) { sgemmDot(bestDot, 1, parallelMinFlops, p) })
		}
	}
}
