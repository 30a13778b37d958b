package yukawa

import (
	"context"
	"math"
	"slices"
	"sort"
	"testing"

	"github.com/pfgm/pfgm/internal/bessel"
)

// refCDF integrates the radial density R^(N−1)ρ^(−d)h(mρ) independently of
// the package's tables: Simpson's rule in s = log(R/t) with h straight from
// bessel.LogK, on a fine grid, returning the CDF as a function of R.
func refCDF(n, D int, m, t float64) func(r float64) float64 {
	d := float64(n + D)
	nu := d/2 - 1
	lg, _ := math.Lgamma(nu + 1)
	logf := func(s float64) float64 {
		u := math.Exp(s)
		rho := t * math.Sqrt(1+u*u)
		z := m * rho
		lh := (nu+1)*math.Log(z) + bessel.LogK(nu+1, z) - nu*math.Ln2 - lg
		return float64(n)*s - d*math.Log(rho/t) + lh // density in d log u
	}
	const lo, hi, step = -25.0, 25.0, 0.004
	ns := int((hi-lo)/step) + 1
	lf := make([]float64, ns)
	mx := math.Inf(-1)
	for i := range lf {
		lf[i] = logf(lo + float64(i)*step)
		if math.IsNaN(lf[i]) {
			lf[i] = math.Inf(-1)
		}
		mx = max(mx, lf[i])
	}
	cum := make([]float64, ns)
	for i := 1; i < ns; i++ { // trapezoid; the step is small enough for 1e-6
		cum[i] = cum[i-1] + 0.5*(math.Exp(lf[i-1]-mx)+math.Exp(lf[i]-mx))
	}
	tot := cum[ns-1]
	return func(r float64) float64 {
		x := (math.Log(r/t) - lo) / step
		if x <= 0 {
			return 0
		}
		if x >= float64(ns-1) {
			return 1
		}
		i := int(x)
		f := x - float64(i)
		return (cum[i] + f*(cum[i+1]-cum[i])) / tot
	}
}

// ksStat is the Kolmogorov–Smirnov distance of the sample from cdf.
func ksStat(xs []float64, cdf func(float64) float64) float64 {
	xs = slices.Clone(xs)
	sort.Float64s(xs)
	n := float64(len(xs))
	var dmax float64
	for i, x := range xs {
		f := cdf(x)
		dmax = max(dmax, math.Abs(f-float64(i)/n), math.Abs(float64(i+1)/n-f))
	}
	return dmax
}

// Every radius sampler must pass a KS test against the independently
// integrated CDF. n = 4000 draws: the 0.1 % critical value of the KS
// distance is 1.95/√n = 0.031; a wrong acceptance ratio (e.g. h(mρ)
// without the 1/h(mt), or the Coulomb kernel itself) shifts it by more
// than 0.05 in these cases (checked with TestKSDetectsCoulomb).
func TestRadiusKS(t *testing.T) {
	const n = 4000
	crit := 1.95 / math.Sqrt(n)
	cases := []struct {
		n, D    int
		m, t    float64
		methods []Method
	}{
		{2, 1, 1, 0.05, []Method{MethodAuto, MethodCoulomb, MethodInverse}},
		{2, 1, 1, 1, []Method{MethodAuto, MethodCoulomb, MethodGamma, MethodInverse}},
		{2, 1, 2, 5, []Method{MethodAuto, MethodGamma, MethodInverse}},
		{2, 3, 0.5, 2, []Method{MethodAuto, MethodCoulomb, MethodGamma, MethodInverse}},
		{5, 2, 1, 3, []Method{MethodAuto, MethodGamma, MethodInverse}},
		{1, 4, 3, 0.7, []Method{MethodAuto, MethodCoulomb, MethodGamma}},
		{100, 10, 1, 150, []Method{MethodAuto, MethodInverse}},
	}
	for ci, c := range cases {
		k, err := Process{M: c.m, D: c.D}.Kernel(c.n)
		if err != nil {
			t.Fatal(err)
		}
		cdf := refCDF(c.n, c.D, c.m, c.t)
		for _, meth := range c.methods {
			rng := newRNG(uint64(100 + ci))
			rs := make([]float64, n)
			for i := range rs {
				rs[i] = k.RadiusWith(rng, c.t, meth)
			}
			ks := ksStat(rs, cdf)
			if ks > crit {
				t.Errorf("N=%d D=%d m=%v t=%v method %d: KS distance %.4f > %.4f", c.n, c.D, c.m, c.t, meth, ks, crit)
			}
		}
	}
}

// The test above must be able to fail: the Coulomb kernel (m = 0) at the
// same t is far from the Yukawa law in these cases.
func TestKSDetectsCoulomb(t *testing.T) {
	k, _ := Process{M: 0, D: 1}.Kernel(2)
	cdf := refCDF(2, 1, 1, 1)
	rng := newRNG(3)
	rs := make([]float64, 4000)
	for i := range rs {
		rs[i] = k.Radius(rng, 1)
	}
	if ks := ksStat(rs, cdf); ks < 0.05 {
		t.Errorf("Coulomb draws pass the Yukawa KS test (distance %.4f)", ks)
	}
}

