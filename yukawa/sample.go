package yukawa

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/pfgm/pfgm/sampler"
)

// Options configures Sample.
type Options struct {
	// Steps, TMin, TMax and Rho define the EDM-like time grid in t
	// (sampler.EDMGrid), ending with one denoise to t = 0. Heun on it
	// costs NFE = 2·Steps − 1.
	Steps           int
	TMin, TMax, Rho float64
	// ESSThreshold: resample (systematically) when ESS/n falls below it
	// after a step; 0 resamples only at the end. The flow is deterministic,
	// so offspring of one particle follow one path: resampling on the way
	// cannot add diversity, only the noise of the draw, which is why the
	// default is 0.
	ESSThreshold float64
	// Unweighted ignores the weights (initial ratio and ∫λ dt): the naive
	// sampler, which gets cluster proportions wrong. For comparisons.
	Unweighted bool
	// Record keeps x at every grid time (rows are permuted by resampling;
	// set ESSThreshold = 0 for unbroken trajectories).
	Record bool
}

// MaxTMax bounds Options.TMax. The default is 20 on standardised data; far
// above it the Coulomb prior's heavy tail puts particles so far out that
// ‖x − y‖² overflows float64, and the initial weights, ∝ h(m·ρ) ≈ e^(−mρ),
// differ between particles by factors beyond e^(10⁸): a single particle
// carries all the weight.
const MaxTMax = 1e8

// DefaultOptions: 18 Heun steps (35 NFE), t from 20 to 0.002, ρ = 7,
// resampling only at the end.
func DefaultOptions() Options {
	return Options{Steps: 18, TMin: 0.002, TMax: 20, Rho: 7}
}

func (o Options) validate() error {
	switch {
	case o.Steps < 1:
		return fmt.Errorf("yukawa: steps must be ≥ 1, got %d", o.Steps)
	case !(o.TMin > 0) || !(o.TMax > o.TMin) || math.IsInf(o.TMax, 0):
		return fmt.Errorf("yukawa: need 0 < t-min < t-max < ∞, got t-min=%v t-max=%v", o.TMin, o.TMax)
	case o.TMax > MaxTMax:
		return fmt.Errorf("yukawa: t-max %v is above %g: the prior's heavy tail would put particles where float64 overflows, and the weights would carry no information", o.TMax, MaxTMax)
	case !(o.Rho > 0) || math.IsInf(o.Rho, 0):
		return fmt.Errorf("yukawa: rho must be > 0, got %v", o.Rho)
	case !(o.ESSThreshold >= 0 && o.ESSThreshold <= 1):
		return fmt.Errorf("yukawa: ESS threshold must be in [0, 1], got %v", o.ESSThreshold)
	}
	return nil
}

// Result is the outcome of Sample.
type Result struct {
	// X holds the n weighted particles at t = 0 and LogW their normalised
	// log-weights (log Σ exp = 0), before the final resampling.
	X, LogW []float64
	// Samples are X resampled to n equally weighted particles.
	Samples []float64
	// NFE counts field evaluations (each on the whole batch).
	NFE int
	// FinalESS and MinESS are effective sample sizes as fractions of n:
	// at t = 0, and the smallest seen after any step (before resampling),
	// of the look-ahead weights W·h(mρ*)⁻¹ that decide resampling (at
	// t = 0 they are the weights themselves).
	FinalESS, MinESS float64
	// Resamplings counts the resamplings during the run (not the final one).
	Resamplings int
	// ParetoK is the Pareto-k̂ tail diagnostic (see paretoK) of the
	// weights of distinct particles: at t = 0 if the run never resampled,
	// else at its first resampling (after it, offspring are duplicates).
	// Above 0.7 the weights have so heavy a tail that the samples'
	// proportions are unreliable however high the ESS looks; NaN when the
	// weights are all equal.
	ParetoK float64
	// Times is the grid t_0 = t_max … t_(n−1) = t_min, 0.
	Times []float64
	// Trajectory holds x at each of Times when Options.Record is set.
	Trajectory [][]float64
}

// Warning says in one line why the samples' proportions cannot be
// trusted, or returns "" when they can: the weights' tail is too heavy
// (k̂ > 0.7; more particles do not help), or fewer than 100 particles
// carry the weight at t = 0 (the share of a mode is then uncertain by
// about ±√(1/(4·ESS)), the binomial error at ½).
func (r Result) Warning() string {
	switch eff := r.FinalESS * float64(len(r.LogW)); {
	case r.ParetoK > 0.7:
		return fmt.Sprintf("the weights' tail is too heavy (Pareto k̂ = %.2f > 0.7): the samples' proportions are unreliable at any sample size; a smaller mass m (relative to the distances in the data) avoids it", r.ParetoK)
	case eff < 100:
		return fmt.Sprintf("only %.0f effective particles: proportions between modes are uncertain by about ±%.2f; use more particles or a smaller mass m", eff, math.Sqrt(0.25/eff))
	}
	return ""
}

// Model is what Sample integrates: the denoiser D_Y, the death rate λ and
// the initial log-ratio log p_Yukawa − log p_Coulomb at the prior (see
// Field.Eval for the contract), and the kernel they belong to. The exact
// Field is one; a trained network with a λ head is another.
type Model interface {
	Dim() int
	Kernel() *Kernel
	Eval(ctx context.Context, x []float64, t float64, den, lambda, logRatio []float64) error
}

