package ag

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// The vector kernels against float64 formulas, at channel lengths that
// exercise whole vectors, the masked tail and both together, on one and on
// three channels with their own coefficients.
func TestVectorKernels(t *testing.T) {
	testVectorKernels(t, useAVX512)
	if useAVX512 {
		// Also the pure-Go path the assembly replaces.
		testVectorKernels(t, false)
	}
}

// guard is written past the end of every output: the masked tail must
// not store beyond its channel's last element.
const guard = float32(-7777)

func testVectorKernels(t *testing.T, vec bool) {
	r := rand.New(rand.NewPCG(3, 3))
	for _, hw := range []int{1, 15, 16, 17, 31, 32, 33, 49, 196, 784} {
		for _, nch := range []int{1, 3} {
			n := hw * nch
			x, dy, d := make([]float32, n), make([]float32, n), make([]float32, n)
			for i := range x {
				x[i] = float32(4 * r.NormFloat64())
				dy[i] = float32(r.NormFloat64())
				d[i] = float32(r.NormFloat64())
			}
			x[0] = -100 // beyond the clamp of the exponential on both sides
			x[n-1] = 100
			a, b := make([]float32, nch), make([]float32, nch)
			for c := range a {
				a[c], b[c] = 0.7+0.2*float32(c), -0.3+0.5*float32(c)
			}
			const mean = 0.25
			name := func() string { return fmt.Sprintf("vec=%v hw=%d nch=%d", vec, hw, nch) }

			// sumLanes and sqDevLanes
			var s64, q64, abs64 float64
			for _, v := range x {
				s64 += float64(v)
				q64 += (float64(v) - 0.5) * (float64(v) - 0.5)
				abs64 += math.Abs(float64(v))
			}
			if s := sumLanes(vec, x); math.Abs(s-s64) > 1e-6*abs64 {
				t.Errorf("%s: sumLanes = %v, want %v", name(), s, s64)
			}
			if q := sqDevLanes(vec, x, 0.5); math.Abs(q-q64) > 1e-6*q64 {
				t.Errorf("%s: sqDevLanes = %v, want %v", name(), q, q64)
			}

			// siluAffine: |error| ≤ 1e-6·(1 + |y|).
			out := make([]float32, n+1)
			out[n] = guard
			siluAffine(vec, out, x, hw, a, b, n)
			for i, v := range x {
				y := float64(a[i/hw])*float64(v) + float64(b[i/hw])
				want := y / (1 + math.Exp(-y))
				if math.Abs(float64(out[i])-want) > 1e-6*(1+math.Abs(y)) {
					t.Fatalf("%s: siluAffine[%d] = %v, want %v", name(), i, out[i], want)
				}
			}
			if out[n] != guard {
				t.Fatalf("%s: siluAffine wrote past the end", name())
			}

			// siluGradSums: g within 1e-5·(1 + |g|), the per-channel sums
			// within 1e-5 of Σ|terms|.
			g, sums := make([]float32, n+1), make([]float32, 2*nch+1)
			g[n], sums[2*nch] = guard, guard
			siluGradSums(vec, g, dy, x, hw, a, b, mean, sums, n)
			for c := 0; c < nch; c++ {
				var w1, w2, a1, a2 float64
				for i := c * hw; i < (c+1)*hw; i++ {
					y := float64(a[c])*float64(x[i]) + float64(b[c])
					sig := 1 / (1 + math.Exp(-y))
					gv := float64(dy[i]) * sig * (1 + y*(1-sig))
					if math.Abs(float64(g[i])-gv) > 1e-5*(1+math.Abs(gv)) {
						t.Fatalf("%s: siluGradSums g[%d] = %v, want %v", name(), i, g[i], gv)
					}
					w1 += gv
					w2 += gv * (float64(x[i]) - mean)
					a1 += math.Abs(gv)
					a2 += math.Abs(gv * (float64(x[i]) - mean))
				}
				if math.Abs(float64(sums[2*c])-w1) > 1e-5*(1+a1) || math.Abs(float64(sums[2*c+1])-w2) > 1e-5*(1+a2) {
					t.Errorf("%s: siluGradSums channel %d sums = %v, %v; want %v, %v", name(), c, sums[2*c], sums[2*c+1], w1, w2)
				}
			}
			if g[n] != guard || sums[2*nch] != guard {
				t.Fatalf("%s: siluGradSums wrote past the end", name())
			}

			// affineComb, overwrite and accumulate
			for _, ow := range []bool{true, false} {
				dd := append(append([]float32(nil), d...), guard)
				affineComb(vec, dd, g, x, hw, a, -0.5, 0.25, ow, 0)
				for i := range x {
					want := float64(a[i/hw])*float64(g[i]) - 0.5 + 0.25*float64(x[i])
					if !ow {
						want += float64(d[i])
					}
					if math.Abs(float64(dd[i])-want) > 1e-5*(1+math.Abs(want)) {
						t.Fatalf("%s: affineComb(ow=%v)[%d] = %v, want %v", name(), ow, i, dd[i], want)
					}
				}
				if dd[n] != guard {
					t.Fatalf("%s: affineComb wrote past the end", name())
				}
			}
		}
	}
}

