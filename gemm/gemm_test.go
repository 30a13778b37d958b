package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// operand is a matrix stored row-major in a slice with a row stride larger
// than its width, so every test also exercises non-trivial lda/ldb/ldc.
type operand struct {
	rows, cols, ld int
	data           []float32
}

const sentinel = float32(-12345.5)

func newOperand(r *rand.Rand, rows, cols, pad int) operand {
	ld := cols + pad
	n := 0
	if rows > 0 && cols > 0 {
		n = (rows-1)*ld + cols // exactly as long as the shape needs
	}
	o := operand{rows, cols, ld, make([]float32, n)}
	for i := range o.data {
		o.data[i] = sentinel
	}
	for i := range rows {
		for j := range cols {
			o.data[i*ld+j] = float32(r.NormFloat64())
		}
	}
	return o
}

func (o operand) at(i, j int) float64 { return float64(o.data[i*o.ld+j]) }

// reference computes alpha·op(A)·op(B) + beta·C in float64 and, per element,
// the scale Σ|alpha·a·b| + |beta·c| that bounds float32 rounding error.
func reference(transA, transB bool, m, n, k int, alpha float32, a, b operand, beta float32, c operand) (want, scale []float64) {
	want = make([]float64, m*n)
	scale = make([]float64, m*n)
	for i := range m {
		for j := range n {
			var s, abs float64
			for p := range k {
				var av, bv float64
				if transA {
					av = a.at(p, i)
				} else {
					av = a.at(i, p)
				}
				if transB {
					bv = b.at(j, p)
				} else {
					bv = b.at(p, j)
				}
				s += av * bv
				abs += math.Abs(av * bv)
			}
			s *= float64(alpha)
			abs *= math.Abs(float64(alpha))
			if beta != 0 {
				s += float64(beta) * c.at(i, j)
				abs += math.Abs(float64(beta) * c.at(i, j))
			}
			want[i*n+j] = s
			scale[i*n+j] = abs
		}
	}
	return want, scale
}

// tolerance: float32 accumulation of k products, a scaling by alpha and a
// merge with beta·C each round at most (k+3) times by u = 2^-24 relative to
// the sum of absolute terms; 4× that leaves room for the blocked order while
// still failing on any single wrong or missing product (which errs by about
// scale/k ≫ 4(k+3)u·scale for the k used here).
func tolerance(k int, scale float64) float64 {
	return 4 * float64(k+3) * 0x1p-24 * scale
}

type shape struct{ m, n, k int }

var testShapes = []shape{
	{1, 1, 1}, {2, 3, 4}, {17, 33, 65}, {1000, 3, 7}, {3, 1000, 7},
	{0, 5, 5}, {5, 0, 5}, {5, 5, 0}, {14, 32, 300}, {15, 33, 257},
	{29, 65, 1}, {64, 784, 9}, {129, 257, 513},
}

type scalars struct{ alpha, beta float32 }

var testScalars = []scalars{{1, 0}, {1, 1}, {-0.75, 0.5}, {0, 0.5}, {2, 0}}

func TestSgemmAllKernels(t *testing.T) {
	forEachKernel(t, func(t *testing.T, kn *kernel) {
		testKernel(t, kn, rand.New(rand.NewPCG(1, 2)), testShapes, false)
	})
}

// TestSgemmPackedAllKernels repeats the Sgemm cases with op(B) packed once.
func TestSgemmPackedAllKernels(t *testing.T) {
	forEachKernel(t, func(t *testing.T, kn *kernel) {
		testKernel(t, kn, rand.New(rand.NewPCG(5, 6)), append(testShapes, shape{3, 4200, 600}), true)
	})
}

// forEachKernel runs f as a subtest for every kernel this CPU can run and
// logs the ones it skips.
func forEachKernel(t *testing.T, f func(t *testing.T, kn *kernel)) {
	for _, ka := range allKernels() {
		if !ka.ok {
			t.Logf("skipping kernel %s: this CPU lacks the instructions", ka.k.name)
			continue
		}
		t.Run(ka.k.name, func(t *testing.T) { f(t, ka.k) })
	}
}