// Sample runs the weighted-particle sampler. x holds n prior draws at
// t = opt.TMax (normally f.Prior(rng, n, opt.TMax), the Coulomb flux); it
// is overwritten with the final particle positions (Result.X aliases it).
// Each particle starts with log-weight log p_Yukawa(x_T) − log p_Coulomb(x_T)
// and moves backward by the Heun step of package sampler on
// dx/dt = (x − D_Y(x, t))/t. Its log-weight grows by ∫λ dt, integrated from
// the evaluations at the start of each step (the ones Heun makes anyway on
// the accepted path; λ → 0 as t → 0 on particles that reach a charge; see
// rayIncrement). When ESS/n falls below opt.ESSThreshold the particles are
// resampled systematically by their look-ahead weights (see
// Result.MinESS). rng drives the resampling only.
func Sample(ctx context.Context, f Model, x []float64, rng *rand.Rand, opt Options) (Result, error) {
	if err := opt.validate(); err != nil {
		return Result{}, err
	}
	dim, k := f.Dim(), f.Kernel()
	if len(x) == 0 || len(x)%dim != 0 {
		return Result{}, fmt.Errorf("yukawa: len(x) = %d is not a positive multiple of %d", len(x), dim)
	}
	if rng == nil {
		return Result{}, errors.New("yukawa: Sample needs an rng for resampling")
	}
	if j := firstNonFinite(x); j >= 0 {
		return Result{}, fmt.Errorf("yukawa: prior draw %d is not finite (%v)", j/dim, x[j])
	}
	n := len(x) / dim
	grid := sampler.EDMGrid(opt.Steps, opt.TMin, opt.TMax, opt.Rho)
	res := Result{Times: grid, MinESS: 1, ParetoK: math.NaN()}
	var w *logWeights // nil: unweighted
	if !opt.Unweighted && k.prof != nil {
		w = newLogWeights(n)
	}
	// eval counts the evaluations and rejects a non-finite field, which
	// particles too far out for float64 would give.
	eval := func(xx []float64, t float64, den, lambda, logRatio []float64) error {
		res.NFE++
		if w == nil {
			lambda, logRatio = nil, nil
		}
		if err := f.Eval(ctx, xx, t, den, lambda, logRatio); err != nil {
			return fmt.Errorf("yukawa: step at t=%g: %w", t, err)
		}
		if j := firstNonFinite(den); j >= 0 {
			return fmt.Errorf("yukawa: the denoiser at t=%g gave %v for particle %d (a particle too far out for float64, or a diverged model)", t, den[j], j/dim)
		}
		return nil
	}
	denoise := func(xx []float64, t float64, den []float64) error { return eval(xx, t, den, nil, nil) }
	record := func() {
		if opt.Record {
			res.Trajectory = append(res.Trajectory, slices.Clone(x))
		}
	}
	den := make([]float64, len(x))
	work := make([]float64, 3*len(x))
	record()
	// The first evaluation also gives the initial log-weights.
	var lam, logRatio []float64
	if w != nil {
		lam, logRatio = w.cur.lam, w.logW
	}
	if err := eval(x, grid[0], den, lam, logRatio); err != nil {
		return res, err
	}
	if w != nil {
		w.cur.ray(k, dim, x, den, grid[0])
	}
	for i := 0; i+1 < len(grid); i++ {
		t, tn := grid[i], grid[i+1]
		if tn == 0 {
			// Last step: Euler to t = 0 is the denoise x = D_Y(x, t_min).
			if w != nil {
				w.denoise()
			}
			copy(x, den)
			record()
			break
		}
		if err := sampler.HeunStep(x, den, t, tn, denoise, work); err != nil {
			return res, err
		}
		record()
		// The next step's evaluation at the corrected point also closes
		// this step's ∫λ dt.
		if w != nil {
			lam = w.next.lam
		}
		if err := eval(x, tn, den, lam, nil); err != nil {
			return res, err
		}
		if w == nil {
			continue
		}
		w.step(k, dim, x, den, t, tn)
		ess := essFraction(w.lookAhead())
		res.MinESS = min(res.MinESS, ess)
		if ess < opt.ESSThreshold {
			if res.Resamplings == 0 {
				res.ParetoK = paretoK(w.ahead)
			}
			w.resample(rng, x, den)
			res.Resamplings++
		}
	}
	logW := make([]float64, n) // unweighted: equal weights
	if w != nil {
		logW = w.logW
	}
	normalizeLog(logW)
	res.X, res.LogW = x, logW
	res.FinalESS = essFraction(logW)
	if res.Resamplings == 0 {
		res.ParetoK = paretoK(logW)
	}
	res.MinESS = min(res.MinESS, res.FinalESS)
	res.Samples = slices.Clone(x)
	systematicResample(rng, slices.Clone(logW), res.Samples)
	return res, nil
}

func firstNonFinite(v []float64) int {
	for j, a := range v {
		if math.IsNaN(a) || math.IsInf(a, 0) {
			return j
		}
	}
	return -1
}

// rayIncrement is ∫λ dt over one step from t down to tn, from the
// evaluations at both ends (L = log(t/tn)). With H = log h(mρ*) and
// r* = r(mρ*) at ρ* = √(‖x − D_Y‖² + t²), dH = −r*·d log ρ*, so
//
//	∫λ dt = ∫(λt − r*) d log t + ∫r*·(d log t − d log ρ*) + (H(tn) − H(t)),
//
// and the first two integrals are done by the trapezoid rule in log t and
// log ρ*. Along a straight ray (one charge, or a particle far from all
// charges) λt = r* and ρ* ∝ t, so both vanish and the step is exact however
// large it is; a plain trapezoid in t is not, and its error on the large
// λ of particles far out gave rare, huge log-weight errors.
func rayIncrement(L, t, tn, lam, lamN, h, hN, r, rN, lr, lrN float64) float64 {
	return hN - h + 0.5*((lam*t-r)+(lamN*tn-rN))*L + 0.5*(r+rN)*(L-(lr-lrN))
}
