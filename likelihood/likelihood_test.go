package likelihood

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/pfgm/pfgm/field"
	"github.com/pfgm/pfgm/process"
)

// The prior is a normalised density: ∫ p = 1 by quadrature, N = 1 and 2,
// for finite D and D = ∞.
func TestPriorNormalised(t *testing.T) {
	const sigmaMax = 3.0
	for _, D := range []float64{1, 2, 4, 128, math.Inf(1)} {
		for _, n := range []int{1, 2} {
			// ∫ over R^n = ∫₀^∞ area(S^(n−1))·ρ^(n−1)·p(ρ) dρ; ρ = tan θ·c maps
			// to (0, π/2), a midpoint rule with many nodes is ample.
			c := sigmaMax * 2
			area := 2.0
			if n == 2 {
				area = 2 * math.Pi
			}
			const m = 200000
			x := make([]float64, n)
			var sum float64
			for i := range m {
				th := (float64(i) + 0.5) / m * math.Pi / 2
				rho := c * math.Tan(th)
				x[0] = rho
				dr := c / (math.Cos(th) * math.Cos(th)) * math.Pi / 2 / m
				sum += area * math.Pow(rho, float64(n-1)) * math.Exp(LogPrior(x, D, sigmaMax)) * dr
			}
			if math.Abs(sum-1) > 1e-6 {
				t.Errorf("D=%v N=%d: ∫p = %.9f, want 1", D, n, sum)
			}
		}
	}
}

// (a) D = ∞ with the analytic denoiser of Gaussian data: the ODE's answer
// equals the closed-form solution of the same ODE (flow and ℓ) and, with a
// far prior, the smoothed Gaussian's density. Every divergence path: exact
// (DenoiseDiv), N vector-Jacobian products, and finite differences.
func TestGaussianClosedForm(t *testing.T) {
	g := &gauss2{mu: [2]float64{0.3, -0.2}, cov: [2][2]float64{{0.25, 0}, {0, 2.25}}}
	rng := rand.New(rand.NewPCG(1, 2))
	const np, sigmaMin = 20, 1e-3
	x := make([]float64, 2*np)
	for i := range x {
		j := i % 2
		x[i] = g.mu[j] + math.Sqrt(g.cov[j][j])*rng.NormFloat64()
	}
	opt := DefaultOptions()
	opt.SigmaMin = sigmaMin
	for _, c := range []struct {
		name string
		d    interface {
			Dim() int
			Denoise(context.Context, []float64, float64, []float64) error
		}
	}{{"div", g}, {"vjp", vjpOnly{g}}, {"fd", plain{g}}} {
		// The ODE's own closed form: x(σ) − μ = (x₀ − μ)·√((s² + σ²)/(s² + σ₀²)),
		// ℓ = Σ_j ½ log((s_j² + σ_max²)/(s_j² + σ_min²)).
		res, err := Estimate(context.Background(), c.d, x, opt)
		if err != nil {
			t.Fatal(err)
		}
		worst := 0.0
		for p := range np {
			var xm [2]float64
			ell := 0.0
			for j := range 2 {
				s2 := g.cov[j][j]
				f := (s2 + opt.SigmaMax*opt.SigmaMax) / (s2 + sigmaMin*sigmaMin)
				xm[j] = g.mu[j] + (x[2*p+j]-g.mu[j])*math.Sqrt(f)
				ell += math.Log(f) / 2
			}
			want := LogPrior(xm[:], math.Inf(1), opt.SigmaMax) + ell
			worst = max(worst, math.Abs(res.LogP[p]-want))
		}
		if worst > 1e-4 {
			t.Errorf("%s: |log p − ODE closed form| up to %.2e, want ≤ 1e-4", c.name, worst)
		}
		// With σ_max = 10⁴ the prior N(0, σ_max²) is the data's marginal
		// there to O(|μ|/σ_max): the answer is the Gaussian's density.
		far := opt
		far.SigmaMax = 1e4
		res, err = Estimate(context.Background(), c.d, x, far)
		if err != nil {
			t.Fatal(err)
		}
		worst = 0
		for p := range np {
			worst = max(worst, math.Abs(res.LogP[p]-g.logDensity(x[2*p:2*p+2], sigmaMin)))
		}
		if worst > 1e-3 {
			t.Errorf("%s: |log p − log N(μ, Σ + σ_min²)| up to %.2e nats, want ≤ 1e-3", c.name, worst)
		}
		t.Logf("%s: nll %.4f, nfe_mean %.0f, passes %d", c.name, res.NLL, res.NFEMean, res.Passes)
	}
}

