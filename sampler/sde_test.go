package sampler

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
)

// momentsAfter samples N(μ, s²) data (1-D) from its exact marginal at σ_max
// with the given options and returns the samples' mean and variance.
func momentsAfter(t *testing.T, g *gaussDenoiser, n int, opt Options, seed uint64) (mean, variance float64, res Result) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 7))
	x := make([]float64, n)
	sd := math.Sqrt(g.s2[0] + opt.SigmaMax*opt.SigmaMax)
	for i := range x {
		x[i] = g.mu[0] + sd*rng.NormFloat64()
	}
	opt.Rng = rng
	res, err := Sample(context.Background(), g, x, opt)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range x {
		mean += v
	}
	mean /= float64(n)
	for _, v := range x {
		variance += (v - mean) * (v - mean)
	}
	return mean, variance / float64(n-1), res
}

func TestSDEConvergesOnGaussianData(t *testing.T) {
	const n = 40000
	g := gauss1(1.5, 0.5)
	s2 := g.s2[0]
	var prevErr float64
	for k, steps := range []int{8, 32, 256} {
		opt := DefaultOptions()
		opt.Solver, opt.Steps = SDE, steps
		m, v, res := momentsAfter(t, g, n, opt, 1)
		if res.NFE != steps {
			t.Errorf("steps %d: NFE = %d, want %d", steps, res.NFE, steps)
		}
		verr := math.Abs(v - s2)
		t.Logf("steps %3d: mean %.4f variance %.4f (want %v, %v)", steps, m, v, g.mu[0], s2)
		if k > 0 && !(verr < prevErr) {
			t.Errorf("variance error did not fall from %v to %v at %d steps", prevErr, verr, steps)
		}
		prevErr = verr
		if steps == 256 {
			// 5 standard errors plus 1% for the discretisation.
			if tol := 5*0.5/math.Sqrt(n) + 0.01*0.5; math.Abs(m-g.mu[0]) > tol {
				t.Errorf("mean %v, want %v ± %v", m, g.mu[0], tol)
			}
			if tol := 5*s2*math.Sqrt(2.0/n) + 0.02*s2; verr > tol {
				t.Errorf("variance %v, want %v ± %v", v, s2, tol)
			}
		}
	}
}

// The SDE's samples follow the same distribution as the ODE's (Heun, 128
// steps) once the SDE has enough steps: mean and variance agree within 5
// standard errors of the difference of two independent sets plus 1%.
func TestSDEMatchesODE(t *testing.T) {
	const n = 40000
	g := gauss1(-0.5, 1.2)
	ode := DefaultOptions()
	ode.Steps = 128
	mo, vo, _ := momentsAfter(t, g, n, ode, 2)
	sde := DefaultOptions()
	sde.Solver, sde.Steps = SDE, 1024
	ms, vs, _ := momentsAfter(t, g, n, sde, 3)
	s, s2 := 1.2, 1.44
	if tol := 5*s*math.Sqrt(2.0/n) + 0.01*s; math.Abs(ms-mo) > tol {
		t.Errorf("means: SDE %v, ODE %v, want within %v", ms, mo, tol)
	}
	if tol := 5*s2*math.Sqrt(4.0/n) + 0.01*s2; math.Abs(vs-vo) > tol {
		t.Errorf("variances: SDE %v, ODE %v, want within %v", vs, vo, tol)
	}
}

// With S_churn = 0 EDM's stochastic sampler is Heun's method exactly.
func TestEDMSDEWithoutChurnIsHeun(t *testing.T) {
	g := &gaussDenoiser{mu: []float64{1, -2}, s2: []float64{0.25, 4}}
	x0 := make([]float64, 200)
	rng := rand.New(rand.NewPCG(4, 4))
	for i := range x0 {
		x0[i] = 80 * rng.NormFloat64()
	}
	heun := DefaultOptions()
	a := append([]float64(nil), x0...)
	ra, err := Sample(context.Background(), g, a, heun)
	if err != nil {
		t.Fatal(err)
	}
	edm := heun
	edm.Solver, edm.SChurn, edm.Rng = EDMSDE, 0, rand.New(rand.NewPCG(5, 5))
	b := append([]float64(nil), x0...)
	rb, err := Sample(context.Background(), g, b, edm)
	if err != nil {
		t.Fatal(err)
	}
	if ra.NFE != rb.NFE || maxAbsDiff(a, b) != 0 {
		t.Errorf("NFE %d vs %d, max difference %v: want identical runs", ra.NFE, rb.NFE, maxAbsDiff(a, b))
	}
}

// With churn the samples still have the data's mean and variance (5
// standard errors plus 2% of s²), the churn does change them, and the
// variance error falls as steps grow.
func TestEDMSDEChurnOnGaussianData(t *testing.T) {
	const n = 40000
	g := gauss1(1.5, 0.5)
	var prev float64
	for k, steps := range []int{4, 16, 64} {
		opt := DefaultOptions()
		opt.Solver, opt.Steps = EDMSDE, steps
		m, v, res := momentsAfter(t, g, n, opt, 6)
		if res.NFE != 2*steps-1 {
			t.Errorf("NFE = %d, want %d", res.NFE, 2*steps-1)
		}
		t.Logf("steps %2d: mean %.4f variance %.4f", steps, m, v)
		verr := math.Abs(v - 0.25)
		if k > 0 && !(verr < prev) {
			t.Errorf("variance error did not fall from %v to %v at %d steps", prev, verr, steps)
		}
		prev = verr
		if steps == 64 {
			if tol := 5*0.5/math.Sqrt(n) + 0.01*0.5; math.Abs(m-1.5) > tol {
				t.Errorf("mean %v, want 1.5 ± %v", m, tol)
			}
			if tol := 5*0.25*math.Sqrt(2.0/n) + 0.02*0.25; verr > tol {
				t.Errorf("variance %v, want 0.25 ± %v", v, tol)
			}
			heun := opt
			heun.SChurn = 0
			_, vh, _ := momentsAfter(t, g, n, heun, 6)
			if vh == v {
				t.Error("churn left the samples unchanged")
			}
		}
	}
}

func TestStochasticSolversNeedRng(t *testing.T) {
	g := gauss1(0, 1)
	for _, s := range []Solver{SDE, EDMSDE} {
		opt := DefaultOptions()
		opt.Solver = s
		if _, err := Sample(context.Background(), g, []float64{1}, opt); err == nil {
			t.Errorf("%v without Rng: no error", s)
		}
	}
	opt := DefaultOptions()
	opt.Solver, opt.Rng, opt.SMin, opt.SMax = EDMSDE, rand.New(rand.NewPCG(1, 1)), 2, 1
	if _, err := Sample(context.Background(), g, []float64{1}, opt); err == nil {
		t.Error("edm-sde with s-min > s-max: no error")
	}
}
