package train

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/pfgm/pfgm/ag"
	"github.com/pfgm/pfgm/nn"
	"github.com/pfgm/pfgm/process"
)

// An Objective turns a batch of data into a scalar loss on the tape: it draws
// the perturbation, runs the network and compares with the target. An error
// means the step could not be computed (bad labels, charges or targets).
type Objective interface {
	Loss(tp *ag.Tape, rng *rand.Rand, y *ag.Tensor) (*ag.Tensor, error)
}

// newObjective returns the training objective of c for the preconditioned
// network pre.
func newObjective(c *Config, pre *nn.Precond) (Objective, error) {
	switch {
	case c.objective() == ObjectiveField:
		return newFieldObjective(c, pre)
	case c.process() == ProcessYukawa:
		return newYukawaObjective(c, pre)
	}
	proc, err := c.Poisson()
	if err != nil {
		return nil, err
	}
	return newDenoising(c, proc, pre), nil
}

// denoising is the PFGM++ objective (DESIGN §3.6): the network learns the
// posterior mean of data given a draw of the kernel at noise level σ.
type denoising struct {
	c    *Config
	proc process.Poisson
	pre  *nn.Precond

	// Per-step buffers, allocated once.
	x, noise   []float32
	sigma      []float64
	sigma32, w []float32
	X, W       *ag.Tensor
	labels     []int // the batch's classes (class-conditional runs)
}

// labelUser is an objective that conditions on the batch's class labels;
// the trainer hands it the slice it refills every step.
type labelUser interface{ useLabels(labels []int) }

func (o *denoising) useLabels(labels []int) { o.labels = labels }

func newDenoising(c *Config, proc process.Poisson, pre *nn.Precond) *denoising {
	b, n := c.Batch, c.Dim
	o := &denoising{c: c, proc: proc, pre: pre,
		x: make([]float32, b*n), noise: make([]float32, b*n),
		sigma: make([]float64, b), sigma32: make([]float32, b), w: make([]float32, b)}
	o.X, o.W = ag.FromData(o.x, c.InputShape(b)...), ag.FromData(o.w, b)
	return o
}

func (o *denoising) Loss(tp *ag.Tape, rng *rand.Rand, y *ag.Tensor) (*ag.Tensor, error) {
	c, sd := o.c, o.c.SigmaData
	for i := range o.sigma {
		// ln σ ~ N(P_mean, P_std²)
		s := math.Exp(c.PMean + c.PStd*rng.NormFloat64())
		o.sigma[i], o.sigma32[i] = s, float32(s)
		// λ(σ) = (σ² + σ_d²) / (σ·σ_d)²
		o.w[i] = float32((s*s + sd*sd) / ((s * sd) * (s * sd)))
	}
	// x = y + n, n drawn from the kernel at r = σ√D, unclipped: the
	// reference code clips B to [1e-3, 1 − 1e-3], which for N = 196,608 and
	// D = 128 replaces practically every draw by one radius, and for N = 2,
	// D = 2048 holds 64 % of the draws at the lower bound (docs/STUDIES.md).
	process.Noise(o.proc, rng, c.Dim, o.sigma, false, o.noise)
	for i, v := range y.Data {
		o.x[i] = v + o.noise[i]
	}
	var onehot *ag.Tensor
	if o.labels != nil {
		var err error
		if onehot, err = nn.OneHot(tp, o.labels, o.c.Classes); err != nil {
			return nil, fmt.Errorf("batch labels: %w", err)
		}
	}
	// λ(σ)·‖D_θ(x, σ) − y‖², mean over the batch
	return tp.WeightedMSE(o.pre.ForwardClass(tp, o.X, o.sigma32, onehot), y, o.W), nil
}
