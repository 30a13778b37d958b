package pipeline

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"time"

	"github.com/pfgm/pfgm/data"
	"github.com/pfgm/pfgm/process"
	"github.com/pfgm/pfgm/quantize"
	"github.com/pfgm/pfgm/sampler"
	"github.com/pfgm/pfgm/train"
)

// Run is a trained run opened for sampling. It is read-only once opened:
// any number of goroutines may call Sample at once, each with its own
// scratch space (the network's weights are shared, never written).
type Run struct {
	dir   string
	model *train.Model
}

// OpenRun loads the run in dir (config.json and its EMA weights) once,
// refusing a network whose weights would take more than maxMemory bytes
// (0: DefaultMaxMemory) before building it.
func OpenRun(dir string, maxMemory int64) (*Run, error) {
	c, err := train.LoadConfig(dir)
	if err != nil {
		return nil, err
	}
	var e estimate
	e.add("the network's weights", int(min(shapeOf(c).params(), 1<<60)), 4)
	if err := e.check("opening the run", maxMemory); err != nil {
		return nil, err
	}
	m, err := train.Open(dir)
	if err != nil {
		return nil, err
	}
	return &Run{dir: dir, model: m}, nil
}

// Warnings are what opening the run found worth saying (e.g. a corrupted
// newest checkpoint skipped for the previous one).
func (r *Run) Warnings() []string { return r.model.Warnings }

// Dir is the run's directory.
func (r *Run) Dir() string { return r.dir }

// Config returns a copy of the run's configuration.
func (r *Run) Config() train.Config { return *r.model.Config }

// Images tells whether the run generates images (C, H, W > 0).
func (r *Run) Images() (c, h, w int) {
	cf := r.model.Config
	return cf.ImageC, cf.ImageH, cf.ImageW
}

// SampleRunOptions choose a sampling job from a trained run.
type SampleRunOptions struct {
	Run string // the run directory (SampleRun only; Run.Sample ignores it)
	N   int    // samples (≥ 1)
	// Batch is how many samples the network sees at once (0: 256).
	Batch int
	// Sampler holds the steps, noise range, solver, tolerances and noise
	// injection α; its Rng is ignored (the seed makes it). Its zero
	// numbers (Steps, SigmaMin, SigmaMax, Rho, Rtol, Atol) take the run's
	// own defaults (train.Config.SampleOptions). The Solver's zero value is
	// Euler: start from DefaultSampleRunOptions for Heun.
	Sampler sampler.Options
	// Class, if not nil, draws every sample from this class of a
	// class-conditional run; nil cycles through the classes.
	Class     *int
	Seed      uint64
	MaxMemory int64 // 0: DefaultMaxMemory
	// PriorQuantile in (0, 1) draws the prior cut at that quantile of its
	// radius (train.Model.PriorQuantile: small D's heavy tail); 0: off.
	PriorQuantile float64
}

// DefaultSampleRunOptions is `pfgm sample --run`'s defaults: 2000
// samples, Heun with the run's own steps and noise range, seed 1.
func DefaultSampleRunOptions() SampleRunOptions {
	return SampleRunOptions{N: 2000, Seed: 1, Sampler: sampler.Options{Solver: sampler.Heun}}
}

// SampleRun opens opt.Run and samples from it. A server that samples a
// run often opens it once with OpenRun and calls Run.Sample.
func SampleRun(ctx context.Context, opt SampleRunOptions) (*SampleResult, error) {
	if err := opt.validate(); err != nil {
		return nil, err
	}
	if opt.Run == "" {
		return nil, errors.New("no run directory given")
	}
	r, err := OpenRun(opt.Run, opt.MaxMemory)
	if err != nil {
		return nil, err
	}
	return r.Sample(ctx, opt)
}

func (o *SampleRunOptions) validate() error {
	switch {
	case o.N < 1:
		return fmt.Errorf("n %d: need at least 1 sample", o.N)
	case o.Batch < 0:
		return fmt.Errorf("batch %d: need at least 1 (0: 256)", o.Batch)
	case o.Sampler.Steps < 0:
		return fmt.Errorf("steps %d: need at least 1 step", o.Sampler.Steps)
	case o.Sampler.SigmaMax < 0 || o.Sampler.SigmaMin < 0:
		return errors.New("sigma-min and sigma-max must be positive")
	case !(o.PriorQuantile >= 0 && o.PriorQuantile <= 1):
		return fmt.Errorf("prior quantile must be in (0, 1] (0: off), got %v", o.PriorQuantile)
	}
	return nil
}

// Quantize rounds the run's network weights (not norms or biases) in place
// to bits bits, per-tensor min-max (package quantize): every later Sample
// uses the rounded model.
func (r *Run) Quantize(bits int) (quantize.Report, error) {
	return quantize.Model(r.model.Pre.Net, bits)
}

