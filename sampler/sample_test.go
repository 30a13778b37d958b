package sampler

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func gauss1(mu, s float64) *gaussDenoiser {
	return &gaussDenoiser{mu: []float64{mu}, s2: []float64{s * s}}
}

// D = ∞ with Gaussian data N(μ, diag s²): the ODE carries the marginal
// N(μ, s² + σ_max²) exactly onto the data, so the samples' mean and variance
// must be μ and s². The prior is drawn from that exact marginal (the
// N(0, σ_max²) prior of package process is off by μ·s/σ_max in the mean,
// which would blur the check). Tolerance per coordinate: 5 standard errors
// (s/√n for the mean, s²√(2/n) for the variance) plus 0.5% of s or s² for
// Heun's discretisation. 128 steps keep that small (measured scale error
// ~0.07%); the default 18 steps are 4–7% off in scale for these data, which is
// what TestConvergenceOrder measures, not a statistical question.
func TestHeunGaussianData(t *testing.T) {
	const n = 100000
	for _, g := range []*gaussDenoiser{
		gauss1(1.5, 0.5),
		{mu: []float64{-1, 2}, s2: []float64{0.3 * 0.3, 2 * 2}},
	} {
		dim := g.Dim()
		t.Run(fmt.Sprint(dim, "-D"), func(t *testing.T) {
			opt := DefaultOptions()
			opt.Steps = 128
			rng := rand.New(rand.NewPCG(1, uint64(dim)))
			x := make([]float64, n*dim)
			for i := range x {
				j := i % dim
				x[i] = g.mu[j] + math.Sqrt(g.s2[j]+opt.SigmaMax*opt.SigmaMax)*rng.NormFloat64()
			}
			res, err := Sample(context.Background(), g, x, opt)
			if err != nil {
				t.Fatal(err)
			}
			if res.NFE != 255 {
				t.Errorf("NFE = %d, want 255", res.NFE)
			}
			for j := range dim {
				var m, v float64
				for i := j; i < len(x); i += dim {
					m += x[i]
				}
				m /= n
				for i := j; i < len(x); i += dim {
					v += (x[i] - m) * (x[i] - m)
				}
				v /= n - 1
				s := math.Sqrt(g.s2[j])
				if tol := 5*s/math.Sqrt(n) + 0.005*s; math.Abs(m-g.mu[j]) > tol {
					t.Errorf("coord %d: mean %v, want %v ± %v", j, m, g.mu[j], tol)
				}
				if tol := 5*g.s2[j]*math.Sqrt(2.0/n) + 0.005*g.s2[j]; math.Abs(v-g.s2[j]) > tol {
					t.Errorf("coord %d: variance %v, want %v ± %v", j, v, g.s2[j], tol)
				}
			}
		})
	}
}

// errorAtSigmaMin runs the solver with n steps on the μ = 0, s = 1 Gaussian
// denoiser and returns the max error at σ_min (the frame before the final
// jump to 0) against the closed-form flow x(σ) = x₀·√((1+σ²)/(1+σ₀²)).
func errorAtSigmaMin(t *testing.T, sol Solver, n int) float64 {
	t.Helper()
	g := gauss1(0, 1)
	x0 := []float64{80, -40, 3}
	opt := DefaultOptions()
	opt.Solver, opt.Steps, opt.Record = sol, n, true
	x := slices.Clone(x0)
	res, err := Sample(context.Background(), g, x, opt)
	if err != nil {
		t.Fatal(err)
	}
	return maxAbsDiff(res.Trajectory[len(res.Trajectory)-2], g.exactFlow(x0, opt.SigmaMax, opt.SigmaMin))
}

// Halving the step (in the EDM grid's uniform parameter) must divide the
// error by 2^p: ≈ 4 for Heun, ≈ 2 for Euler (measured 4.13, 4.06 and 1.995,
// 1.998 for 64 → 128 → 256 steps).
func TestConvergenceOrder(t *testing.T) {
	for _, c := range []struct {
		sol    Solver
		lo, hi float64
	}{{Heun, 3.8, 4.3}, {Euler, 1.9, 2.1}} {
		e64, e128, e256 := errorAtSigmaMin(t, c.sol, 64), errorAtSigmaMin(t, c.sol, 128), errorAtSigmaMin(t, c.sol, 256)
		for _, ratio := range []float64{e64 / e128, e128 / e256} {
			if ratio < c.lo || ratio > c.hi {
				t.Errorf("%v: error ratio %v outside [%v, %v] (errors %v %v %v)", c.sol, ratio, c.lo, c.hi, e64, e128, e256)
			}
		}
	}
}