// The residual-merge kernels against float64: d += s, d = s·(a + b), and s·g
// written or added into two outputs in one pass, including the output
// that is g itself and a missing second output.
func TestScaleKernels(t *testing.T) {
	for _, vec := range []bool{false, useAVX512} {
		r := rand.New(rand.NewPCG(6, 6))
		for _, n := range []int{1, 15, 16, 17, 33, 100} {
			a, b, d1, d2 := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
			for i := range a {
				a[i], b[i] = float32(r.NormFloat64()), float32(r.NormFloat64())
				d1[i], d2[i] = float32(r.NormFloat64()), float32(r.NormFloat64())
			}
			const s = 0.7
			near := func(got float32, want float64) bool {
				return math.Abs(float64(got)-want) <= 1e-6*(1+math.Abs(want))
			}
			sum := append(append([]float32(nil), a...), guard)
			addToWith(vec, sum[:n], b)
			for i := range a {
				if !near(sum[i], float64(a[i])+float64(b[i])) {
					t.Fatalf("vec=%v n=%d: addTo[%d] = %v", vec, n, i, sum[i])
				}
			}
			if sum[n] != guard {
				t.Fatalf("vec=%v n=%d: addTo wrote past the end", vec, n)
			}
			out := append(make([]float32, n), guard)
			addScaleWith(vec, out[:n], a, b, s)
			for i := range a {
				if !near(out[i], s*(float64(a[i])+float64(b[i]))) {
					t.Fatalf("vec=%v n=%d: addScale[%d] = %v", vec, n, i, out[i])
				}
			}
			if out[n] != guard {
				t.Fatalf("vec=%v n=%d: addScale wrote past the end", vec, n)
			}
			for _, ow := range [][2]bool{{true, true}, {true, false}, {false, true}, {false, false}} {
				e1 := append(append([]float32(nil), d1...), guard)
				e2 := append(append([]float32(nil), d2...), guard)
				scale2With(vec, e1[:n], e2[:n], a, s, ow[0], ow[1])
				for i := range a {
					w1, w2 := s*float64(a[i]), s*float64(a[i])
					if !ow[0] {
						w1 += float64(d1[i])
					}
					if !ow[1] {
						w2 += float64(d2[i])
					}
					if !near(e1[i], w1) || !near(e2[i], w2) {
						t.Fatalf("vec=%v n=%d ow=%v: scale2[%d] = %v, %v; want %v, %v", vec, n, ow, i, e1[i], e2[i], w1, w2)
					}
				}
				if e1[n] != guard || e2[n] != guard {
					t.Fatalf("vec=%v n=%d: scale2 wrote past the end", vec, n)
				}
				// In place (d1 = g) and without d2: accumulate adds once.
				g := append([]float32(nil), a...)
				scale2With(vec, g, nil, g, s, ow[0], false)
				for i := range a {
					w := s * float64(a[i])
					if !ow[0] {
						w += float64(a[i])
					}
					if !near(g[i], w) {
						t.Fatalf("vec=%v n=%d ow=%v: in-place scale2[%d] = %v, want %v", vec, n, ow[0], i, g[i], w)
					}
				}
			}
		}
	}
}