// testKernel checks kn on every shape, transpose pair and (alpha, beta).
func testKernel(t *testing.T, kn *kernel, r *rand.Rand, shapes []shape, packed bool) {
	prefix := ""
	if packed {
		prefix = "packed/"
	}
	for _, sh := range shapes {
		for _, tr := range [4][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
			sc := testScalars
			if sh.m*sh.n*sh.k > 1e6 {
				sc = sc[2:3] // one non-trivial pair keeps the big shape fast
			}
			for _, s := range sc {
				name := fmt.Sprintf("%s%dx%dx%d/%s/a%g_b%g", prefix, sh.m, sh.n, sh.k, transName(tr), s.alpha, s.beta)
				checkCase(t, r, kn, name, tr[0], tr[1], sh, s, packed)
			}
		}
	}
}

func transName(tr [2]bool) string {
	s := [2]string{"N", "N"}
	for i, t := range tr {
		if t {
			s[i] = "T"
		}
	}
	return s[0] + s[1]
}

// checkCase runs one product on kn at 1, 2 and 3 threads against the float64
// reference. With packed, op(B) is packed once by packBWith and the same
// PackedB serves every run (with B's slice withheld so it cannot be read).
func checkCase(t *testing.T, r *rand.Rand, kn *kernel, name string, transA, transB bool, sh shape, s scalars, packed bool) {
	t.Helper()
	m, n, k := sh.m, sh.n, sh.k
	ar, ac := m, k
	if transA {
		ar, ac = k, m
	}
	br, bc := k, n
	if transB {
		br, bc = n, k
	}
	a := newOperand(r, ar, ac, 3)
	b := newOperand(r, br, bc, 5)
	c0 := newOperand(r, m, n, 2)
	if s.beta == 0 {
		// Old C must be ignored when beta is 0, NaN included.
		for i := range m {
			for j := range n {
				c0.data[i*c0.ld+j] = float32(math.NaN())
			}
		}
	}
	want, scale := reference(transA, transB, m, n, k, s.alpha, a, b, s.beta, c0)
	var pb *PackedB
	var pbData []float32
	if packed {
		pb = packBWith(kn, transB, k, n, b.data, b.ld)
		pbData = append([]float32(nil), pb.data...)
	}
	for _, threads := range []int{1, 2, 3} {
		c := operand{c0.rows, c0.cols, c0.ld, append([]float32(nil), c0.data...)}
		p := problem{transA, transB, m, n, k, s.alpha, a.data, a.ld, b.data, b.ld, s.beta, c.data, c.ld, nil}
		if packed {
			p.transB, p.b, p.ldb, p.packed = false, nil, 0, pb
		}
		// A parallel threshold of 0 splits even the small shapes over the
		// threads, so the row and column splits are covered.
		sgemmSplit(kn, threads, 0, &p)
		bad := 0
		for i := range m {
			for j := range n {
				got := float64(c.data[i*c.ld+j])
				d := math.Abs(got - want[i*n+j])
				if !(d <= tolerance(k, scale[i*n+j])) {
					if bad < 3 {
						t.Errorf("%s threads=%d: C[%d,%d] = %g, want %g (tol %.3g)", name, threads, i, j, got, want[i*n+j], tolerance(k, scale[i*n+j]))
					}
					bad++
				}
			}
			// The gap between rows of C belongs to someone else.
			for j := n; n > 0 && j < c.ld && i < m-1; j++ {
				if c.data[i*c.ld+j] != sentinel {
					t.Fatalf("%s threads=%d: wrote C padding at row %d col %d", name, threads, i, j)
				}
			}
		}
		if bad > 0 {
			t.Fatalf("%s threads=%d: %d of %d elements wrong", name, threads, bad, m*n)
		}
	}
	if packed {
		for i, v := range pb.data {
			if v != pbData[i] {
				t.Fatalf("%s: SgemmPacked modified the PackedB at %d", name, i)
			}
		}
	}
}

