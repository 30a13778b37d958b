package train

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/pfgm/pfgm/ag"
	"github.com/pfgm/pfgm/nn"
	"github.com/pfgm/pfgm/optim"
	"github.com/pfgm/pfgm/process"
)

// Trainer holds a model, its optimiser and the training stream. It is built
// by Train (a fresh or resumed run in a directory) or NewInMemory.
type Trainer struct {
	Config *Config
	Model  nn.Model
	Pre    *nn.Precond

	proc   process.Poisson
	src    *source
	params []optim.Param
	adam   *optim.Adam
	ema    *optim.EMA
	pcg    *rand.PCG // the training stream: batches and noise; saved in checkpoints
	rng    *rand.Rand
	step   int // optimiser steps taken
	tape   *ag.Tape
	prior  []float64 // a Yukawa run's prior charges (yukawa_prior.go)

	// Warnings says what opening the run had to work around (a corrupted
	// checkpoint skipped, …), one line each; Train also logs them.
	Warnings []string

	obj    Objective
	y      []float32 // the batch of data, viewed as Y
	Y      *ag.Tensor
	labels []int
}

// NewInMemory builds a trainer for c on data already in memory: x holds
// examples of c.Dim numbers (c.InputShape gives the model's view), used as
// they are (no standardisation). It writes nothing to disk; benchmarks and
// tests use it. c itself is not changed: Trainer.Config is the completed
// copy.
func NewInMemory(c *Config, x []float32) (*Trainer, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if c.Dim < 1 || len(x) < c.Dim || len(x)%c.Dim != 0 {
		return nil, fmt.Errorf("train: %d values are not whole examples of %d numbers", len(x), c.Dim)
	}
	return newTrainerOn(*c, &dataSet{src: &source{x: x, dim: c.Dim}, c: c.ImageC, h: c.ImageH, w: c.ImageW, st: c.Standardize})
}

// newTrainerOn completes c from the data set (resolve) and builds the
// trainer with freshly initialised weights.
func newTrainerOn(c Config, ds *dataSet) (*Trainer, error) {
	if ds.sha == "" {
		ds.sha = Fingerprint(ds.src.dim, ds.src.x, ds.src.labels)
	}
	c, err := resolve(c, ds)
	if err != nil {
		return nil, err
	}
	return buildTrainer(&c, ds.src)
}

// buildTrainer builds the trainer of a completed config c (resolve) on the
// training set src.
func buildTrainer(c *Config, src *source) (*Trainer, error) {
	proc, err := c.Poisson()
	if err != nil {
		return nil, err
	}
	model, err := BuildModel(*c, rand.New(rand.NewPCG(c.Seed, initStream)))
	if err != nil {
		return nil, err
	}
	t := &Trainer{
		Config: c, Model: model, Pre: &nn.Precond{Net: model, SigmaData: c.SigmaData},
		proc: proc, src: src, tape: ag.NewTape(),
		pcg: rand.NewPCG(c.Seed, trainStream),
	}
	t.rng = rand.New(t.pcg)
	if c.Precision == "bf16" {
		t.tape.SetPrecision(ag.BF16)
	}
	t.params = OptimParams(model)
	t.adam = optim.NewAdam(t.params, optim.AdamConfig{LR: c.LR, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8})
	t.ema = optim.NewEMA(t.params, c.EMA)

	t.y = make([]float32, c.Batch*c.Dim)
	t.Y = ag.FromData(t.y, c.InputShape(c.Batch)...)
	if t.obj, err = newObjective(c, t.Pre); err != nil {
		return nil, err
	}
	if c.Classes > 0 {
		if len(src.labels) != src.len() {
			return nil, fmt.Errorf("--cond: %s has no class labels", c.Data)
		}
		t.labels = make([]int, c.Batch)
		u, ok := t.obj.(labelUser)
		if !ok {
			return nil, fmt.Errorf("class-conditional training needs the %s objective with the %s process", ObjectivePFGMpp, ProcessPoisson)
		}
		u.useLabels(t.labels)
	}
	if u, ok := t.obj.(sourceUser); ok { // objectives drawing more data than the batch
		if err := u.useSource(src); err != nil {
			return nil, err
		}
	}
	if c.process() == ProcessYukawa {
		t.prior = priorCharges(c, src)
	}
	return t, nil
}

// ModelFlops is the matrix-product work (2·m·n·k per product, every
// convolution counted as the direct algorithm) of every step taken so far,
// as counted by the trainer's tape (ag.Tape.ModelFlops).
func (t *Trainer) ModelFlops() int64 { return t.tape.ModelFlops() }

// Step is how many optimisation steps have been taken.
func (t *Trainer) Step() int { return t.step }

// errNonFinite marks a NaN or infinite loss or gradient.
var errNonFinite = errors.New("non-finite")

// TrainStep draws one batch of data, computes the objective's loss on it and
// takes one Adam step. It returns the batch loss.
func (t *Trainer) TrainStep() (float64, error) {
	c := t.Config
	t.src.batchLabeled(t.rng, t.y, t.labels)
	t.tape.Reset()
	t.adam.ZeroGrad()
	loss, err := t.obj.Loss(t.tape, t.rng, t.Y)
	if err != nil {
		return math.NaN(), fmt.Errorf("step %d: %w", t.step+1, err)
	}
	t.tape.Backward(loss)
	l := float64(loss.Data[0])

	norm := optim.GradNorm(t.params)
	if math.IsNaN(l) || math.IsInf(l, 0) || math.IsNaN(norm) || math.IsInf(norm, 0) {
		return l, fmt.Errorf("step %d: loss %v, gradient norm %v: %w", t.step+1, l, norm, errNonFinite)
	}
	if c.ClipNorm > 0 {
		optim.ClipGradNorm(t.params, c.ClipNorm)
	}
	t.adam.Step(optim.WarmupLR(c.LR, t.step, c.Warmup))
	t.ema.Update(t.params)
	t.step++
	return l, nil
}

// OptimParams views a model's parameters as optimiser parameters (shared storage).
func OptimParams(m nn.Model) []optim.Param {
	ps := m.Params()
	out := make([]optim.Param, len(ps))
	for i, p := range ps {
		p.SetRequiresGrad()
		out[i] = optim.Param{Name: p.Name, Data: p.Data, Grad: p.Grad, Shape: p.Shape}
	}
	return out
}

// InputShape is the shape of a batch of b examples as the model sees it.
func (c *Config) InputShape(b int) []int {
	if c.ImageC > 0 {
		return []int{b, c.ImageC, c.ImageH, c.ImageW}
	}
	return []int{b, c.Dim}
}

// Loop runs TrainStep until the configured number of steps, ctx is
// cancelled or a step fails. hook is called after every step (for
// progress, checkpoints, sample grids); an error from it stops the loop.
func (t *Trainer) Loop(ctx context.Context, hook func(step int, loss float64) error) error {
	for t.step < t.Config.Steps {
		if err := ctx.Err(); err != nil {
			return err
		}
		l, err := t.TrainStep()
		if err != nil {
			return err
		}
		if hook != nil {
			if err := hook(t.step, l); err != nil {
				return err
			}
		}
	}
	return nil
}
