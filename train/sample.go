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
// preconditioning, and the run's process and data transform.
type Model struct {
	Config *Config
	Pre    *nn.Precond
	Proc   process.Poisson
	// PriorQuantile in (0, 1) draws the prior from process.TruncatedPrior,
	// cut at that quantile of its radius: the remedy for small D's heavy
	// tail (docs/STUDIES.md). 0 (or 1) draws the full prior.
	PriorQuantile float64
}

// Open loads a run directory for sampling: config.json and the EMA weights of
// model.safetensors, or of the newest checkpoint while training is still going.
func Open(dir string) (*Model, error) {
	c, err := LoadConfig(dir)
	if err != nil {
		return nil, err
	}
	proc, err := c.Poisson()
	if err != nil {
		return nil, err
	}
	net, err := BuildModel(c, rand.New(rand.NewPCG(0, 0)))
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, finalModel)
	prefix := paramPrefix
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		ck, err := listCheckpoints(dir)
		if err != nil {
			return nil, err
		}
		if len(ck) == 0 {
			return nil, fmt.Errorf("%s has neither %s nor a checkpoint", dir, finalModel)
		}
		path, prefix = filepath.Join(dir, checkpointName(ck[len(ck)-1])), "ema."
	}
	st, _, err := safetensors.Read(path)
	if err != nil {
		return nil, err
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
	if err := loadParams(net, st, path); err != nil {
		return nil, err
	}
	return &Model{Config: c, Pre: &nn.Precond{Net: net, SigmaData: c.SigmaData}, Proc: proc}, nil
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
func (m *Model) Sample(ctx context.Context, n, batch int, opt sampler.Options, rng *rand.Rand) ([]float64, sampler.Result, error) {
	if err := m.checkPriorQuantile(); err != nil {
		return nil, sampler.Result{}, err
	}
	return sampleNet(ctx, m.Config, m.Pre, m.Proc, n, batch, -1, m.PriorQuantile, opt, rng)
}

func (m *Model) checkPriorQuantile() error {
	if q := m.PriorQuantile; !(q >= 0 && q <= 1) {
		return fmt.Errorf("prior quantile must be in (0, 1] (0: off), got %v", q)
	}
	return nil
}

// SampleClass is Sample for one class of a class-conditional run.
func (m *Model) SampleClass(ctx context.Context, n, batch, class int, opt sampler.Options, rng *rand.Rand) ([]float64, sampler.Result, error) {
	if m.Config.Classes == 0 {
		return nil, sampler.Result{}, errors.New("the run is not class-conditional (train with --cond)")
	}
	if class < 0 || class >= m.Config.Classes {
		return nil, sampler.Result{}, fmt.Errorf("class %d outside 0…%d", class, m.Config.Classes-1)
	}
	if err := m.checkPriorQuantile(); err != nil {
		return nil, sampler.Result{}, err
	}
	return sampleNet(ctx, m.Config, m.Pre, m.Proc, n, batch, class, m.PriorQuantile, opt, rng)
}

// sampleNet draws n samples; class −1 cycles through the classes of a
// class-conditional run.
// priorQ in (0, 1) truncates the prior's radius at that quantile.
func sampleNet(ctx context.Context, c *Config, pre *nn.Precond, proc process.Poisson, n, batch, class int, priorQ float64, opt sampler.Options, rng *rand.Rand) ([]float64, sampler.Result, error) {
	if n < 1 {
		return nil, sampler.Result{}, fmt.Errorf("n must be ≥ 1, got %d", n)
	}
	switch {
	case c.objective() == ObjectiveField:
		return sampleField(ctx, c, pre, n, batch, opt, rng)
	case c.process() == ProcessYukawa:
		return sampleYukawa(ctx, c, pre, n, batch, opt, rng)
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
		return nil, res, err
	}
	if err := c.unstandardize(x); err != nil {
		return nil, res, err
	}
	return x, res, nil
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
func (t *Trainer) Sample(ctx context.Context, n int, opt sampler.Options, rng *rand.Rand) ([]float64, sampler.Result, error) {
	return sampleNet(ctx, t.Config, t.Pre, t.proc, n, 256, -1, 0, opt, rng)
}
