package ag

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The vector kernels against float64 formulas, at lengths that exercise
// the 16-wide body and the scalar tail.
func TestVectorKernels(t *testing.T) {
	testVectorKernels(t, useAVX512)
	if useAVX512 {
		// Also the pure-Go path the assembly replaces.
		testVectorKernels(t, false)
	}
}

func testVectorKernels(t *testing.T, vec bool) {
	r := rand.New(rand.NewPCG(3, 3))
	for _, n := range []int{1, 15, 16, 17, 49, 196, 784} {
		x, dy, g, d := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
		for i := range x {
			x[i] = float32(4 * r.NormFloat64())
			dy[i] = float32(r.NormFloat64())
			d[i] = float32(r.NormFloat64())
		}
		const a, b, mean = 0.7, -0.3, 0.25
		// sumSq
		s, q := sumSqWith(vec, x, 0.5)
		var s64, q64 float64
		for _, v := range x {
			dd := float64(v) - 0.5
			s64 += dd
			q64 += dd * dd
		}
		if math.Abs(float64(s)-s64) > 1e-4*(1+math.Abs(s64)) || math.Abs(float64(q)-q64) > 1e-5*q64 {
			t.Errorf("n=%d sumSq = %v, %v; want %v, %v", n, s, q, s64, q64)
		}
		// affineSiLU
		out, sg := make([]float32, n), make([]float32, n)
		affineSiLUWith(vec, out, sg, x, a, b)
		for i, v := range x {
			y := a*float64(v) + b
			sig := 1 / (1 + math.Exp(-y))
			if math.Abs(float64(out[i])-y*sig) > 1e-6*(1+math.Abs(y)) || math.Abs(float64(sg[i])-sig) > 1e-6 {
				t.Fatalf("n=%d affineSiLU[%d] = %v, %v; want %v, %v", n, i, out[i], sg[i], y*sig, sig)
			}
		}
		// siluBackSums
		s1, s2 := siluBackSumsWith(vec, g, dy, x, a, b, mean)
		var w1, w2 float64
		for i, v := range x {
			y := a*float64(v) + b
			sig := 1 / (1 + math.Exp(-y))
			gv := float64(dy[i]) * sig * (1 + y*(1-sig))
			if math.Abs(float64(g[i])-gv) > 1e-5*(1+math.Abs(gv)) {
				t.Fatalf("n=%d siluBackSums g[%d] = %v, want %v", n, i, g[i], gv)
			}
			w1 += gv
			w2 += gv * (float64(v) - mean)
		}
		if math.Abs(float64(s1)-w1) > 1e-4*(1+math.Abs(w1)) || math.Abs(float64(s2)-w2) > 1e-4*(1+math.Abs(w2)) {
			t.Errorf("n=%d siluBackSums sums = %v, %v; want %v, %v", n, s1, s2, w1, w2)
		}
		// affineComb, overwrite and accumulate
		for _, ow := range []bool{true, false} {
			dd := append([]float32(nil), d...)
			affineCombWith(vec, dd, g, x, 1.5, -0.5, 0.25, ow)
			for i := range x {
				want := 1.5*float64(g[i]) - 0.5 + 0.25*float64(x[i])
				if !ow {
					want += float64(d[i])
				}
				if math.Abs(float64(dd[i])-want) > 1e-5*(1+math.Abs(want)) {
					t.Fatalf("n=%d affineComb(ow=%v)[%d] = %v, want %v", n, ow, i, dd[i], want)
				}
			}
		}
	}
}

// The 3×3 im2col must give the same column matrix on the vector and the
// portable path for every row width, including those around the 16-lane
// chunk boundaries.
func TestIm2col3Paths(t *testing.T) {
	if !useAVX512 {
		t.Skip("no AVX-512 on this CPU: only the portable path exists")
	}
	r := rand.New(rand.NewPCG(5, 5))
	for w := 1; w <= 40; w++ {
		g := convShape{c: 2, h: 3, w: w, k: 3, pad: 1, ho: 3, wo: w}
		x := make([]float32, g.c*g.h*w)
		for i := range x {
			x[i] = float32(r.NormFloat64())
		}
		ld := g.h*w + 3
		a, b := make([]float32, 18*ld), make([]float32, 18*ld)
		for i := range a {
			a[i], b[i] = 7, 7 // the gaps between rows must stay untouched
		}
		im2colWith(true, a, ld, x, &g, 0, g.c)
		im2colWith(false, b, ld, x, &g, 0, g.c)
		for i := range a {
			if a[i] != b[i] {
				t.Fatalf("w=%d: col[%d] = %v (vector) vs %v (portable)", w, i, a[i], b[i])
			}
		}
	}
}
