package pipeline

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/pfgm/pfgm/data"
	"github.com/pfgm/pfgm/likelihood"
	"github.com/pfgm/pfgm/train"
)

// likelihoodDataStream ("lik-data") draws the examples a likelihood is
// measured on (a toy set's points, image dequantisation noise): not the
// training stream, and not the Hutchinson probes' stream of package
// likelihood, which the same seed also feeds.
const likelihoodDataStream = 0x6c696b2d64617461

// exactDivMaxDim is the largest dimension whose divergence is computed
// exactly (one backward pass per dimension) unless Probes says.
const exactDivMaxDim = 32

// LikelihoodOptions choose a likelihood evaluation of data under a
// trained run.
type LikelihoodOptions struct {
	Run string // the run directory (Likelihood only; Run.Likelihood ignores it)
	// Data is points (a .csv/.npy file or toy:NAME) for a point run, or
	// mnist[:split], fashion-mnist[:split] or a PNG folder for an image run
	// (named image sets: the test split unless given).
	Data string
	// N evaluates at most this many examples, a seeded random subset (0:
	// all points of a file, 1000 draws of a toy set, 1000 images).
	N int
	// Probes is the number of Rademacher probes of Hutchinson's divergence
	// estimator; 0 the exact divergence; −1 exact up to 32 dimensions and
	// one probe above.
	Probes     int
	Rtol, Atol float64 // the adaptive solver's tolerances
	// SigmaMin and SigmaMax bound the integration (0: the run's own).
	SigmaMin, SigmaMax float64
	Batch              int    // examples integrated together (≥ 1)
	Seed               uint64 // the subset, the dequantisation noise and the probes
	MaxMemory          int64  // 0: DefaultMaxMemory
}

// DefaultLikelihoodOptions is `pfgm likelihood`'s defaults.
func DefaultLikelihoodOptions() LikelihoodOptions {
	return LikelihoodOptions{Probes: -1, Rtol: 1e-5, Atol: 1e-5, Batch: 256, Seed: 1}
}

// LikelihoodResult is the negative log-likelihood of the examples under a
// run's model, through the probability-flow ODE.
type LikelihoodResult struct {
	NLL     float64   `json:"nll"`        // nats per example, in the data's units
	StdErr  float64   `json:"nll_stderr"` // its standard error over the examples
	BPD     float64   `json:"bpd"`        // bits per dimension (images: dequantised 8-bit convention)
	N       int       `json:"n"`          // examples evaluated
	NFEMean float64   `json:"nfe_mean"`   // mean ODE evaluations per example
	LogP    []float64 `json:"-"`          // log p of each example
}

// Likelihood opens opt.Run and evaluates the likelihood of opt.Data.
func Likelihood(ctx context.Context, opt LikelihoodOptions) (*LikelihoodResult, error) {
	if opt.Run == "" {
		return nil, errors.New("no run directory given")
	}
	r, err := OpenRun(opt.Run, opt.MaxMemory)
	if err != nil {
		return nil, err
	}
	return r.Likelihood(ctx, opt)
}