// RK45 meets its tolerance on the closed-form flow (error at σ_min within
// 5·tol of the final |x| ≈ 1), uses fewer evaluations when the tolerance is
// looser, and reports exactly the denoiser calls it made.
func TestRK45Tolerance(t *testing.T) {
	x0 := []float64{80, -40, 3}
	nfe := map[float64]int{}
	for _, tol := range []float64{1e-3, 1e-4, 1e-6, 1e-8} {
		g := gauss1(0, 1)
		opt := DefaultOptions()
		opt.Solver, opt.Rtol, opt.Atol, opt.Record = RK45, tol, tol, true
		x := slices.Clone(x0)
		res, err := Sample(context.Background(), g, x, opt)
		if err != nil {
			t.Fatal(err)
		}
		if res.NFE != g.calls {
			t.Errorf("tol %v: NFE %d, denoiser called %d times", tol, res.NFE, g.calls)
		}
		if len(res.Trajectory) != len(res.Sigmas) || res.Sigmas[0] != 80 ||
			res.Sigmas[len(res.Sigmas)-2] != 0.002 || res.Sigmas[len(res.Sigmas)-1] != 0 {
			t.Errorf("tol %v: %d frames for σ %v", tol, len(res.Trajectory), res.Sigmas)
		}
		e := maxAbsDiff(res.Trajectory[len(res.Trajectory)-2], g.exactFlow(x0, 80, 0.002))
		if e > 5*tol {
			t.Errorf("tol %v: error %v at σ_min", tol, e)
		}
		// The final denoise from σ_min has the closed-form floor x·σ_min²/2 ≈ 2e-6·|x|.
		if e0 := maxAbsDiff(x, g.exactFlow(x0, 80, 0)); e0 > 5*tol+1e-5 {
			t.Errorf("tol %v: error %v at σ=0", tol, e0)
		}
		nfe[tol] = res.NFE
	}
	if !(nfe[1e-3] < nfe[1e-4] && nfe[1e-4] < nfe[1e-6] && nfe[1e-6] < nfe[1e-8]) {
		t.Errorf("NFE not increasing as the tolerance tightens: %v", nfe)
	}
}

// mixtureDenoiser is the exact posterior mean of the 1-D data
// ½N(−2, 0.5²) + ½N(2, 0.5²): a nonlinear field with a closed form.
type mixtureDenoiser struct{}

func (mixtureDenoiser) Dim() int { return 1 }

func (mixtureDenoiser) Denoise(_ context.Context, x []float64, sigma float64, out []float64) error {
	const s2 = 0.25
	v := s2 + sigma*sigma
	for i, xi := range x {
		num, den := 0.0, 0.0
		for _, mu := range []float64{-2, 2} {
			w := math.Exp(-(xi - mu) * (xi - mu) / (2 * v))
			num += w * (s2*xi + sigma*sigma*mu) / v
			den += w
		}
		out[i] = num / den
	}
	return nil
}

// On a nonlinear field the solvers converge to the same samples at their
// orders: against RK45 at rtol = atol = 1e-10 (which agrees with 1e-11 to
// ~1e-9), Heun's error falls 4× per halving (measured 6.9e-4 → 1.7e-4 →
// 4.5e-5 for 256 → 512 → 1024 steps) and Euler's 2×.
func TestSolversAgreeNonlinear(t *testing.T) {
	x0 := []float64{-150, -60, -3, -0.5, 0.7, 4, 90}
	run := func(sol Solver, steps int, tol float64) []float64 {
		opt := DefaultOptions()
		opt.Solver, opt.Steps, opt.Rtol, opt.Atol = sol, steps, tol, tol
		x := slices.Clone(x0)
		if _, err := Sample(context.Background(), mixtureDenoiser{}, x, opt); err != nil {
			t.Fatal(err)
		}
		return x
	}
	ref := run(RK45, 18, 1e-10)
	if d := maxAbsDiff(run(RK45, 18, 1e-11), ref); d > 1e-8 {
		t.Errorf("RK45 1e-10 vs 1e-11: %v", d)
	}
	h1, h2, h3 := maxAbsDiff(run(Heun, 256, 0), ref), maxAbsDiff(run(Heun, 512, 0), ref), maxAbsDiff(run(Heun, 1024, 0), ref)
	if r1, r2 := h1/h2, h2/h3; r1 < 3.6 || r1 > 4.4 || r2 < 3.6 || r2 > 4.4 || h3 > 1e-4 {
		t.Errorf("Heun errors %v %v %v (ratios %v %v)", h1, h2, h3, r1, r2)
	}
	e1, e2 := maxAbsDiff(run(Euler, 2048, 0), ref), maxAbsDiff(run(Euler, 4096, 0), ref)
	if r := e1 / e2; r < 1.8 || r > 2.2 {
		t.Errorf("Euler errors %v %v (ratio %v)", e1, e2, r)
	}
}

