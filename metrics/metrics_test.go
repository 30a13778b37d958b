package metrics

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/pfgm/pfgm/data"
)

func newRNG(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 77)) }

func gaussian(n, dim int, mean []float64, rng *rand.Rand) *data.Points {
	p := data.NewPoints(n, dim)
	for i := range p.X {
		p.X[i] = rng.NormFloat64() + mean[i%dim]
	}
	return p
}

func TestW2sq1DExact(t *testing.T) {
	// Equal sizes: mean squared difference of sorted values.
	if got := w2sq1D([]float64{0, 1, 2}, []float64{1, 1, 4}); math.Abs(got-(1+0+4)/3.0) > 1e-15 {
		t.Fatalf("equal sizes: %v", got)
	}
	// Sizes 2 and 3: quantile steps at 1/3, 1/2, 2/3. a = {0, 6}, b = {0, 3, 6}:
	// on [0,1/3) 0−0, [1/3,1/2) 0−3, [1/2,2/3) 6−3, [2/3,1] 6−6 → (9+9)/6 = 3.
	if got := w2sq1D([]float64{0, 6}, []float64{0, 3, 6}); math.Abs(got-3) > 1e-15 {
		t.Fatalf("sizes 2, 3: %v, want 3", got)
	}
	// A set against one point c: the variance plus squared mean offset.
	if got := w2sq1D([]float64{-1, 1}, []float64{2}); math.Abs(got-(1+4)) > 1e-15 {
		t.Fatalf("vs one point: %v, want 5", got)
	}
}

func TestSW2SelfIsZeroAndPermutationInvariant(t *testing.T) {
	p, _ := data.Toy("moons", 500, newRNG(1))
	d, err := SlicedW2(p, p.Clone(), 64, newRNG(2))
	if err != nil || d != 0 {
		t.Fatalf("SW2(p, p) = %v, %v; want exactly 0", d, err)
	}
	q, _ := data.Toy("rings", 300, newRNG(3))
	d1, _ := SlicedW2(p, q, 64, newRNG(4))
	perm := q.Subset(newRNG(5).Perm(q.N()))
	d2, _ := SlicedW2(p, perm, 64, newRNG(4))
	if d1 != d2 {
		t.Fatalf("permuting a set changed SW2: %v vs %v", d1, d2)
	}
}

func TestSW2Gaussians(t *testing.T) {
	// 1-D: W2(N(0,1), N(μ,1)) = |μ|; the empirical value with 20000 points
	// a side is within a few hundredths.
	const mu = 1.5
	a := gaussian(20000, 1, []float64{0}, newRNG(1))
	b := gaussian(20000, 1, []float64{mu}, newRNG(2))
	d, _ := SlicedW2(a, b, 2, newRNG(3))
	if math.Abs(d-mu) > 0.03 {
		t.Fatalf("1-D SW2 = %v, want %v ± 0.03", d, mu)
	}
	// Different sizes, same closed form.
	c := gaussian(7001, 1, []float64{mu}, newRNG(4))
	if d, _ := SlicedW2(a, c, 2, newRNG(3)); math.Abs(d-mu) > 0.04 {
		t.Fatalf("1-D SW2 with sizes 20000/7001 = %v, want %v ± 0.04", d, mu)
	}
	// 2-D, same covariance, shift μ: W2² along θ is (θ·μ)², so for the
	// directions actually drawn SW2 = sqrt(mean (θ·μ)²) (≈ ‖μ‖/√2 for many
	// directions); only the sampling error of 5000 points remains.
	a2 := gaussian(5000, 2, []float64{0, 0}, newRNG(5))
	b2 := gaussian(5000, 2, []float64{2, 1}, newRNG(6))
	dirs := RandomDirections(2, 256, newRNG(7))
	want := 0.0
	for _, th := range dirs {
		want += (2*th[0] + th[1]) * (2*th[0] + th[1])
	}
	want = math.Sqrt(want / 256)
	if math.Abs(want-math.Sqrt(2.5)) > 0.1 {
		t.Fatalf("directions far from uniform: %v vs %v", want, math.Sqrt(2.5))
	}
	if d, _ := SlicedW2(a2, b2, 256, newRNG(7)); math.Abs(d-want) > 0.04 {
		t.Fatalf("2-D SW2 = %v, want %v ± 0.04", d, want)
	}
}

func TestSW2Errors(t *testing.T) {
	a := gaussian(10, 2, []float64{0, 0}, newRNG(1))
	b := gaussian(10, 3, []float64{0, 0, 0}, newRNG(1))
	if _, err := SlicedW2(a, b, 10, newRNG(1)); err == nil {
		t.Fatal("dimension mismatch: no error")
	}
	bad := a.Clone()
	bad.X[3] = math.NaN()
	if _, err := SlicedW2(a, bad, 10, newRNG(1)); err == nil {
		t.Fatal("NaN: no error")
	}
}

