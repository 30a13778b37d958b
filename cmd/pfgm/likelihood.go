package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/pfgm/pfgm/data"
	"github.com/pfgm/pfgm/likelihood"
	"github.com/pfgm/pfgm/train"
)

// exactDivMaxDim is the largest dimension whose divergence is computed
// exactly (one backward pass per dimension) unless --hutchinson says.
const exactDivMaxDim = 32

func runLikelihood(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("likelihood", "--run RUN --data FILE|mnist [flags]", stderr)
	run := fs.String("run", "", "run directory (from pfgm train)")
	spec := fs.String("data", "", "points (.csv/.npy file or toy:NAME), mnist[:split], fashion-mnist[:split] or a PNG folder (image sets: test split by default)")
	n := fs.Int("n", 0, "evaluate at most this many examples, a seeded random subset (default: all points of a file, 1000 draws of a toy set, 1000 images)")
	probes := fs.Int("hutchinson", -1, "Rademacher probes of Hutchinson's divergence estimator; 0: exact divergence (default: exact up to 32 dimensions, else 1 probe)")
	solver := fs.String("solver", "rk45", "ODE solver (rk45: adaptive Dormand–Prince in ln σ)")
	rtol := fs.Float64("rtol", 1e-5, "relative tolerance of the solver")
	atol := fs.Float64("atol", 1e-5, "absolute tolerance of the solver")
	sigmaMin := fs.Float64("sigma-min", 0.002, "start of the integration (the density is the data's smoothed at σ_min; pfgm-field runs: z_min 1e-3)")
	sigmaMax := fs.Float64("sigma-max", 80, "end of the integration, where the prior is evaluated (pfgm-field runs: their z_max)")
	batch := fs.Int("batch", 256, "examples integrated together")
	seed := fs.Uint64("seed", 1, "seed of the subset, the dequantisation noise and the probes")
	threads := fs.Int("threads", 0, "worker threads (default: all cores)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, `usage: pfgm likelihood --run RUN --data FILE|mnist [flags]

Prints one JSON line {nll, nll_stderr, bpd, n, nfe_mean}: the negative
log-likelihood of the examples under the run's model, through the
probability-flow ODE dx/dσ = (x − D(x, σ))/σ from σ_min to σ_max with the
change of log-density ∫ ∇·(dx/dσ) dσ and the prior's closed-form density
at σ_max (PFGM++ kernel for finite D, Gaussian for D = ∞).

nll is in nats per example in the data's own units: for points it
includes the standardisation's log-Jacobian −Σ log s_i. bpd is bits per
dimension. For images (8-bit pixels scaled to [−1, 1]) the pixels k are
dequantised with uniform noise, y = 2(k + U)/256 − 1, and
bpd = nll_y/(N ln 2) + 7, the usual convention; nll is then nll_y, in the
units of y. For points bpd = nll/(N ln 2).

flags:
`)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	set := givenFlags(fs)
	switch {
	case *run == "":
		return errors.New("--run is required")
	case *spec == "":
		return errors.New("--data is required")
	case *n < 0 || (set["n"] && *n == 0):
		return fmt.Errorf("--n must be ≥ 1, got %d", *n)
	case *batch < 1:
		return fmt.Errorf("--batch must be ≥ 1, got %d", *batch)
	case *probes < -1:
		return fmt.Errorf("--hutchinson must be ≥ 0, got %d", *probes)
	case !strings.EqualFold(*solver, "rk45"):
		return fmt.Errorf("--solver %q: only rk45 is supported (the likelihood needs the adaptive solver's accuracy)", *solver)
	}
	if err := setThreads(*threads); err != nil {
		return err
	}
	m, err := train.Open(*run)
	if err != nil {
		return fmt.Errorf("--run: %w", err)
	}
	c := m.Config
	den, opt, err := m.Likelihood(*batch)
	if err != nil {
		return err
	}
	opt.Rtol, opt.Atol, opt.Seed, opt.Batch = *rtol, *atol, *seed, *batch
	if set["sigma-min"] {
		opt.SigmaMin = *sigmaMin
	}
	if set["sigma-max"] {
		opt.SigmaMax = *sigmaMax
	}
	opt.Probes = *probes
	if opt.Probes < 0 {
		opt.Probes = 0
		if c.Dim > exactDivMaxDim {
			opt.Probes = 1
		}
	}
	// Not data.RNG(seed): a toy:NAME set drawn with the training seed's
	// stream would be the training points.
	rng := rand.New(rand.NewPCG(*seed, 0x6c696b656c69686f))
	var x []float64
	if c.ImageC > 0 {
		x, err = likelihoodImages(c, *spec, *n, rng)
	} else {
		x, err = likelihoodPoints(c, *spec, *n, rng)
	}
	if err != nil {
		return fmt.Errorf("--data: %w", err)
	}
	res, err := likelihood.Estimate(ctx, den, x, opt)
	if err != nil {
		return err
	}
	return printJSON(stdout, struct {
		NLL     float64 `json:"nll"`
		StdErr  float64 `json:"nll_stderr"`
		BPD     float64 `json:"bpd"`
		N       int     `json:"n"`
		NFEMean float64 `json:"nfe_mean"`
	}{res.NLL, res.StdErr, res.BPD, len(res.LogP), res.NFEMean})
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
