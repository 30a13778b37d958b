package train

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/pfgm/pfgm/data"
	"github.com/pfgm/pfgm/nn"
	"github.com/pfgm/pfgm/process"
	"github.com/pfgm/pfgm/safetensors"
	"github.com/pfgm/pfgm/sampler"
)

// Model is a trained run opened for sampling: the EMA weights behind the EDM
// preconditioning, and the run's process and data transform. Everything
// comes from the run directory; the training data are not needed.
type Model struct {
	Config *Config
	Pre    *nn.Precond
	Proc   process.Poisson
	// PriorQuantile in (0, 1) draws the prior from process.TruncatedPrior,
	// cut at that quantile of its radius: the remedy for small D's heavy
	// tail (docs/STUDIES.md). 0 (or 1) draws the full prior.
	PriorQuantile float64
	// Warnings says what Open had to work around, one line each: a
	// corrupted weights file skipped for an older one, a missing prior.
	Warnings []string

	charges []float64 // a Yukawa run's prior charges (priorFile)
}

// SampleResult is what sampling a run reports: the sampler's result and,
// for the weighted-particle sampler of Yukawa runs, the weights' health.
type SampleResult struct {
	sampler.Result
	Weights *WeightDiagnostics // nil unless the run samples with weights
}

// WeightDiagnostics are the weighted sampler's diagnostics (yukawa.Result):
// effective sample sizes as fractions of n, the Pareto k̂ of the weights'
// tail, the resamplings, and Warning, one line saying why the samples'
// proportions cannot be trusted ("" when they can).
type WeightDiagnostics struct {
	FinalESS, MinESS float64
	ParetoK          float64
	Resamplings      int
	Warning          string
}

// Open loads a run directory for sampling: config.json and the EMA weights
// of model.safetensors, or of the newest checkpoint while training is still
// going. A weights file that does not read is skipped for the next older
// one, with a line in Model.Warnings.
func Open(dir string) (*Model, error) {
	c, err := LoadConfig(dir)
	if err != nil {
		return nil, err
	}
	proc, err := c.Poisson()
	if err != nil {
		return nil, err
	}
	net, err := BuildModel(*c, rand.New(rand.NewPCG(0, 0)))
	if err != nil {
		return nil, err
	}
	m := &Model{Config: c, Pre: &nn.Precond{Net: net, SigmaData: c.SigmaData}, Proc: proc}
	if err := m.loadWeights(dir); err != nil {
		return nil, err
	}
	if c.process() == ProcessYukawa {
		charges, warn, err := runPrior(dir, c)
		if err != nil {
			return nil, err
		}
		m.charges = charges
		if warn != "" {
			m.Warnings = append(m.Warnings, warn)
		}
	}
	return m, nil
}

// loadWeights reads the EMA weights into m's network: model.safetensors,
// else the newest checkpoint that reads.
func (m *Model) loadWeights(dir string) error {
	net := m.Pre.Net
	var tried []string
	load := func(path, prefix string) error {
		st, _, err := safetensors.Read(path)
		if err != nil {
			return err
		}
		if prefix != paramPrefix { // a checkpoint: sample from its EMA
			ema := map[string]safetensors.Tensor{}
			for _, p := range net.Params() {
				if v, ok := st[prefix+p.Name]; ok {
					ema[paramPrefix+p.Name] = v
				}
			}
			st = ema
		}
		return loadParams(net, st, path)
	}
	final := filepath.Join(dir, finalModel)
	if _, err := os.Stat(final); err == nil {
		err := load(final, paramPrefix)
		if err == nil {
			return nil
		}
		tried = append(tried, err.Error())
	}
	ck, err := listCheckpoints(dir)
	if err != nil {
		return err
	}
	for i := len(ck) - 1; i >= 0; i-- {
		path := filepath.Join(dir, checkpointName(ck[i]))
		err := load(path, "ema.")
		if err == nil {
			for _, t := range tried {
				m.Warnings = append(m.Warnings, fmt.Sprintf("skipped unreadable weights (%s); sampling from %s", t, checkpointName(ck[i])))
			}
			return nil
		}
		tried = append(tried, err.Error())
	}
	if len(tried) > 0 {
		return fmt.Errorf("%s: no weights file reads: %s", dir, tried[0])
	}
	return fmt.Errorf("%s has neither %s nor a checkpoint", dir, finalModel)
}

// SampleOptions returns the sampler options the run samples with unless
// told otherwise: sampler.DefaultOptions(), except that a Yukawa run starts
// at σ_max = 5 with 40 steps. At σ_max = 80 its t_max is thousands of units
// (≈ 6400 for m = 1) and the weights collapse in few steps; those are the
// values measured to work.
func (c *Config) SampleOptions() sampler.Options {
	o := sampler.DefaultOptions()
	if c.Process == ProcessYukawa {
		o.SigmaMax, o.Steps = 5, 40
	}
	return o
}