// (b) A single charge at 0 at finite D: D(x, σ) = 0, so x ∝ σ and
// ℓ = N log(σ_max/σ_min); the density at σ_min is the PFGM++ kernel with
// r = σ_min√D. Points are drawn from that kernel.
func TestSingleCharge(t *testing.T) {
	for _, D := range []float64{1, 4, 128, math.Inf(1)} {
		for _, n := range []int{2, 5} {
			proc, err := process.New(D)
			if err != nil {
				t.Fatal(err)
			}
			opt := DefaultOptions()
			opt.D, opt.Rtol, opt.Atol = D, 1e-10, 1e-10 // the formula, not the solver's error
			x := proc.Prior(rand.New(rand.NewPCG(3, uint64(n))), 16, n, opt.SigmaMin)
			res, err := Estimate(context.Background(), zero{n}, x, opt)
			if err != nil {
				t.Fatal(err)
			}
			for p, got := range res.LogP {
				want := LogKernel(x[p*n:(p+1)*n], nil, D, opt.SigmaMin)
				if math.Abs(got-want) > 1e-6*math.Max(1, math.Abs(want)) {
					t.Errorf("D=%v N=%d point %d: log p = %.9f, kernel %.9f", D, n, p, got, want)
				}
			}
		}
	}
}

// (c) The exact field of a small point set: its density at σ_min is the
// mixture (1/K)·Σ_i kernel_σmin(x − y_i). The ODE, with a plain Denoiser
// (finite differences) and the prior around 0, must give it, at finite D
// and D = ∞; the D = 128 and D = ∞ answers must be close to each other.
func TestExactFieldMixture(t *testing.T) {
	ys := []float64{0, 0, 0.6, 0.2, -0.4, 0.5, -0.3, -0.6, 0.5, -0.4}
	const k, n = 5, 2
	rng := rand.New(rand.NewPCG(5, 6))
	const sigmaMin = 0.05
	logp := map[float64][]float64{}
	for _, D := range []float64{1, 128, math.Inf(1)} {
		ex, err := field.New(ys, n, D)
		if err != nil {
			t.Fatal(err)
		}
		proc, _ := process.New(D)
		x := proc.Prior(rng, 2*k, n, sigmaMin)
		if D == 1 {
			x = proc.Prior(rng, 2*k, n, sigmaMin/4) // heavy tails: stay near the charges
		}
		for p := range 2 * k {
			x[p*n] += ys[(p%k)*n]
			x[p*n+1] += ys[(p%k)*n+1]
		}
		opt := DefaultOptions()
		opt.D, opt.SigmaMin = D, sigmaMin
		// The prior around 0 stands for the mixture at σ_max, off by
		// O(|ȳ|·‖x‖/σ_max²) ≈ 3·10⁻³ at σ_max = 80: go far enough.
		opt.SigmaMax = 1e4
		opt.Rtol, opt.Atol = 1e-7, 1e-7
		res, err := Estimate(context.Background(), ex, x, opt)
		if err != nil {
			t.Fatal(err)
		}
		worst := 0.0
		for p, got := range res.LogP {
			lk := make([]float64, k)
			for i := range k {
				lk[i] = LogKernel(x[p*n:(p+1)*n], ys[i*n:(i+1)*n], D, sigmaMin)
			}
			want := logSumExp(lk) - math.Log(k)
			worst = max(worst, math.Abs(got-want))
		}
		if worst > 1e-4 {
			t.Errorf("D=%v: |log p − mixture| up to %.2e nats, want ≤ 1e-4", D, worst)
		}
		t.Logf("D=%v: max error %.1e nats, nfe_mean %.0f", D, worst, res.NFEMean)
		// The same query points for the D comparison.
		if D != 1 {
			x2 := make([]float64, len(ys))
			copy(x2, ys)
			for i := range x2 {
				x2[i] += 0.03 * float64(i%3-1)
			}
			r2, err := Estimate(context.Background(), ex, x2, opt)
			if err != nil {
				t.Fatal(err)
			}
			logp[D] = r2.LogP
		}
	}
	for p := range logp[128] {
		a, b := logp[128][p], logp[math.Inf(1)][p]
		if math.IsNaN(a) || math.IsInf(a, 0) || math.Abs(a-b) > 0.1 {
			t.Errorf("point %d: log p = %v at D = 128 and %v at D = ∞", p, a, b)
		}
	}
}

