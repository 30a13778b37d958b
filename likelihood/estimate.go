package likelihood

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/pfgm/pfgm/process"
	"github.com/pfgm/pfgm/sampler"
)

// probeStream ("likeliho") is the second PCG word of the Hutchinson probes.
const probeStream = 0x6c696b656c69686f

// Options configures Estimate.
type Options struct {
	// D is the number of augmented dimensions of the model's process (an
	// integer ≥ 1, or math.Inf(1) for diffusion); it picks the prior.
	D float64
	// SigmaMin and SigmaMax bound the integration. The density is that of
	// the data smoothed by the kernel at σ_min; σ_max is where the prior is
	// evaluated.
	SigmaMin, SigmaMax float64
	// Rtol and Atol are the Dormand–Prince tolerances, for every coordinate
	// of x and for ℓ.
	Rtol, Atol float64
	// Probes is the number K of Rademacher probes of Hutchinson's
	// estimator; 0 asks for the exact divergence (N products a step).
	Probes int
	// Seed fixes the probes.
	Seed uint64
	// Batch is how many points are integrated together (one step size for
	// all of them); 0 means 256.
	Batch int
	// Scale is s of x_data = μ + s ⊙ x, one positive number per
	// coordinate (nil: the model works in data units). The log-density
	// gains −Σ log s_i.
	Scale []float64
	// FDStep is the finite-difference step relative to σ for a denoiser
	// without derivatives (0: DefaultFDStep). Larger steps trade
	// truncation error for less rounding noise from float32 networks.
	FDStep float64
	// Bits is the bit depth of dequantised data in [−1, 1] (8 for images):
	// bits/dim gain Bits − 1. 0 means continuous data.
	Bits int
}

// DefaultOptions integrates from σ = 0.002 to 80 (the EDM range) with
// rtol = atol = 10⁻⁵ and the exact divergence, for D = ∞.
func DefaultOptions() Options {
	return Options{D: math.Inf(1), SigmaMin: 0.002, SigmaMax: 80, Rtol: 1e-5, Atol: 1e-5, Batch: 256}
}

// Result holds the log-densities and their summaries.
type Result struct {
	// LogP is log p(x_i) in the data's units, one per point.
	LogP []float64
	// NLL is the mean of −LogP (nats per example), StdErr its standard
	// error over the points.
	NLL, StdErr float64
	// BPD is bits per dimension (see Options.Bits).
	BPD float64
	// NFEMean is the mean over the points of the right-hand-side
	// evaluations of the ODE that carried them (each on its whole batch).
	NFEMean float64
	// Passes counts the denoiser's evaluations (forward, forward+backward
	// or finite-difference) over all batches.
	Passes int
}

func (o Options) validate(n int) error {
	switch {
	case !process.ValidD(o.D):
		return fmt.Errorf("likelihood: D must be an integer ≥ 1 or inf, got %v", o.D)
	case !(o.SigmaMin > 0) || math.IsInf(o.SigmaMin, 0):
		return fmt.Errorf("likelihood: sigma-min must be > 0, got %v", o.SigmaMin)
	case !(o.SigmaMax > o.SigmaMin) || math.IsInf(o.SigmaMax, 0):
		return fmt.Errorf("likelihood: sigma-max must be finite and > sigma-min (%v), got %v", o.SigmaMin, o.SigmaMax)
	case !(o.Rtol > 0) || !(o.Atol > 0):
		return fmt.Errorf("likelihood: rtol and atol must be > 0, got %v and %v", o.Rtol, o.Atol)
	case o.Probes < 0:
		return fmt.Errorf("likelihood: the number of probes must be ≥ 0, got %d", o.Probes)
	case o.Batch < 0:
		return fmt.Errorf("likelihood: batch must be ≥ 0, got %d", o.Batch)
	case !(o.FDStep >= 0) || math.IsInf(o.FDStep, 0):
		return fmt.Errorf("likelihood: the finite-difference step must be ≥ 0, got %v", o.FDStep)
	case o.Bits < 0:
		return fmt.Errorf("likelihood: bits must be ≥ 0, got %d", o.Bits)
	case o.Scale != nil && len(o.Scale) != n:
		return fmt.Errorf("likelihood: %d scales for dimension %d", len(o.Scale), n)
	}
	for i, s := range o.Scale {
		if !(s > 0) || math.IsInf(s, 0) {
			return fmt.Errorf("likelihood: scale %d must be positive and finite, got %v", i, s)
		}
	}
	return nil
}