// TestSgemmPackedPublic checks the exported pair against Sgemm bit for bit:
// both run the same kernel over the same panels in the same order.
func TestSgemmPackedPublic(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	const m, n, k = 37, 1100, 530
	b := newOperand(r, n, k, 3) // Bᵀ stored, like the field's charges
	pb := PackB(true, k, n, b.data, b.ld)
	if pb.K() != k || pb.N() != n {
		t.Fatalf("PackB shape %d×%d, want %d×%d", pb.K(), pb.N(), k, n)
	}
	for rep := range 2 { // the same PackedB serves several A
		a := newOperand(r, m, k, 1)
		want := make([]float32, m*n)
		got := make([]float32, m*n)
		Sgemm(false, true, m, n, k, -2, a.data, a.ld, b.data, b.ld, 0, want, n)
		SgemmPacked(false, m, -2, a.data, a.ld, pb, 0, got, n)
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("rep %d: SgemmPacked C[%d] = %g, Sgemm gives %g", rep, i, got[i], want[i])
			}
		}
	}
}

func TestSgemmPublic(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, sh := range []shape{{300, 200, 100}, {1, 5000, 3}} {
		checkCase(t, r, bestKernel, fmt.Sprintf("Sgemm/%v", sh), false, true, sh, scalars{1.5, 0.25}, false)
	}
	// And through the exported entry point itself.
	a := []float32{1, 2, 3, 4, 5, 6} // 2×3
	b := []float32{1, 0, 0, 1, 1, 1} // 3×2
	c := []float32{9, 9, 9, 9}       // 2×2
	Sgemm(false, false, 2, 2, 3, 1, a, 3, b, 2, 0, c, 2)
	want := []float32{4, 5, 10, 11}
	for i := range c {
		if c[i] != want[i] {
			t.Fatalf("Sgemm 2×3·3×2 = %v, want %v", c, want)
		}
	}
}

func TestSgemmPanicsOnShortSlices(t *testing.T) {
	cases := []struct {
		name string
		call func()
		msg  string
	}{
		{"short a", func() {
			Sgemm(false, false, 2, 2, 2, 1, make([]float32, 3), 2, make([]float32, 4), 2, 0, make([]float32, 4), 2)
		}, "len(a)=3"},
		{"short b", func() {
			Sgemm(false, true, 2, 2, 2, 1, make([]float32, 4), 2, make([]float32, 3), 2, 0, make([]float32, 4), 2)
		}, "len(b)=3"},
		{"short c", func() {
			Sgemm(false, false, 2, 2, 2, 1, make([]float32, 4), 2, make([]float32, 4), 2, 0, make([]float32, 4), 3)
		}, "len(c)=4"},
		{"small ldc", func() {
			Sgemm(false, false, 2, 2, 2, 1, make([]float32, 4), 2, make([]float32, 4), 2, 0, make([]float32, 4), 1)
		}, "ldc=1"},
		{"negative", func() { Sgemm(false, false, -1, 2, 2, 1, nil, 2, nil, 2, 0, nil, 2) }, "negative"},
		{"PackB short b", func() { PackB(true, 2, 2, make([]float32, 3), 2) }, "len(b)=3"},
		{"SgemmPacked short a", func() {
			SgemmPacked(false, 2, 1, make([]float32, 3), 2, PackB(false, 2, 2, make([]float32, 4), 2), 0, make([]float32, 4), 2)
		}, "len(a)=3"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				msg, _ := recover().(string)
				if !strings.Contains(msg, tc.msg) {
					t.Fatalf("panic %q, want it to mention %q", msg, tc.msg)
				}
			}()
			tc.call()
		})
	}
}
