package process

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Beta(a, 1) has CDF x^a, so the q-quantile of B/(1−B) is x/(1−x) with
// x = q^(1/a); Beta(1, b) has CDF 1 − (1−x)^b.
func TestRatioQuantileClosedForms(t *testing.T) {
	for _, c := range []struct{ a, b, q float64 }{{4, 1, 0.99}, {0.5, 1, 0.3}, {1, 0.5, 0.999}, {1, 64, 0.5}} {
		var x float64
		if c.b == 1 {
			x = math.Pow(c.q, 1/c.a)
		} else { // a = 1
			x = 1 - math.Pow(1-c.q, 1/c.b)
		}
		want := x / (1 - x)
		if got := RatioQuantile(c.a, c.b, c.q); math.Abs(got-want) > 1e-8*want {
			t.Errorf("RatioQuantile(%v, %v, %v) = %v, want %v", c.a, c.b, c.q, got, want)
		}
	}
}

// The truncated prior is the kernel conditioned on R ≤ r√t_q: no radius
// beyond the cut, and B = R²/(R²+r²) follows I_x(N/2, D/2)/q below it
// (KS at α = 0.001). N = 8, D = 1, q = 0.95 is the remedy's setting.
func TestTruncatedPriorIsConditionedKernel(t *testing.T) {
	const (
		N, n  = 8, 20000
		q     = 0.95
		sigma = 80.0
	)
	p, _ := New(1)
	x := p.TruncatedPrior(rand.New(rand.NewPCG(8, 1)), n, N, sigma, q)
	r := p.R(sigma)
	a, b := float64(N)/2, 0.5
	cut := r * math.Sqrt(RatioQuantile(a, b, q))
	bs := make([]float64, n)
	for i := range n {
		R := 0.0
		for _, v := range x[i*N : (i+1)*N] {
			R += v * v
		}
		R = math.Sqrt(R)
		if R > cut*(1+1e-12) {
			t.Fatalf("radius %v beyond the cut %v", R, cut)
		}
		bs[i] = R * R / (R*R + r*r)
	}
	if d := ksStat(bs, func(x float64) float64 { return betaInc(a, b, x) / q }); d > ksCrit(n) {
		t.Errorf("KS %v > %v against the truncated Beta", d, ksCrit(n))
	}
	// The untruncated prior goes beyond the cut for 1 − q of its draws.
	full := p.Prior(rand.New(rand.NewPCG(8, 2)), n, N, sigma)
	beyond := 0
	for i := range n {
		R := 0.0
		for _, v := range full[i*N : (i+1)*N] {
			R += v * v
		}
		if math.Sqrt(R) > cut {
			beyond++
		}
	}
	if f := float64(beyond) / n; math.Abs(f-(1-q)) > 5*math.Sqrt(q*(1-q)/n) {
		t.Errorf("untruncated prior: %v beyond the cut, want %v", f, 1-q)
	}
}