func TestNFECounts(t *testing.T) {
	for _, n := range []int{1, 2, 18} {
		for sol, want := range map[Solver]int{Euler: n, Heun: 2*n - 1} {
			g := gauss1(0, 1)
			opt := DefaultOptions()
			opt.Solver, opt.Steps = sol, n
			res, err := Sample(context.Background(), g, []float64{10, -5}, opt)
			if err != nil {
				t.Fatal(err)
			}
			if res.NFE != want || g.calls != want {
				t.Errorf("%v n=%d: NFE %d, calls %d, want %d", sol, n, res.NFE, g.calls, want)
			}
			if len(res.Sigmas) != n+1 {
				t.Errorf("%v n=%d: %d sigmas", sol, n, len(res.Sigmas))
			}
		}
	}
}

func TestNoiseInjection(t *testing.T) {
	x0 := []float64{30, -20, 5, 70}
	run := func(alpha float64, seed uint64, sol Solver) []float64 {
		opt := DefaultOptions()
		opt.Solver, opt.Alpha = sol, alpha
		if alpha > 0 {
			opt.Rng = rand.New(rand.NewPCG(seed, 1))
		}
		x := slices.Clone(x0)
		if _, err := Sample(context.Background(), gauss1(0, 1), x, opt); err != nil {
			t.Fatal(err)
		}
		return x
	}
	for _, sol := range []Solver{Euler, Heun, RK45} {
		clean, a, b, c := run(0, 0, sol), run(0.3, 7, sol), run(0.3, 7, sol), run(0.3, 8, sol)
		if !slices.Equal(a, b) {
			t.Errorf("%v: same seed gave %v and %v", sol, a, b)
		}
		// Injected noise at σ_i is scaled by the remaining flow √((1+σ²_end)/(1+σ_i²)),
		// so the final perturbation is O(α·σ_min … α) ≫ 1e-3 in practice.
		if maxAbsDiff(a, clean) < 1e-3 || maxAbsDiff(a, c) < 1e-3 {
			t.Errorf("%v: α=0.3 did not change the samples: %v vs %v vs %v", sol, clean, a, c)
		}
	}
	opt := DefaultOptions()
	opt.Alpha = 0.1
	if _, err := Sample(context.Background(), gauss1(0, 1), []float64{1}, opt); err == nil {
		t.Error("alpha > 0 without Rng accepted")
	}
}

// cancelDenoiser cancels its context on call number `at`.
type cancelDenoiser struct {
	gaussDenoiser
	at     int
	cancel context.CancelFunc
}

func (c *cancelDenoiser) Denoise(ctx context.Context, x []float64, sigma float64, out []float64) error {
	err := c.gaussDenoiser.Denoise(ctx, x, sigma, out)
	if c.calls == c.at {
		c.cancel()
	}
	return err
}

func TestCancellation(t *testing.T) {
	for sol, wantNFE := range map[Solver]int{Euler: 3, Heun: 4, RK45: 7} {
		ctx, cancel := context.WithCancel(context.Background())
		d := &cancelDenoiser{gaussDenoiser: *gauss1(0, 1), at: 3, cancel: cancel}
		opt := DefaultOptions()
		opt.Solver = sol
		res, err := Sample(ctx, d, []float64{10, 20}, opt)
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%v: err = %v, want context.Canceled", sol, err)
		}
		// Cancellation is seen before the next step: Euler after step 3, Heun
		// after step 2 (calls 3–4), RK45 after its first step (1 + 6 stages).
		if res.NFE != wantNFE {
			t.Errorf("%v: NFE %d after cancel, want %d", sol, res.NFE, wantNFE)
		}
	}
}