// For N = 2, D = 1 the law is closed form: h(z) = e^(−z)(1+z), and in ρ
// the density e^(−mρ)(1+mρ)/ρ² = d/dρ[−e^(−mρ)/ρ] on [t, ∞), so
// F(ρ) = 1 − (t/ρ)·e^(−m(ρ−t)). Checked here against the reference
// integration and by KS for every method.
func TestRadiusClosedFormD3(t *testing.T) {
	for _, c := range []struct{ m, t float64 }{{1, 0.3}, {0.5, 4}, {3, 2}} {
		closed := func(r float64) float64 {
			rho := math.Sqrt(r*r + c.t*c.t)
			return 1 - c.t/rho*math.Exp(-c.m*(rho-c.t))
		}
		ref := refCDF(2, 1, c.m, c.t)
		for _, r := range []float64{0.01, 0.1, 0.5, 1, 2, 5, 20} {
			if d := math.Abs(closed(r*c.t) - ref(r*c.t)); d > 1e-5 {
				t.Errorf("m=%v t=%v R=%v: closed form %.8f vs integrated %.8f", c.m, c.t, r*c.t, closed(r*c.t), ref(r*c.t))
			}
		}
		k, _ := Process{M: c.m, D: 1}.Kernel(2)
		for _, meth := range []Method{MethodCoulomb, MethodGamma, MethodInverse} {
			rng := newRNG(7)
			rs := make([]float64, 4000)
			for i := range rs {
				rs[i] = k.RadiusWith(rng, c.t, meth)
			}
			if ks := ksStat(rs, closed); ks > 1.95/math.Sqrt(4000) {
				t.Errorf("m=%v t=%v method %d: KS %.4f against the closed form", c.m, c.t, meth, ks)
			}
		}
	}
}

// Noise draws vectors whose norms follow the kernel radius and whose mean
// direction is 0.
func TestNoise(t *testing.T) {
	k, _ := Process{M: 1, D: 1}.Kernel(2)
	const n = 4000
	ts := make([]float64, n)
	for i := range ts {
		ts[i] = 1
	}
	out := make([]float32, 2*n)
	Noise(k, newRNG(4), ts, out)
	rs := make([]float64, n)
	var mx, my float64
	for i := range rs {
		x, y := float64(out[2*i]), float64(out[2*i+1])
		rs[i] = math.Hypot(x, y)
		mx += x / rs[i]
		my += y / rs[i]
	}
	if ks := ksStat(rs, refCDF(2, 1, 1, 1)); ks > 1.95/math.Sqrt(n) {
		t.Errorf("noise norms: KS %.4f", ks)
	}
	// Unit-vector mean: each coordinate has variance ½, so the mean's sd is
	// √(1/(2n)) = 0.011; 0.05 is 4.5 sd.
	if math.Abs(mx/n) > 0.05 || math.Abs(my/n) > 0.05 {
		t.Errorf("mean direction (%.3f, %.3f), want 0", mx/n, my/n)
	}
}

// σ_eq: the Poisson value t/√(D−2) as m → 0, the closed form √(t/m) for
// N = 2, D = 1 (E[R²] = 2t/m from the CDF above), the table against direct
// quadrature, monotone in t, and TOfSigma its inverse.
func TestSigmaEq(t *testing.T) {
	for _, c := range []struct{ n, D int }{{2, 3}, {2, 5}, {10, 20}} {
		k, _ := Process{M: 1e-5, D: c.D}.Kernel(c.n)
		for _, tt := range []float64{0.01, 0.5, 3} {
			want := tt / math.Sqrt(float64(c.D-2))
			if got := k.SigmaEq(tt); math.Abs(got/want-1) > 1e-3 {
				t.Errorf("N=%d D=%d m→0 t=%v: σ_eq %.6g, Poisson %.6g", c.n, c.D, tt, got, want)
			}
		}
	}
	k, _ := Process{M: 2, D: 1}.Kernel(2)
	for _, tt := range []float64{1e-4, 0.01, 0.3, 2, 50, 1e3} {
		want := math.Sqrt(tt / 2)
		if got := k.SigmaEq(tt); math.Abs(got/want-1) > 1e-4 {
			t.Errorf("N=2 D=1 m=2 t=%v: σ_eq %.8g, closed form %.8g", tt, got, want)
		}
	}
	for _, c := range []struct {
		n, D int
		m    float64
	}{{2, 1, 0.7}, {5, 2, 3}, {100, 10, 1}} {
		k, _ := Process{M: c.m, D: c.D}.Kernel(c.n)
		prev := 0.0
		for lt := -8.0; lt <= 8; lt += 0.173 {
			tt := math.Exp(lt)
			s := k.SigmaEq(tt)
			if !(s > prev) {
				t.Fatalf("N=%d D=%d m=%v: σ_eq not increasing at t=%.4g (%.6g after %.6g)", c.n, c.D, c.m, tt, s, prev)
			}
			prev = s
			if q := k.SigmaEqQuad(tt); math.Abs(s/q-1) > 1e-5 {
				t.Errorf("N=%d D=%d m=%v t=%.4g: table %.8g vs quadrature %.8g", c.n, c.D, c.m, tt, s, q)
			}
			if back := k.TOfSigma(s); math.Abs(back/tt-1) > 1e-8 {
				t.Errorf("TOfSigma(σ_eq(%.4g)) = %.8g", tt, back)
			}
		}
	}
	// The sampled radii agree with σ_eq: mean of R²/N over draws.
	k, _ = Process{M: 1, D: 3}.Kernel(2)
	rng := newRNG(12)
	var s2 float64
	const n = 20000
	for range n {
		r := k.Radius(rng, 1.5)
		s2 += r * r / 2
	}
	want := k.SigmaEq(1.5)
	// R² has a heavy-ish tail (D = 3: the Coulomb part is cut only by
	// e^(−mρ)); 5 % is several standard errors here.
	if got := math.Sqrt(s2 / n); math.Abs(got/want-1) > 0.05 {
		t.Errorf("RMS of sampled radii %.4f vs σ_eq %.4f", got, want)
	}
	_ = context.Background
}