// Estimate returns the log-density of every point of x (len(x)/N points of
// the denoiser's dimension N, in the model's units) under the model whose
// denoiser is d. See the package comment for the method and the units.
func Estimate(ctx context.Context, d sampler.Denoiser, x []float64, opt Options) (Result, error) {
	n := d.Dim()
	if n < 1 {
		return Result{}, fmt.Errorf("likelihood: denoiser dimension must be ≥ 1, got %d", n)
	}
	if len(x) == 0 || len(x)%n != 0 {
		return Result{}, fmt.Errorf("likelihood: %d values are not whole points of dimension %d", len(x), n)
	}
	if err := opt.validate(n); err != nil {
		return Result{}, err
	}
	for j, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return Result{}, fmt.Errorf("likelihood: point %d is not finite (%v)", j/n, v)
		}
	}
	batch := opt.Batch
	if batch == 0 {
		batch = 256
	}
	logJac := 0.0
	for _, s := range opt.Scale {
		logJac -= math.Log(s)
	}
	np := len(x) / n
	res := Result{LogP: make([]float64, np)}
	rng := rand.New(rand.NewPCG(opt.Seed, probeStream))
	var nfe float64
	for lo := 0; lo < np; lo += batch {
		hi := min(np, lo+batch)
		st, passes, err := flow(ctx, d, x[lo*n:hi*n], opt, rng, res.LogP[lo:hi])
		res.Passes += passes
		if err != nil {
			return res, fmt.Errorf("likelihood: points %d…%d: %w", lo, hi-1, err)
		}
		nfe += float64(st.Evals * (hi - lo))
		for i := lo; i < hi; i++ {
			res.LogP[i] += logJac
		}
	}
	res.NFEMean = nfe / float64(np)
	var mean, m2 float64
	for i, lp := range res.LogP { // Welford
		dlt := -lp - mean
		mean += dlt / float64(i+1)
		m2 += dlt * (-lp - mean)
	}
	res.NLL = mean
	if np > 1 {
		res.StdErr = math.Sqrt(m2 / float64(np-1) / float64(np))
	}
	res.BPD = res.NLL / (float64(n) * math.Ln2)
	if opt.Bits > 0 {
		res.BPD += float64(opt.Bits - 1)
	}
	return res, nil
}

// flow integrates one batch of points x0 forward from σ_min to σ_max in
// s = ln σ and writes log p_σmin (model units) of each into logp.
func flow(ctx context.Context, d sampler.Denoiser, x0 []float64, opt Options, rng *rand.Rand, logp []float64) (sampler.ODEStats, int, error) {
	n := d.Dim()
	nx := len(x0)
	np := len(logp)
	var probes [][]float64
	if opt.Probes > 0 {
		probes = make([][]float64, opt.Probes)
		for k := range probes {
			probes[k] = make([]float64, nx)
			for i := range probes[k] {
				probes[k][i] = float64(2*int(rng.Uint64()&1) - 1) // Rademacher ±1
			}
		}
	}
	div := newDivergence(d, probes, opt.FDStep)
	// State: x (np×n) then ℓ (np).
	y := make([]float64, nx+np)
	copy(y, x0)
	den := make([]float64, nx)
	dv := make([]float64, np)
	rhs := func(s float64, y, dy []float64) error {
		sigma := math.Exp(s)
		if err := div.eval(ctx, y[:nx], sigma, den, dv); err != nil {
			return fmt.Errorf("denoise at σ=%g: %w", sigma, err)
		}
		for i := range nx {
			dy[i] = y[i] - den[i] // dx/ds = x − D
		}
		for p := range np {
			dy[nx+p] = float64(n) - dv[p] // dℓ/ds = N − ∇·D
		}
		return nil
	}
	s0, s1 := math.Log(opt.SigmaMin), math.Log(opt.SigmaMax)
	st, err := sampler.DormandPrince(ctx, rhs, y, s0, s1, (s1-s0)/20, errorNorm(n, np, opt.Rtol, opt.Atol))
	if err != nil {
		return st, div.passes, err
	}
	for p := range np {
		logp[p] = LogPrior(y[p*n:(p+1)*n], opt.D, opt.SigmaMax) + y[nx+p]
	}
	return st, div.passes, nil
}

// errorNorm scales the error of every component by atol + rtol·max(|y|,
// |y_new|) and takes, for each point, the larger of the RMS over its x and
// the scaled error of its ℓ; then the maximum over the points, so every
// point meets the tolerance and ℓ's error is not averaged away among the
// N coordinates of x.
func errorNorm(n, np int, rtol, atol float64) sampler.ErrorNorm {
	return func(y, yn, e []float64) float64 {
		sc := func(i int) float64 {
			return e[i] / (atol + rtol*max(math.Abs(y[i]), math.Abs(yn[i])))
		}
		nx := n * np
		worst := 0.0
		for p := range np {
			var ss float64
			for i := p * n; i < (p+1)*n; i++ {
				ss += sc(i) * sc(i)
			}
			worst = max(worst, math.Sqrt(ss/float64(n)), math.Abs(sc(nx+p)))
		}
		return worst
	}
}
