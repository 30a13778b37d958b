package classic

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// ksStat is the Kolmogorov–Smirnov distance between the sample v and cdf.
func ksStat(v []float64, cdf func(float64) float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	n := float64(len(s))
	d := 0.0
	for i, x := range s {
		f := cdf(x)
		d = max(d, math.Abs(f-float64(i)/n), math.Abs(float64(i+1)/n-f))
	}
	return d
}

// ksCrit is the KS critical value at significance 10⁻³ for n points.
func ksCrit(n int) float64 { return 1.95 / math.Sqrt(float64(n)) }

func TestPerturbDistribution(t *testing.T) {
	// N = 2 so that the radius law has a closed-form CDF: ‖x−y‖²/s² ~ χ²(2),
	// P(χ² ≤ t) = 1 − e^(−t/2).
	p, err := NewParams(2, math.Sqrt2)
	if err != nil {
		t.Fatal(err)
	}
	const n = 20000
	rng := rand.New(rand.NewPCG(3, 4))
	y := make([]float64, 2*n)
	for i := range y {
		y[i] = rng.NormFloat64()
	}
	x, z, m := make([]float64, 2*n), make([]float64, n), make([]float64, n)
	if err := p.Perturb(rng, y, x, z, m, false); err != nil {
		t.Fatal(err)
	}
	mu, eps, r2 := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range n {
		if !(z[i] > 0) || m[i] < 0 || m[i] >= float64(p.M) {
			t.Fatalf("point %d: z = %v, m = %v (M = %d)", i, z[i], m[i], p.M)
		}
		s := p.Scale(m[i])
		mu[i] = m[i] / float64(p.M)
		eps[i] = z[i] / s
		dx, dy := x[2*i]-y[2*i], x[2*i+1]-y[2*i+1]
		r2[i] = (dx*dx + dy*dy) / (s * s)
	}
	for _, c := range []struct {
		name string
		v    []float64
		cdf  func(float64) float64
	}{
		{"m/M uniform", mu, func(u float64) float64 { return u }},
		{"z/s half-normal", eps, func(e float64) float64 { return math.Erf(e / math.Sqrt2) }},
		{"‖x−y‖²/s² χ²(2)", r2, func(v float64) float64 { return -math.Expm1(-v / 2) }},
	} {
		if d := ksStat(c.v, c.cdf); d > ksCrit(n) {
			t.Errorf("%s: KS distance %.4f > %.4f", c.name, d, ksCrit(n))
		}
	}
	// A wrong law must fail the same check (the test can fail).
	if d := ksStat(r2, func(v float64) float64 { return -math.Expm1(-v / 2.2) }); d < ksCrit(n) {
		t.Errorf("χ²(2)·1.1 not rejected: KS %.4f", d)
	}
}

func TestPerturbRestrict(t *testing.T) {
	// restrict_M: every point with ε·σ₀ < 0.005 (ε < 0.5, P = Φ(0.5)) gets
	// m ~ U[0, ⌊0.7M⌋), so P(m ≥ ⌊0.7M⌋) = (1 − Φ(0.5))·(1 − ⌊0.7M⌋/M).
	p, _ := NewParams(4, 2)
	const n = 40000
	rng := rand.New(rand.NewPCG(5, 6))
	y := make([]float64, 4*n)
	x, z, m := make([]float64, 4*n), make([]float64, n), make([]float64, n)
	if err := p.Perturb(rng, y, x, z, m, true); err != nil {
		t.Fatal(err)
	}
	cut := float64(int(0.7 * float64(p.M)))
	hi := 0
	for _, v := range m {
		if v >= cut {
			hi++
		}
	}
	phi := 0.5 * (1 + math.Erf(0.5/math.Sqrt2))
	want := (1 - phi) * (1 - cut/float64(p.M))
	sd := math.Sqrt(want * (1 - want) / n)
	if got := float64(hi) / n; math.Abs(got-want) > 4*sd {
		t.Errorf("P(m ≥ %v) = %.4f, want %.4f ± %.4f", cut, got, want, 4*sd)
	}
}

func TestPriorRadius(t *testing.T) {
	// Without clipping, B = R²/(R² + z_max²) is Beta(N/2, 1/2); for N = 2 its
	// CDF is 1 − √(1 − b).
	p := Params{N: 2, Sigma0: 0.01, Tau: 0.03, M: 10, ZMax: 3, Upper: 1e12, Gamma: 5}
	const n = 20000
	x := p.Prior(rand.New(rand.NewPCG(7, 8)), n)
	b := make([]float64, 0, n)
	clipped := 0
	for i := range n {
		r2 := x[2*i]*x[2*i] + x[2*i+1]*x[2*i+1]
		if r2 < 1-1e-9 {
			t.Fatalf("radius %v below the clip at 1", math.Sqrt(r2))
		}
		if r2 <= 1+1e-9 {
			clipped++
			continue
		}
		b = append(b, r2/(r2+p.ZMax*p.ZMax))
	}
	// The clip at 1 is B ≤ 1/10: the law conditioned on B > 0.1.
	b0 := 1 - math.Sqrt(0.9)
	cdf := func(v float64) float64 { return (math.Sqrt(0.9) - math.Sqrt(1-v)) / (1 - b0) }
	if d := ksStat(b, cdf); d > ksCrit(len(b)) {
		t.Errorf("B law: KS %.4f > %.4f", d, ksCrit(len(b)))
	}
	if frac, want := float64(clipped)/n, b0; math.Abs(frac-want) > 4*math.Sqrt(want*(1-want)/n) {
		t.Errorf("clipped fraction %.4f, want %.4f", frac, want)
	}
	// With the default upper every radius is within [1, upper].
	q, _ := NewParams(2, math.Sqrt2)
	y := q.Prior(rand.New(rand.NewPCG(9, 10)), 5000)
	for i := range 5000 {
		r := math.Hypot(y[2*i], y[2*i+1])
		if r < 1-1e-9 || r > q.Upper*(1+1e-12) {
			t.Fatalf("radius %v outside [1, %v]", r, q.Upper)
		}
	}
}