func logSumExp(v []float64) float64 {
	m := math.Inf(-1)
	for _, a := range v {
		m = max(m, a)
	}
	var s float64
	for _, a := range v {
		s += math.Exp(a - m)
	}
	return m + math.Log(s)
}

// (d) Hutchinson's estimate is unbiased: over many probes its mean matches
// the exact divergence within 4 standard errors, for a correlated Gaussian
// (non-diagonal Jacobian), by VJP and by finite differences. For a
// diagonal Jacobian Rademacher probes are exact (v_i² = 1).
func TestHutchinsonUnbiased(t *testing.T) {
	g := &gauss2{mu: [2]float64{1, -2}, cov: [2][2]float64{{1, 0.9}, {0.9, 1.2}}}
	x := []float64{0.3, -1.1}
	const sigma = 0.4
	j := g.jac(sigma)
	exact := j[0][0] + j[1][1]
	rng := rand.New(rand.NewPCG(7, 8))
	const k = 4000
	for _, d := range []interface {
		Dim() int
		Denoise(context.Context, []float64, float64, []float64) error
	}{g, plain{g}} {
		var sum, sum2 float64
		out, div := make([]float64, 2), make([]float64, 1)
		for range k {
			probe := []float64{float64(2*rng.IntN(2) - 1), float64(2*rng.IntN(2) - 1)}
			dv := newDivergence(d, [][]float64{probe}, 0)
			if err := dv.eval(context.Background(), x, sigma, out, div); err != nil {
				t.Fatal(err)
			}
			sum += div[0]
			sum2 += div[0] * div[0]
		}
		mean := sum / k
		se := math.Sqrt((sum2/k - mean*mean) / k)
		if se == 0 || math.Abs(mean-exact) > 4*se {
			t.Errorf("%T: Hutchinson mean %.5f ± %.5f, exact %.5f", d, mean, se, exact)
		}
	}
	diag := &gauss2{mu: [2]float64{1, -2}, cov: [2][2]float64{{1, 0}, {0, 3}}}
	opt := DefaultOptions()
	xs := []float64{0.5, -1, 2, -3, 1.5, 0}
	ex, err := Estimate(context.Background(), diag, xs, opt)
	if err != nil {
		t.Fatal(err)
	}
	opt.Probes = 1
	hu, err := Estimate(context.Background(), vjpOnly{diag}, xs, opt)
	if err != nil {
		t.Fatal(err)
	}
	for p := range ex.LogP {
		if math.Abs(ex.LogP[p]-hu.LogP[p]) > 1e-9 {
			t.Errorf("diagonal Jacobian, point %d: Hutchinson %.10f, exact %.10f", p, hu.LogP[p], ex.LogP[p])
		}
	}
}