func TestRecord(t *testing.T) {
	x0 := []float64{10, -3}
	for _, sol := range []Solver{Euler, Heun} {
		opt := DefaultOptions()
		opt.Solver, opt.Steps, opt.Record = sol, 7, true
		x := slices.Clone(x0)
		res, err := Sample(context.Background(), gauss1(0, 1), x, opt)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Trajectory) != 8 {
			t.Fatalf("%v: %d frames, want Steps+1 = 8", sol, len(res.Trajectory))
		}
		if !slices.Equal(res.Trajectory[0], x0) || !slices.Equal(res.Trajectory[7], x) {
			t.Errorf("%v: first/last frames %v %v, want %v %v", sol, res.Trajectory[0], res.Trajectory[7], x0, x)
		}
		x[0] = 1e9
		res.Trajectory[3][0] = 1e9 // frames must not share memory
		if res.Trajectory[7][0] == 1e9 || res.Trajectory[2][0] == 1e9 || res.Trajectory[4][0] == 1e9 {
			t.Errorf("%v: frames alias each other or x", sol)
		}
	}
}

type badDenoiser struct{ err error }

func (badDenoiser) Dim() int { return 2 }
func (b badDenoiser) Denoise(_ context.Context, x []float64, sigma float64, out []float64) error {
	if b.err != nil {
		return b.err
	}
	for i := range out {
		out[i] = 0
	}
	if sigma < 1 {
		out[3] = math.NaN()
	}
	return nil
}

func TestDenoiserFailures(t *testing.T) {
	_, err := Sample(context.Background(), badDenoiser{}, []float64{1, 2, 3, 4}, DefaultOptions())
	if err == nil || !strings.Contains(err.Error(), "NaN") || !strings.Contains(err.Error(), "point 1") {
		t.Errorf("NaN output: err = %v", err)
	}
	sentinel := errors.New("out of memory")
	_, err = Sample(context.Background(), badDenoiser{err: sentinel}, []float64{1, 2}, DefaultOptions())
	if !errors.Is(err, sentinel) {
		t.Errorf("denoiser error not wrapped: %v", err)
	}
}

func TestValidation(t *testing.T) {
	mod := func(f func(*Options)) Options { o := DefaultOptions(); f(&o); return o }
	for name, c := range map[string]struct {
		opt  Options
		x    []float64
		want string
	}{
		"steps":     {mod(func(o *Options) { o.Steps = 0 }), []float64{1, 2}, "steps must be ≥ 1"},
		"sigmaMin":  {mod(func(o *Options) { o.SigmaMin = 0 }), []float64{1, 2}, "sigma-min must be > 0"},
		"sigmaMax":  {mod(func(o *Options) { o.SigmaMax = 0.001 }), []float64{1, 2}, "sigma-max must be"},
		"rho":       {mod(func(o *Options) { o.Rho = 0 }), []float64{1, 2}, "rho must be > 0"},
		"solver":    {mod(func(o *Options) { o.Solver = 9 }), []float64{1, 2}, "unknown solver Solver(9)"},
		"rtol":      {mod(func(o *Options) { o.Solver, o.Rtol = RK45, 0 }), []float64{1, 2}, "rtol > 0"},
		"alpha":     {mod(func(o *Options) { o.Alpha = -1 }), []float64{1, 2}, "alpha must be ≥ 0"},
		"len":       {DefaultOptions(), []float64{1, 2, 3}, "len(x) = 3 is not a positive multiple of the denoiser's dimension 2"},
		"empty":     {DefaultOptions(), nil, "len(x) = 0"},
		"nan input": {DefaultOptions(), []float64{1, 2, math.Inf(1), 0}, "initial x is not finite at point 1"},
	} {
		_, err := Sample(context.Background(), &gaussDenoiser{mu: []float64{0, 0}, s2: []float64{1, 1}}, c.x, c.opt)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want it to mention %q", name, err, c.want)
		}
	}
}

// The step loops allocate nothing: the allocation count of a run does not
// depend on the number of steps.
func TestNoPerStepAllocation(t *testing.T) {
	for _, sol := range []Solver{Euler, Heun, RK45} {
		allocs := func(steps int, tol float64) float64 {
			opt := DefaultOptions()
			opt.Solver, opt.Steps, opt.Rtol, opt.Atol = sol, steps, tol, tol
			x := make([]float64, 64)
			d := gauss1(0, 1)
			return testing.AllocsPerRun(5, func() {
				for i := range x {
					x[i] = float64(i)
				}
				if _, err := Sample(context.Background(), d, x, opt); err != nil {
					t.Fatal(err)
				}
			})
		}
		few, many := allocs(4, 1e-3), allocs(200, 1e-7)
		if sol == RK45 {
			// Sigmas grows with the accepted steps (a few appends), nothing else.
			if many-few > 6 {
				t.Errorf("%v: %v allocs loose vs %v tight", sol, few, many)
			}
		} else if few != many {
			t.Errorf("%v: %v allocs for 4 steps, %v for 200", sol, few, many)
		}
	}
}