func TestMMD(t *testing.T) {
	a := gaussian(800, 2, []float64{0, 0}, newRNG(1))
	b := gaussian(800, 2, []float64{0, 0}, newRNG(2))
	c := gaussian(800, 2, []float64{1, 0}, newRNG(3))
	bw, err := MedianBandwidth(newRNG(4), a, b, c)
	if err != nil {
		t.Fatal(err)
	}
	// For N(0, I) in 2-D the distance between two points is Rayleigh with
	// scale √2: median √2·√(2 ln 2) ≈ 1.665; the shifted third set widens
	// the pool a little.
	if bw < 1.6 || bw > 1.95 {
		t.Fatalf("median bandwidth %v, want ≈ 1.67–1.9", bw)
	}
	same, _ := MMD2(a, b, bw)
	diff, _ := MMD2(a, c, bw)
	// Under the null the unbiased MMD² has mean 0 and standard deviation of
	// order 1/n ≈ 1e-3; a unit shift gives ≈ 0.1 (see below).
	if math.Abs(same) > 0.005 {
		t.Fatalf("MMD² same distribution = %v, want |·| < 0.005", same)
	}
	// Closed form for Gaussians: with s² = σ², k̄(N(μ1,I),N(μ2,I)) =
	// (s²/(s²+2))^{d/2} exp(−‖μ1−μ2‖²/(2(s²+2))). MMD² = 2(k̄(0) − k̄(δ)).
	s2 := bw * bw
	kbar := func(delta2 float64) float64 { return s2 / (s2 + 2) * math.Exp(-delta2/(2*(s2+2))) }
	want := 2 * (kbar(0) - kbar(1))
	if math.Abs(diff-want) > 0.01 {
		t.Fatalf("MMD² shifted = %v, want %v ± 0.01", diff, want)
	}
	// Symmetric and permutation invariant up to rounding.
	rev, _ := MMD2(c.Subset(newRNG(9).Perm(c.N())), a, bw)
	if math.Abs(rev-diff) > 1e-12 {
		t.Fatalf("MMD²(perm c, a) = %v ≠ MMD²(a, c) = %v", rev, diff)
	}
	if _, err := MMD2(a, b, 0); err == nil {
		t.Fatal("zero bandwidth: no error")
	}
}

func TestCompareFloor(t *testing.T) {
	ref, _ := data.Toy("8gaussians", 2000, newRNG(1))
	good, _ := data.Toy("8gaussians", 1000, newRNG(2))
	bad, _ := data.Toy("checkerboard", 1000, newRNG(3))

	rg, err := Compare(ref, good, Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	rb, _ := Compare(ref, bad, Options{Seed: 1})
	if rg.NUsed != 1000 || rg.NRef != 2000 || rg.NSamples != 1000 || rg.NMMD != 1000 {
		t.Fatalf("sizes: %+v", rg)
	}
	// Same reference split, seed and directions: identical SW2 floors (the
	// MMD floor also depends on the bandwidth, which pools the samples).
	if rg.SW2Floor != rb.SW2Floor {
		t.Fatalf("floors differ between runs with one seed: %+v %+v", rg, rb)
	}
	// Samples from the reference distribution score about the floor; a
	// different distribution is far above it.
	if rg.SW2Ratio < 0.5 || rg.SW2Ratio > 2 {
		t.Fatalf("same distribution: SW2 ratio %v, want within [0.5, 2]", rg.SW2Ratio)
	}
	// The median-heuristic bandwidth (≈ 4 here) makes MMD² small in
	// absolute terms, but it is still far outside the floor's noise.
	if rb.SW2Ratio < 2.5 || rb.MMD < 5*math.Abs(rb.MMDFloor) || rb.MMD < 5*math.Abs(rg.MMD) {
		t.Fatalf("different distribution not clearly above the floor: %+v", rb)
	}
	t.Logf("good: %+v\n bad: %+v", rg, rb)
	if rb.SW2Floor >= rb.SW2 {
		t.Fatalf("floor %v not below the metric %v", rb.SW2Floor, rb.SW2)
	}
	// Deterministic.
	again, _ := Compare(ref, bad, Options{Seed: 1})
	if again != rb {
		t.Fatal("Compare is not deterministic for a fixed seed")
	}
}

func TestCompareErrors(t *testing.T) {
	a := gaussian(10, 2, []float64{0, 0}, newRNG(1))
	if _, err := Compare(a, gaussian(10, 1, []float64{0}, newRNG(1)), Options{}); err == nil {
		t.Fatal("dimension mismatch: no error")
	}
	if _, err := Compare(gaussian(3, 2, []float64{0, 0}, newRNG(1)), a, Options{}); err == nil {
		t.Fatal("3 reference points: no error")
	}
}