// (e) Units: data y ~ N(m, diag c²) in odd units, standardised for the
// model (x = (y − m)/c, which is N(0, I)); with Scale = c the answer is the
// data's density in its own units, and the same data in other units
// (y' = a ⊙ y) shifts the NLL by exactly Σ log a_i.
func TestStandardisationJacobian(t *testing.T) {
	m, c := []float64{3, -50}, []float64{0.2, 40}
	std := &gauss2{cov: [2][2]float64{{1, 0}, {0, 1}}}
	rng := rand.New(rand.NewPCG(9, 10))
	const np = 50
	x := make([]float64, 2*np)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	opt := DefaultOptions()
	opt.SigmaMin, opt.SigmaMax = 1e-4, 1e4
	opt.Scale = c
	res, err := Estimate(context.Background(), std, x, opt)
	if err != nil {
		t.Fatal(err)
	}
	var want float64 // mean −log N(y; m, diag c²) over the same points
	for i, v := range x {
		y := m[i%2] + c[i%2]*v
		z := (y - m[i%2]) / c[i%2]
		want += (z*z/2 + math.Log(c[i%2]) + math.Log(2*math.Pi)/2) / np
	}
	if math.Abs(res.NLL-want) > 1e-3 {
		t.Errorf("nll %.6f, data-units closed form %.6f", res.NLL, want)
	}
	a := []float64{1000, 0.01} // e.g. km → m and cm → m
	opt.Scale = []float64{c[0] * a[0], c[1] * a[1]}
	res2, err := Estimate(context.Background(), std, x, opt)
	if err != nil {
		t.Fatal(err)
	}
	shift := math.Log(a[0]) + math.Log(a[1])
	if math.Abs(res2.NLL-res.NLL-shift) > 1e-9 {
		t.Errorf("nll in other units %.9f − %.9f = %.9f, want Σ log a = %.9f", res2.NLL, res.NLL, res2.NLL-res.NLL, shift)
	}
}

// Bits per dimension: 8-bit images in [−1, 1] gain 7 bits.
func TestBitsPerDim(t *testing.T) {
	opt := DefaultOptions()
	x := []float64{0.1, -0.2}
	cont, err := Estimate(context.Background(), zero{2}, x, opt)
	if err != nil {
		t.Fatal(err)
	}
	opt.Bits = 8
	img, err := Estimate(context.Background(), zero{2}, x, opt)
	if err != nil {
		t.Fatal(err)
	}
	if want := cont.NLL / (2 * math.Ln2); math.Abs(cont.BPD-want) > 1e-12 {
		t.Errorf("continuous bpd %v, want nll/(N ln 2) = %v", cont.BPD, want)
	}
	if math.Abs(img.BPD-cont.BPD-7) > 1e-12 {
		t.Errorf("8-bit bpd %v, continuous %v: want a difference of 7", img.BPD, cont.BPD)
	}
}

func TestBadInput(t *testing.T) {
	ctx := context.Background()
	for name, c := range map[string]struct {
		x   []float64
		opt func(*Options)
	}{
		"ragged":    {[]float64{1, 2, 3}, nil},
		"empty":     {nil, nil},
		"nan":       {[]float64{1, math.NaN()}, nil},
		"D":         {[]float64{1, 2}, func(o *Options) { o.D = 0.5 }},
		"sigma":     {[]float64{1, 2}, func(o *Options) { o.SigmaMax = o.SigmaMin }},
		"tolerance": {[]float64{1, 2}, func(o *Options) { o.Rtol = 0 }},
		"probes":    {[]float64{1, 2}, func(o *Options) { o.Probes = -1 }},
		"scale":     {[]float64{1, 2}, func(o *Options) { o.Scale = []float64{1, 0} }},
		"scales":    {[]float64{1, 2}, func(o *Options) { o.Scale = []float64{1} }},
	} {
		opt := DefaultOptions()
		if c.opt != nil {
			c.opt(&opt)
		}
		if _, err := Estimate(ctx, zero{2}, c.x, opt); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	ctx2, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Estimate(ctx2, zero{2}, []float64{1, 2}, DefaultOptions()); err == nil {
		t.Error("cancelled context: no error")
	}
}