// Likelihood evaluates the negative log-likelihood of opt.Data under the
// run: the probability-flow ODE dx/dσ = (x − D(x, σ))/σ from σ_min to
// σ_max with the change of log-density ∫ ∇·(dx/dσ) dσ and the prior's
// closed-form density at σ_max. For points the NLL includes the
// standardisation's log-Jacobian; image pixels k are dequantised to
// y = 2(k + U)/256 − 1 and bpd = nll_y/(N ln 2) + 7.
func (r *Run) Likelihood(ctx context.Context, opt LikelihoodOptions) (*LikelihoodResult, error) {
	switch {
	case opt.Data == "":
		return nil, errors.New("no data given")
	case opt.N < 0:
		return nil, fmt.Errorf("n must be ≥ 1 (0: all), got %d", opt.N)
	case opt.Batch < 1:
		return nil, fmt.Errorf("batch must be ≥ 1, got %d", opt.Batch)
	case opt.Probes < -1:
		return nil, fmt.Errorf("hutchinson must be ≥ 0, got %d", opt.Probes)
	}
	m := r.model
	c := m.Config
	den, lo, err := m.Likelihood(opt.Batch)
	if err != nil {
		return nil, err
	}
	lo.Rtol, lo.Atol, lo.Seed, lo.Batch = opt.Rtol, opt.Atol, opt.Seed, opt.Batch
	if opt.SigmaMin != 0 {
		lo.SigmaMin = opt.SigmaMin
	}
	if opt.SigmaMax != 0 {
		lo.SigmaMax = opt.SigmaMax
	}
	lo.Probes = opt.Probes
	if lo.Probes < 0 {
		lo.Probes = 0
		if c.Dim > exactDivMaxDim {
			lo.Probes = 1
		}
	}
	n := opt.N
	if n == 0 {
		n = 1000
	}
	var e estimate
	if c.ImageC == 0 && !strings.HasPrefix(opt.Data, "toy:") && !train.IsImageSpec(opt.Data) {
		vals, _, err := pointsEstimate(opt.Data, 0)
		if err != nil {
			return nil, err
		}
		n = max(1, vals/max(1, c.Dim))
		e.add("the data", vals, 8, 3)
	}
	e.add(fmt.Sprintf("%d examples of %d values", n, c.Dim), n, c.Dim, 8, 12)
	passes := max(1, lo.Probes)
	if lo.Probes == 0 {
		passes = c.Dim
	}
	e.addBytes(fmt.Sprintf("a batch of %d with its divergence", opt.Batch), product(opt.Batch)*shapeOf(c).activations(true)+product(opt.Batch, c.Dim, passes, 8))
	if err := e.check("the likelihood", opt.MaxMemory); err != nil {
		return nil, err
	}
	// Not data.RNG(seed): a toy:NAME set drawn with the training seed's
	// stream would be the training points.
	rng := rand.New(rand.NewPCG(opt.Seed, likelihoodDataStream))
	var x []float64
	if c.ImageC > 0 {
		x, err = likelihoodImages(c, opt.Data, opt.N, rng)
	} else {
		x, err = likelihoodPoints(c, opt.Data, opt.N, rng)
	}
	if err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	res, err := likelihood.Estimate(ctx, den, x, lo)
	if err != nil {
		return nil, plainCancel(ctx, err)
	}
	return &LikelihoodResult{NLL: res.NLL, StdErr: res.StdErr, BPD: res.BPD, N: len(res.LogP), NFEMean: res.NFEMean, LogP: res.LogP}, nil
}

// likelihoodPoints loads at most n points and standardises them as the
// run did (Model.Likelihood adds the Jacobian).
func likelihoodPoints(c *train.Config, spec string, n int, rng *rand.Rand) ([]float64, error) {
	if train.IsImageSpec(spec) {
		return nil, fmt.Errorf("%s is an image set; the run was trained on points", spec)
	}
	if n == 0 {
		n = math.MaxInt // a file: all of it
		if strings.HasPrefix(spec, "toy:") {
			n = 1000
		}
	}
	p, err := data.Load(spec, n, rng)
	if err != nil {
		return nil, err
	}
	if p.Dim != c.Dim {
		return nil, fmt.Errorf("%s has %d numbers a point, the run was made for %d", spec, p.Dim, c.Dim)
	}
	perm := rng.Perm(p.N())
	p = p.Subset(perm[:min(n, len(perm))])
	if c.Standardize != nil {
		if err := c.Standardize.Apply(p); err != nil {
			return nil, err
		}
	}
	return p.X, nil
}

// likelihoodImages loads at most n images (the test split of a named set)
// and dequantises them: pixel k ∈ {0…255} becomes y = 2(k + U)/256 − 1.
func likelihoodImages(c *train.Config, spec string, n int, rng *rand.Rand) ([]float64, error) {
	if !train.IsImageSpec(spec) {
		return nil, fmt.Errorf("%s is not an image set; the run was trained on images", spec)
	}
	if (spec == "mnist" || spec == "fashion-mnist") && !strings.Contains(spec, ":") {
		spec += ":test"
	}
	im, err := data.LoadImages(spec, c.ImageH, c.ImageC)
	if err != nil {
		return nil, err
	}
	if im.C != c.ImageC || im.H != c.ImageH || im.W != c.ImageW {
		return nil, fmt.Errorf("%s holds %d×%d×%d images, the run was made for %d×%d×%d", spec, im.C, im.H, im.W, c.ImageC, c.ImageH, c.ImageW)
	}
	if n == 0 {
		n = 1000
	}
	perm := rng.Perm(im.N)
	perm = perm[:min(n, len(perm))]
	size := im.Size()
	x := make([]float64, 0, len(perm)*size)
	for _, i := range perm {
		for _, v := range im.Image(i) {
			k := math.Round((float64(v) + 1) / 2 * 255) // the loader's k/255 → [−1, 1]
			k = min(max(k, 0), 255)
			x = append(x, 2*(k+rng.Float64())/256-1)
		}
	}
	return x, nil
}
