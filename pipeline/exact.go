package pipeline

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/pfgm/pfgm/data"
	"github.com/pfgm/pfgm/field"
	"github.com/pfgm/pfgm/process"
	"github.com/pfgm/pfgm/sampler"
	"github.com/pfgm/pfgm/yukawa"
)

// sampleStream is the second PCG word of prior draws ("smpl" in ASCII), so
// that the data (data.RNG) and the prior of one seed are independent. The
// noise injection of a sampler uses sampleStream + 1.
const sampleStream = 0x736d706c

// Process names.
const (
	Poisson = "poisson" // PFGM++ (diffusion for D = ∞)
	Yukawa  = "yukawa"  // screened Poisson, sampled by weighted particles
)

// SampleExactOptions choose a sampling job with the exact field of a data
// set: no training, the charges are the (standardised) data points.
type SampleExactOptions struct {
	Data string // toy:NAME or a .csv/.npy file of points
	// Points, when not nil, are the charges themselves (Data must then be
	// empty): the HTTP server's posted points.
	Points  *data.Points
	Charges int    // points drawn from a toy set (ignored for files)
	Seed    uint64 // the toy set's draw and the prior's

	Process string  // Poisson (default when empty) or Yukawa
	D       float64 // augmented dimensions: ≥ 1, or +Inf for diffusion (Yukawa: a finite integer)
	M       float64 // Yukawa: the mass m ≥ 0 (must be 0 for Poisson)

	N int // samples (≥ 1)
	// Sampler holds the steps, noise range, solver, tolerances and noise
	// injection α; its Rng is ignored (the seed makes it). Yukawa samples
	// with Heun on t ∈ [SigmaMin, TMax].
	Sampler      sampler.Options
	TMax         float64 // Yukawa: the prior's t, the largest augmented radius (0: 20)
	ESSThreshold float64 // Yukawa: resample when ESS/n falls below it (0: only at the end)

	Trajectories bool  // keep every sample at every noise level
	MaxMemory    int64 // 0: DefaultMaxMemory
}

// DefaultSampleExactOptions is `pfgm sample --exact`'s defaults: 20000
// toy charges, Poisson with D = 128, 2000 samples, the EDM sampler, seed 1.
func DefaultSampleExactOptions() SampleExactOptions {
	return SampleExactOptions{
		Charges: DefaultCharges, Seed: 1, Process: Poisson, D: 128, N: 2000,
		Sampler: sampler.DefaultOptions(),
	}
}

// validate reports the first impossible or contradictory option.
func (o *SampleExactOptions) validate() error {
	switch {
	case o.Data == "" && o.Points == nil:
		return errors.New("no data given (want toy:NAME or a .csv/.npy file)")
	case o.Data != "" && o.Points != nil:
		return errors.New("give data or points, not both")
	case o.N < 1:
		return fmt.Errorf("n %d: need at least 1 sample", o.N)
	case o.Sampler.Steps < 1:
		return fmt.Errorf("steps %d: need at least 1 step", o.Sampler.Steps)
	case !process.ValidD(o.D):
		return fmt.Errorf("D %v: want an integer ≥ 1 or inf", o.D)
	}
	switch o.Process {
	case "", Poisson:
		if o.M != 0 {
			return fmt.Errorf("m %g: the mass belongs to the yukawa process, not poisson", o.M)
		}
		if o.TMax != 0 || o.ESSThreshold != 0 {
			return errors.New("t-max and ess-threshold belong to the yukawa process, not poisson")
		}
	case Yukawa:
		if math.IsInf(o.D, 1) || o.D > math.MaxInt32 {
			return fmt.Errorf("the yukawa process needs a finite integer D, got %s", process.FormatD(o.D))
		}
		if o.Sampler.Solver != sampler.Heun || o.Sampler.Alpha != 0 {
			return errors.New("the yukawa process samples with Heun and no noise injection (solver heun, alpha 0)")
		}
		if err := (yukawa.Process{M: o.M, D: int(o.D)}).Validate(); err != nil {
			return err
		}
	default:
		return fmt.Errorf("process %q: want poisson or yukawa", o.Process)
	}
	return nil
}

// estimate is the memory the job will need: the data three times (read,
// standardised, the field's copy), the samples with the solver's scratch,
// and the recorded trajectories.
func (o *SampleExactOptions) estimate() (estimate, error) {
	var e estimate
	vals, dim, err := 0, 0, error(nil)
	if o.Points != nil {
		vals, dim = len(o.Points.X), o.Points.Dim
	} else if vals, dim, err = pointsEstimate(o.Data, o.Charges); err != nil {
		return e, err
	}
	e.add("the charges", vals, 8, 3)
	e.add(fmt.Sprintf("%d samples", o.N), o.N, dim, 8, solverCopies(o.Sampler.Solver, o.Process))
	if o.Trajectories {
		e.add("the trajectories", o.N, dim, 8, 2*o.Sampler.Steps+2)
	}
	return e, nil
}

// solverCopies is how many arrays of the samples' size a solver keeps.
func solverCopies(s sampler.Solver, proc string) int {
	switch {
	case proc == Yukawa:
		return 6
	case s == sampler.RK45:
		return 10
	case s == sampler.Euler:
		return 3
	}
	return 4
}