// HeavyTailWarning returns a warning with numbers when the run's prior has
// a heavy tail (q_0.99/q_0.5 of its radius above 10: small D), "" otherwise.
func (r *Run) HeavyTailWarning() string {
	c := r.model.Config
	if c.ImageC != 0 || math.IsInf(c.D, 1) {
		return ""
	}
	a, b := float64(c.Dim)/2, c.D/2
	spread := math.Sqrt(process.RatioQuantile(a, b, 0.99) / process.RatioQuantile(a, b, 0.5))
	if spread <= 10 {
		return ""
	}
	return fmt.Sprintf("D=%s for %d-D points: 1%% of the prior's draws start beyond %.0f× its median radius, where a trained network is rarely right; "+
		"consider --prior-quantile 0.95 or a larger D (pfgm tune-d)", process.FormatD(c.D), c.Dim, spread)
}

// withRunDefaults fills the zero sampler fields from the run's own.
func withRunDefaults(o sampler.Options, def sampler.Options) sampler.Options {
	if o.Steps == 0 {
		o.Steps = def.Steps
	}
	if o.SigmaMax == 0 {
		o.SigmaMax = def.SigmaMax
	}
	if o.SigmaMin == 0 {
		o.SigmaMin = def.SigmaMin
	}
	if o.Rho == 0 {
		o.Rho = def.Rho
	}
	if o.Rtol == 0 {
		o.Rtol = def.Rtol
	}
	if o.Atol == 0 {
		o.Atol = def.Atol
	}
	return o
}

// Sample draws opt.N samples from the run: points in data units, or
// images in [−1, 1]. A Yukawa run reports its weight diagnostics.
func (r *Run) Sample(ctx context.Context, opt SampleRunOptions) (*SampleResult, error) {
	if err := opt.validate(); err != nil {
		return nil, invalid(err)
	}
	c := r.model.Config
	if k := opt.Class; k != nil && (c.Classes == 0 || *k < 0 || *k >= c.Classes) {
		if c.Classes == 0 {
			return nil, invalid(fmt.Errorf("class %d: the run is not class-conditional (train with --cond)", *k))
		}
		return nil, invalid(fmt.Errorf("class %d: outside 0…%d", *k, c.Classes-1))
	}
	batch := opt.Batch
	if batch == 0 {
		batch = 256
	}
	so := withRunDefaults(opt.Sampler, c.SampleOptions())
	so.Rng = rand.New(rand.NewPCG(opt.Seed, sampleStream+1))
	shape := shapeOf(c)
	var e estimate
	e.add(fmt.Sprintf("%d samples of %d values", opt.N, c.Dim), opt.N, c.Dim, 8+4, solverCopies(so.Solver, c.Process))
	e.addBytes(fmt.Sprintf("a batch of %d through the network", batch), product(batch)*shape.activations(false))
	if c.Process == train.ProcessYukawa {
		e.add("the prior's charges", max(c.FieldBatch, train.DefaultFieldBatch), c.Dim, 8, 2)
	}
	if err := e.check("sampling", opt.MaxMemory); err != nil {
		return nil, err
	}
	start := time.Now()
	res := &SampleResult{}
	var x []float64
	var sr train.SampleResult
	var err error
	rng := so.Rng // the prior and the noise injection draw from one stream
	m := *r.model // a copy: the prior quantile is this call's
	m.PriorQuantile = opt.PriorQuantile
	if opt.Class != nil {
		x, sr, err = m.SampleClass(ctx, opt.N, batch, *opt.Class, so, rng)
	} else {
		x, sr, err = m.Sample(ctx, opt.N, batch, so, rng)
	}
	if err != nil {
		return nil, plainCancel(ctx, err)
	}
	if w := sr.Weights; w != nil {
		res.Weights = &Weights{FinalESS: w.FinalESS, MinESS: w.MinESS, Resamplings: w.Resamplings, ParetoK: w.ParetoK, Warning: w.Warning}
	}
	res.NFE, res.Elapsed = sr.NFE, time.Since(start)
	res.Title = fmt.Sprintf("%s, D=%s, %d samples, NFE %d", filepath.Base(filepath.Clean(r.dir)), process.FormatD(c.D), opt.N, sr.NFE)
	if c.ImageC > 0 {
		x32 := make([]float32, len(x))
		for i, v := range x {
			x32[i] = float32(v)
		}
		res.Images = &data.Images{N: opt.N, C: c.ImageC, H: c.ImageH, W: c.ImageW, X: x32}
	} else {
		res.Samples = &data.Points{Dim: c.Dim, X: x}
	}
	return res, nil
}
