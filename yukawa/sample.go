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
	// after a step; 0 resamples only at the end.
	ESSThreshold float64
	// Unweighted ignores the weights (initial ratio and ∫λ dt): the naive
	// sampler, which gets cluster proportions wrong. For comparisons.
	Unweighted bool
	// Record keeps x at every grid time (rows are permuted by resampling;
	// set ESSThreshold = 0 for unbroken trajectories).
	Record bool
}

// DefaultOptions: 18 Heun steps (35 NFE), t from 20 to 0.002, ρ = 7,
// resampling below ESS/n = 0.5.
func DefaultOptions() Options {
	return Options{Steps: 18, TMin: 0.002, TMax: 20, Rho: 7, ESSThreshold: 0.5}
}

func (o Options) validate() error {
	switch {
	case o.Steps < 1:
		return fmt.Errorf("yukawa: steps must be ≥ 1, got %d", o.Steps)
	case !(o.TMin > 0) || !(o.TMax > o.TMin) || math.IsInf(o.TMax, 0):
		return fmt.Errorf("yukawa: need 0 < t-min < t-max < ∞, got t-min=%v t-max=%v", o.TMin, o.TMax)
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
	// at t = 0, and the smallest seen after any step (before resampling).
	FinalESS, MinESS float64
	// Resamplings counts the resamplings during the run (not the final one).
	Resamplings int
	// Times is the grid t_0 = t_max … t_(n−1) = t_min, 0.
	Times []float64
	// Trajectory holds x at each of Times when Options.Record is set.
	Trajectory [][]float64
}

// Sample runs the weighted-particle sampler. x holds n prior draws at
// t = opt.TMax (normally f.Prior(rng, n, opt.TMax), the Coulomb flux); it
// is overwritten with the final particle positions (Result.X aliases it).
// Each particle starts with log-weight log p_Yukawa(x_T) − log p_Coulomb(x_T)
// and moves backward by Heun on dx/dt = (x − D_Y(x, t))/t. Its log-weight
// grows by ∫λ dt, integrated by the trapezoid rule from the evaluations at
// the start of each step (the ones Heun makes anyway on the accepted path;
// λ → 0 as t → 0 on particles that reach a charge). When ESS/n falls below
// opt.ESSThreshold the particles are resampled systematically. rng drives
// the resampling only.
func Sample(ctx context.Context, f *Field, x []float64, rng *rand.Rand, opt Options) (Result, error) {
	if err := opt.validate(); err != nil {
		return Result{}, err
	}
	dim := f.dim
	if len(x) == 0 || len(x)%dim != 0 {
		return Result{}, fmt.Errorf("yukawa: len(x) = %d is not a positive multiple of %d", len(x), dim)
	}
	if rng == nil {
		return Result{}, errors.New("yukawa: Sample needs an rng for resampling")
	}
	n := len(x) / dim
	grid := sampler.EDMGrid(opt.Steps, opt.TMin, opt.TMax, opt.Rho)
	res := Result{Times: grid, MinESS: 1}
	weighted := !opt.Unweighted && f.k.prof != nil
	var (
		den   = make([]float64, len(x))
		den2  = make([]float64, len(x))
		xe    = make([]float64, len(x))
		lam   = make([]float64, n)
		lam2  = make([]float64, n)
		logW  = make([]float64, n)
		ratio []float64
	)
	if weighted {
		ratio = logW
	}
	eval := func(xx []float64, t float64, d, l, lr []float64) error {
		res.NFE++
		if !weighted {
			l = nil
		}
		if err := f.Eval(ctx, xx, t, d, l, lr); err != nil {
			return fmt.Errorf("yukawa: step at t=%g: %w", t, err)
		}
		return nil
	}
	record := func() {
		if opt.Record {
			res.Trajectory = append(res.Trajectory, slices.Clone(x))
		}
	}
	record()
	// The first evaluation also gives the initial log-weights.
	if err := eval(x, grid[0], den, lam, ratio); err != nil {
		return res, err
	}
	for i := 0; i+1 < len(grid); i++ {
		t, tn := grid[i], grid[i+1]
		h := tn - t
		if tn == 0 {
			// Last step: Euler to t = 0 is the denoise x = D_Y(x, t_min).
			copy(x, den)
			if weighted {
				for p := range logW {
					logW[p] += 0.5 * lam[p] * t // trapezoid with λ(t=0) = 0
				}
			}
			record()
			break
		}
		// Heun: Euler predictor, then the trapezoid corrector.
		for j := range x {
			xe[j] = x[j] + h*(x[j]-den[j])/t
		}
		if err := eval(xe, tn, den2, nil, nil); err != nil {
			return res, err
		}
		for j := range x {
			x[j] += 0.5 * h * ((x[j]-den[j])/t + (xe[j]-den2[j])/tn)
		}
		record()
		// The next step's evaluation at the corrected point also closes
		// this step's trapezoid for ∫λ dt.
		if err := eval(x, tn, den, lam2, nil); err != nil {
			return res, err
		}
		if weighted {
			for p := range logW {
				logW[p] += 0.5 * (lam[p] + lam2[p]) * (t - tn)
			}
			lam, lam2 = lam2, lam
			ess := essFraction(logW)
			res.MinESS = min(res.MinESS, ess)
			if ess < opt.ESSThreshold {
				systematicResample(rng, logW, x, den, lam)
				res.Resamplings++
			}
		}
	}
	normalizeLog(logW)
	res.X, res.LogW = x, logW
	res.FinalESS = essFraction(logW)
	res.MinESS = min(res.MinESS, res.FinalESS)
	res.Samples = slices.Clone(x)
	lw := slices.Clone(logW)
	systematicResample(rng, lw, res.Samples)
	return res, nil
}