// Sample draws n samples: a prior draw at opt.SigmaMax, then the backward ODE
// with the network as denoiser, evaluated batch points at a time. Points come
// back in data units; images in [−1, 1].
// A class-conditional run draws its classes in turn (0, 1, …, 0, 1, …), so
// a grid shows every class; SampleClass draws one class.
func (m *Model) Sample(ctx context.Context, n, batch int, opt sampler.Options, rng *rand.Rand) ([]float64, SampleResult, error) {
	if err := m.checkPriorQuantile(); err != nil {
		return nil, SampleResult{}, err
	}
	return sampleNet(ctx, m.Config, m.Pre, m.Proc, m.charges, n, batch, -1, m.PriorQuantile, opt, rng)
}

func (m *Model) checkPriorQuantile() error {
	if q := m.PriorQuantile; !(q >= 0 && q <= 1) {
		return fmt.Errorf("prior quantile must be in (0, 1] (0: off), got %v", q)
	}
	return nil
}

// SampleClass is Sample for one class of a class-conditional run.
func (m *Model) SampleClass(ctx context.Context, n, batch, class int, opt sampler.Options, rng *rand.Rand) ([]float64, SampleResult, error) {
	if m.Config.Classes == 0 {
		return nil, SampleResult{}, errors.New("the run is not class-conditional (train with --cond)")
	}
	if class < 0 || class >= m.Config.Classes {
		return nil, SampleResult{}, fmt.Errorf("class %d outside 0…%d", class, m.Config.Classes-1)
	}
	if err := m.checkPriorQuantile(); err != nil {
		return nil, SampleResult{}, err
	}
	return sampleNet(ctx, m.Config, m.Pre, m.Proc, m.charges, n, batch, class, m.PriorQuantile, opt, rng)
}

// sampleNet draws n samples; class −1 cycles through the classes of a
// class-conditional run. charges are a Yukawa run's prior charges.
// priorQ in (0, 1) truncates the prior's radius at that quantile.
func sampleNet(ctx context.Context, c *Config, pre *nn.Precond, proc process.Poisson, charges []float64, n, batch, class int, priorQ float64, opt sampler.Options, rng *rand.Rand) ([]float64, SampleResult, error) {
	if n < 1 {
		return nil, SampleResult{}, fmt.Errorf("n must be ≥ 1, got %d", n)
	}
	switch {
	case c.objective() == ObjectiveField:
		x, res, err := sampleField(ctx, c, pre, n, batch, opt, rng)
		return x, SampleResult{Result: res}, err
	case c.process() == ProcessYukawa:
		return sampleYukawa(ctx, c, pre, charges, n, batch, opt, rng)
	}
	if batch < 1 {
		batch = 256
	}
	var x []float64
	if priorQ > 0 && priorQ < 1 {
		x = proc.TruncatedPrior(rng, n, c.Dim, opt.SigmaMax, priorQ)
	} else {
		x = proc.Prior(rng, n, c.Dim, opt.SigmaMax)
	}
	den := pre.Denoiser(batch)
	if c.Classes > 0 {
		den.Labels = make([]int, n)
		for i := range den.Labels {
			den.Labels[i] = i % c.Classes
			if class >= 0 {
				den.Labels[i] = class
			}
		}
	}
	res, err := sampler.Sample(ctx, den, x, opt)
	if err != nil {
		return nil, SampleResult{Result: res}, err
	}
	if err := c.unstandardize(x); err != nil {
		return nil, SampleResult{Result: res}, err
	}
	return x, SampleResult{Result: res}, nil
}

// unstandardize maps samples x back to data units when the run
// standardised its points.
func (c *Config) unstandardize(x []float64) error {
	if c.Standardize == nil {
		return nil
	}
	return c.Standardize.Invert(&data.Points{Dim: c.Dim, X: x})
}

// Sample draws n samples from the trainer's current weights (the caller
// swaps the EMA in; see Options.OnSample).
func (t *Trainer) Sample(ctx context.Context, n int, opt sampler.Options, rng *rand.Rand) ([]float64, SampleResult, error) {
	return sampleNet(ctx, t.Config, t.Pre, t.proc, t.prior, n, 256, -1, 0, opt, rng)
}

// SampleGrid draws the n samples of a training-progress picture with the
// run's sampling defaults (Config.SampleOptions) and a fixed stream, so
// that the pictures of one run differ only by the weights.
func (t *Trainer) SampleGrid(ctx context.Context, n int) ([]float64, SampleResult, error) {
	return t.Sample(ctx, n, t.Config.SampleOptions(), rand.New(rand.NewPCG(t.Config.Seed, gridStream)))
}