// SampleExact samples with the exact field of a data set: the charges are
// the standardised points, and the samples are mapped back to data units.
// The Poisson process integrates the PFGM++ ODE from the prior at
// SigmaMax; the Yukawa process moves weighted particles from the Coulomb
// prior at TMax and reports their weight diagnostics.
func SampleExact(ctx context.Context, opt SampleExactOptions) (*SampleResult, error) {
	if err := opt.validate(); err != nil {
		return nil, invalid(err)
	}
	est, err := opt.estimate()
	if err != nil {
		return nil, err
	}
	if err := est.check("sampling", opt.MaxMemory); err != nil {
		return nil, err
	}
	pts := opt.Points
	if pts == nil {
		pts, err = loadPoints(ctx, opt.Data, opt.Charges, opt.Seed)
	} else if err = pts.Validate(); err != nil {
		err = invalid(fmt.Errorf("points: %w", err))
	}
	if err != nil {
		return nil, err
	}
	// The dimension is known now: check the samples' share again.
	var after estimate
	after.add(fmt.Sprintf("%d samples of %d values", opt.N, pts.Dim), opt.N, pts.Dim, 8, solverCopies(opt.Sampler.Solver, opt.Process))
	if opt.Trajectories {
		after.add("the trajectories", opt.N, pts.Dim, 8, 2*opt.Sampler.Steps+2)
	}
	after.add("the charges", len(pts.X), 8, 3)
	if err := after.check("sampling", opt.MaxMemory); err != nil {
		return nil, err
	}
	std, z, err := standardize(pts)
	if err != nil {
		return nil, err
	}
	var res *SampleResult
	if opt.Process == Yukawa {
		res, err = sampleYukawaZ(ctx, z, opt)
	} else {
		res, err = samplePoissonZ(ctx, z, opt)
	}
	if err != nil {
		return nil, plainCancel(ctx, err)
	}
	if err := std.Invert(res.Samples); err != nil {
		return nil, err
	}
	for _, fr := range res.Trajectory {
		if err := std.Invert(&data.Points{Dim: pts.Dim, X: fr}); err != nil {
			return nil, err
		}
	}
	res.Data = pts
	return res, nil
}

// samplePoissonZ draws opt.N samples with the exact PFGM++ field of the
// standardised points z, in standardised units.
func samplePoissonZ(ctx context.Context, z *data.Points, opt SampleExactOptions) (*SampleResult, error) {
	ex, err := field.New(z.X, z.Dim, opt.D)
	if err != nil {
		return nil, err
	}
	p, err := process.New(opt.D)
	if err != nil {
		return nil, err
	}
	so := opt.Sampler
	so.Rng = rand.New(rand.NewPCG(opt.Seed, sampleStream+1))
	so.Record = opt.Trajectories
	x := p.Prior(rand.New(rand.NewPCG(opt.Seed, sampleStream)), opt.N, z.Dim, so.SigmaMax)
	start := time.Now()
	r, err := sampler.Sample(ctx, ex, x, so)
	if err != nil {
		return nil, err
	}
	return &SampleResult{
		Samples: &data.Points{Dim: z.Dim, X: x},
		Title:   fmt.Sprintf("exact field, %s, %d samples, NFE %d", p, opt.N, r.NFE),
		NFE:     r.NFE, Elapsed: time.Since(start),
		Sigmas: r.Sigmas, Trajectory: r.Trajectory,
	}, nil
}

// sampleYukawaZ draws opt.N samples with the exact Yukawa field of the
// standardised points z by weighted particles (package yukawa): Coulomb
// prior at t_max, backward Heun on the EDM grid in t, log-weights grown by
// ∫λ dt, resampling when the ESS falls below the threshold.
func sampleYukawaZ(ctx context.Context, z *data.Points, opt SampleExactOptions) (*SampleResult, error) {
	proc := yukawa.Process{M: opt.M, D: int(opt.D)}
	fld, err := yukawa.NewField(z.X, z.Dim, proc)
	if err != nil {
		return nil, err
	}
	yo := yukawa.DefaultOptions()
	yo.Steps, yo.TMin, yo.Rho = opt.Sampler.Steps, opt.Sampler.SigmaMin, opt.Sampler.Rho
	yo.TMax = cmp.Or(opt.TMax, yo.TMax)
	yo.ESSThreshold, yo.Record = opt.ESSThreshold, opt.Trajectories
	rng := rand.New(rand.NewPCG(opt.Seed, sampleStream))
	x := fld.Prior(rng, opt.N, yo.TMax)
	start := time.Now()
	r, err := yukawa.Sample(ctx, fld, x, rng, yo)
	if err != nil {
		return nil, err
	}
	return &SampleResult{
		Samples: &data.Points{Dim: z.Dim, X: r.Samples},
		Title:   fmt.Sprintf("exact field, %s, %d samples, NFE %d", proc, opt.N, r.NFE),
		NFE:     r.NFE, Elapsed: time.Since(start),
		Weights: weightsOf(r),
		Sigmas:  r.Times, Trajectory: r.Trajectory,
	}, nil
}