// groupStats' two passes keep the variance accurate when the mean is
// large against the spread (where E[x²] − E[x]² in float32 would lose all
// of it): relative error 1e-4 of the variance against float64.
func TestGroupStatsLargeMean(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	for _, n := range []int{49, 3136, 9408} {
		x := make([]float32, n)
		for i := range x {
			x[i] = float32(1000 + 0.01*r.NormFloat64())
		}
		var m, v float64
		for _, xi := range x {
			m += float64(xi)
		}
		m /= float64(n)
		for _, xi := range x {
			v += (float64(xi) - m) * (float64(xi) - m)
		}
		v /= float64(n)
		const eps = 0
		mean, rstd := groupStats(x, eps)
		gotV := 1 / (float64(rstd) * float64(rstd))
		if math.Abs(float64(mean)-m) > 1e-6*m || math.Abs(gotV-v) > 1e-4*v {
			t.Errorf("n=%d: mean, variance = %v, %v; want %v, %v", n, mean, gotV, m, v)
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

// pool2 and spread2: the vector and the portable path give the same bits
// (the same additions in the same order), for every row width around the
// 16-lane steps, writing and accumulating, without touching the element
// after the output; and the portable path is the window sum (copy) within
// float32 rounding.
func TestResampleKernels(t *testing.T) {
	if !useAVX512 {
		t.Skip("no AVX-512 on this CPU: only the portable path exists")
	}
	r := rand.New(rand.NewPCG(8, 8))
	for w := 1; w <= 40; w++ {
		for _, rows := range []int{1, 3} {
			for _, ow := range []bool{true, false} {
				small, wide := make([]float32, rows*w), make([]float32, 4*rows*w)
				for i := range small {
					small[i] = float32(r.NormFloat64())
				}
				for i := range wide {
					wide[i] = float32(r.NormFloat64())
				}
				// pool2: wide → small
				a := append(append([]float32(nil), small...), guard)
				b := append(append([]float32(nil), small...), guard)
				pool2(true, a[:rows*w], wide, rows, w, 0.25, ow)
				pool2(false, b[:rows*w], wide, rows, w, 0.25, ow)
				for i := range a {
					if a[i] != b[i] {
						t.Fatalf("pool2 w=%d rows=%d ow=%v: [%d] = %v (vector) vs %v (portable)", w, rows, ow, i, a[i], b[i])
					}
				}
				for rr := 0; rr < rows; rr++ {
					for j := 0; j < w; j++ {
						in := func(y, x int) float64 { return float64(wide[(2*rr+y)*2*w+x]) }
						want := 0.25 * (in(0, 2*j) + in(0, 2*j+1) + in(1, 2*j) + in(1, 2*j+1))
						if !ow {
							want += float64(small[rr*w+j])
						}
						if got := float64(b[rr*w+j]); math.Abs(got-want) > 1e-6*(1+math.Abs(want)) {
							t.Fatalf("pool2 w=%d rows=%d ow=%v: [%d][%d] = %v, want %v", w, rows, ow, rr, j, got, want)
						}
					}
				}
				// spread2: small → wide
				a = append(append([]float32(nil), wide...), guard)
				b = append(append([]float32(nil), wide...), guard)
				spread2(true, a[:4*rows*w], small, rows, w, 0.25, ow)
				spread2(false, b[:4*rows*w], small, rows, w, 0.25, ow)
				for i := range a {
					if a[i] != b[i] {
						t.Fatalf("spread2 w=%d rows=%d ow=%v: [%d] = %v (vector) vs %v (portable)", w, rows, ow, i, a[i], b[i])
					}
				}
				for i := 0; i < 4*rows*w; i++ {
					rr, j := i/(4*w), i%(2*w)/2
					want := 0.25 * float64(small[rr*w+j])
					if !ow {
						want += float64(wide[i])
					}
					if got := float64(b[i]); math.Abs(got-want) > 1e-6*(1+math.Abs(want)) {
						t.Fatalf("spread2 w=%d rows=%d ow=%v: [%d] = %v, want %v", w, rows, ow, i, got, want)
					}
				}
			}
		}
	}
}

// softmaxRow against a float64 softmax (relative 1e-6 per element), on
// rows around the 16-lane steps, with a large common offset (the maximum
// must be subtracted) and all negative (the masked lanes of the maximum's
// tail must not count as 0).
func TestSoftmaxRow(t *testing.T) {
	for _, vec := range []bool{false, useAVX512} {
		r := rand.New(rand.NewPCG(9, 9))
		for _, n := range []int{1, 15, 16, 17, 49, 100} {
			for _, off := range []float64{0, 60, -200} {
				row := make([]float32, n+1)
				for i := range n {
					row[i] = float32(off + 3*r.NormFloat64())
				}
				row[n] = guard
				m := math.Inf(-1)
				for _, v := range row[:n] {
					m = math.Max(m, float64(v))
				}
				var s float64
				for _, v := range row[:n] {
					s += math.Exp(float64(v) - m)
				}
				want := make([]float64, n)
				for i, v := range row[:n] {
					want[i] = math.Exp(float64(v)-m) / s
				}
				softmaxRow(vec, row[:n])
				for i := range want {
					if math.Abs(float64(row[i])-want[i]) > 1e-6*want[i]+1e-30 {
						t.Fatalf("vec=%v n=%d offset %v: [%d] = %v, want %v", vec, n, off, i, row[i], want[i])
					}
				}
				if row[n] != guard {
					t.Fatalf("vec=%v n=%d: wrote past the end", vec, n)
				}
			}
		}
	}
}
