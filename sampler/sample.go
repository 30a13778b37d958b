package sampler

import (
	"context"
	"fmt"
	"math"
	"slices"
)

// A Denoiser is the ideal (or learned) posterior mean D(x, σ).
type Denoiser interface {
	Dim() int // numbers per point
	// Denoise writes D(x, σ) for the len(x)/Dim() points of x into out (same length).
	Denoise(ctx context.Context, x []float64, sigma float64, out []float64) error
}

// Result describes a sampling run.
type Result struct {
	// NFE is the exact number of Denoise calls (each on the whole batch),
	// including the evaluations of rejected RK45 steps.
	NFE int
	// Sigmas are the noise levels the solution passed through, from σ_max
	// to 0: the EDM grid for Euler/Heun, the accepted steps for RK45.
	Sigmas []float64
	// Trajectory holds a copy of x at each of Sigmas (before that step's
	// noise injection), only if Options.Record. Frame 0 is the prior.
	Trajectory [][]float64
	// Rejected counts the rejected RK45 steps.
	Rejected int
}

// Sample integrates the backward ODE dx/dσ = (x − D(x, σ))/σ in place: x
// holds a prior draw at σ_max on entry (see package process) and the
// samples on return. The batch goes to the denoiser whole at every
// evaluation. ctx is checked between steps. On error x holds the state
// reached so far and the Result counts the work done.
func Sample(ctx context.Context, d Denoiser, x []float64, opt Options) (Result, error) {
	if err := opt.validate(); err != nil {
		return Result{}, err
	}
	dim := d.Dim()
	if dim < 1 {
		return Result{}, fmt.Errorf("sampler: denoiser dimension must be ≥ 1, got %d", dim)
	}
	if len(x) == 0 || len(x)%dim != 0 {
		return Result{}, fmt.Errorf("sampler: len(x) = %d is not a positive multiple of the denoiser's dimension %d", len(x), dim)
	}
	if j := firstNonFinite(x); j >= 0 {
		return Result{}, fmt.Errorf("sampler: initial x is not finite at point %d (%v)", j/dim, x[j])
	}
	in := &integrator{ctx: ctx, d: d, dim: dim, opt: opt}
	var err error
	switch opt.Solver {
	case Euler, Heun, SDE, EDMSDE:
		grid := EDMGrid(opt.Steps, opt.SigmaMin, opt.SigmaMax, opt.Rho)
		in.res.Sigmas = grid
		if opt.Record {
			in.frames = make([]float64, 0, len(grid)*len(x))
		}
		in.record(x)
		switch opt.Solver {
		case SDE:
			err = eulerMaruyama(in, x, grid)
		case EDMSDE:
			err = edmStochastic(in, x, grid)
		default:
			err = fixedGrid(in, x, grid, opt.Solver == Heun, nil)
		}
	case RK45:
		err = rk45(in, x)
	}
	in.res.NFE = in.nfe
	return in.res, err
}

// integrator is the state Euler, Heun and RK45 share: the denoiser with its
// NFE count and checks, noise injection and recording.
type integrator struct {
	ctx    context.Context
	d      Denoiser
	dim    int
	opt    Options
	nfe    int
	res    Result
	frames []float64 // backing store for Trajectory when the frame count is known
}

// denoise calls D(x, σ) into out and rejects non-finite output.
func (in *integrator) denoise(x []float64, sigma float64, out []float64) error {
	in.nfe++
	if err := in.d.Denoise(in.ctx, x, sigma, out); err != nil {
		return fmt.Errorf("sampler: denoise at σ=%g: %w", sigma, err)
	}
	if j := firstNonFinite(out); j >= 0 {
		return fmt.Errorf("sampler: denoiser returned %v at σ=%g (point %d)", out[j], sigma, j/in.dim)
	}
	return nil
}

// beginStep runs before every step at noise level σ: it checks for
// cancellation and applies the noise injection x += α·σ·ε. It reports
// whether x changed.
func (in *integrator) beginStep(x []float64, sigma float64) (bool, error) {
	if err := in.ctx.Err(); err != nil {
		return false, fmt.Errorf("sampler: stopped at σ=%g: %w", sigma, err)
	}
	if in.opt.Alpha == 0 {
		return false, nil
	}
	a := in.opt.Alpha * sigma
	for j := range x {
		x[j] += a * in.opt.Rng.NormFloat64()
	}
	return true, nil
}

// record keeps a copy of x when Options.Record is set.
func (in *integrator) record(x []float64) {
	if !in.opt.Record {
		return
	}
	if cap(in.frames)-len(in.frames) >= len(x) {
		n := len(in.frames)
		in.frames = append(in.frames, x...)
		in.res.Trajectory = append(in.res.Trajectory, in.frames[n:len(in.frames):len(in.frames)])
		return
	}
	in.res.Trajectory = append(in.res.Trajectory, slices.Clone(x))
}

func firstNonFinite(v []float64) int {
	for j, a := range v {
		if math.IsNaN(a) || math.IsInf(a, 0) {
			return j
		}
	}
	return -1
}
