package train

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/pfgm/pfgm/ag"
	"github.com/pfgm/pfgm/classic"
	"github.com/pfgm/pfgm/likelihood"
	"github.com/pfgm/pfgm/nn"
	"github.com/pfgm/pfgm/sampler"
)

// VJPDenoiser is a preconditioned network as a denoiser that also gives
// vector-Jacobian products vᵀ∂D/∂x by one backward pass of the tape to its
// input (likelihood.VJPDenoiser). The weights are held fixed: no weight
// gradient is computed. Not safe for concurrent use.
type VJPDenoiser struct {
	pre   *nn.Precond
	c     *Config
	batch int
	inf   *nn.NetDenoiser // plain forward passes
	tape  *ag.Tape
	x     *ag.Tensor // the input leaf, [batch, …], reused
	sig   []float32
	v     []float32
}

// NewVJPDenoiser wraps pre, a network for the data shape of c, evaluated
// batch points at a time (0 means 256).
func NewVJPDenoiser(c *Config, pre *nn.Precond, batch int) (*VJPDenoiser, error) {
	if nn.NumClasses(pre.Net) > 0 {
		return nil, errors.New("a class-conditional network needs labels: its likelihood is not supported")
	}
	if batch < 1 {
		batch = 256
	}
	return &VJPDenoiser{pre: pre, c: c, batch: batch, inf: pre.Denoiser(batch), tape: ag.NewTape()}, nil
}

// Dim is the number of values in one example.
func (d *VJPDenoiser) Dim() int { return d.c.Dim }

// Denoise writes D(x, σ) into out (forward passes only).
func (d *VJPDenoiser) Denoise(ctx context.Context, x []float64, sigma float64, out []float64) error {
	return d.inf.Denoise(ctx, x, sigma, out)
}

// DenoiseVJP writes D(x, σ) into out and, for every example p,
// v_pᵀ ∂D(x_p, σ)/∂x_p into vjp: the gradient of Σ_p v_p·D(x_p) with
// respect to the input, examples being independent.
func (d *VJPDenoiser) DenoiseVJP(ctx context.Context, x []float64, sigma float64, v, out, vjp []float64) error {
	n := d.c.Dim
	if len(x)%n != 0 || len(v) != len(x) || len(out) != len(x) || len(vjp) != len(x) {
		return fmt.Errorf("vjp: %d inputs, %d directions, %d and %d outputs for examples of %d numbers", len(x), len(v), len(out), len(vjp), n)
	}
	if !(sigma > 0) || math.IsInf(sigma, 0) {
		return fmt.Errorf("vjp: sigma %v must be positive and finite", sigma)
	}
	// Freeze the weights for the backward pass: only the input's gradient
	// is wanted. The flags are restored on return.
	params := d.pre.Net.Params()
	was := make([]bool, len(params))
	for i, p := range params {
		was[i], p.RequiresGrad = p.RequiresGrad, false
	}
	defer func() {
		for i, p := range params {
			p.RequiresGrad = was[i]
		}
	}()
	total := len(x) / n
	for lo := 0; lo < total; lo += d.batch {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("vjp: %w", err)
		}
		cb := min(d.batch, total-lo)
		d.forwardBackward(x[lo*n:(lo+cb)*n], sigma, v[lo*n:(lo+cb)*n], out[lo*n:(lo+cb)*n], vjp[lo*n:(lo+cb)*n], cb)
	}
	return nil
}

// forwardBackward runs one chunk of cb examples.
func (d *VJPDenoiser) forwardBackward(x []float64, sigma float64, v, out, vjp []float64, cb int) {
	shape := d.c.InputShape(cb)
	if d.x == nil || d.x.Numel() != len(x) {
		d.x = ag.NewTensor(shape...)
		d.x.SetRequiresGrad()
		d.sig = make([]float32, cb)
		d.v = make([]float32, len(x))
	}
	for i, a := range x {
		d.x.Data[i] = float32(a)
	}
	d.x.ZeroGrad()
	for i := range d.sig {
		d.sig[i] = float32(sigma)
	}
	for i, a := range v {
		d.v[i] = float32(a)
	}
	d.tape.Reset()
	y := d.pre.Forward(d.tape, d.x, d.sig)
	d.tape.Backward(d.tape.Dot(y, d.tape.Const(d.v, shape...)))
	for i, a := range y.Data {
		out[i] = float64(a)
	}
	for i, g := range d.x.Grad {
		vjp[i] = float64(g)
	}
}

// Likelihood returns the denoiser and the options package likelihood
// needs for the run: its D, the standardisation's scales (so the NLL is in
// the data's units) and, for images, Bits = 8. The σ range and tolerances
// are likelihood.DefaultOptions' (σ from 0.002 to 80). A pfgm-field run
// integrates its own ODE dx/dz = E_x/E_z as D = x − z·E_x/E_z with D = 1
// from z = 10⁻³ to its z_max (the prior on z = z_max is the D = 1 kernel,
// r = z_max), with finite-difference divergence (step 10⁻²·z). Yukawa and
// class-conditional runs are not supported.
func (m *Model) Likelihood(batch int) (sampler.Denoiser, likelihood.Options, error) {
	c := m.Config
	opt := likelihood.DefaultOptions()
	opt.D = c.D
	if c.Standardize != nil {
		opt.Scale = append([]float64(nil), c.Standardize.Std...)
	}
	if c.ImageC > 0 {
		opt.Bits = 8
	}
	if batch < 1 {
		batch = 256
	}
	switch {
	case c.process() == ProcessYukawa:
		return nil, opt, errors.New("likelihood: a Yukawa run's flow loses mass (its death rate): not supported")
	case c.objective() == ObjectiveField:
		if c.Classic == nil {
			return nil, opt, errors.New("pfgm-field: the run's config has no PFGM hyper-parameters (classic)")
		}
		co := classic.DefaultOptions()
		f := &netField{c: c, net: m.Pre.Net, batch: batch, tape: ag.NewInferenceTape(),
			in: make([]float32, batch*c.Dim), cn: make([]float32, batch)}
		opt.D, opt.SigmaMin, opt.SigmaMax = 1, co.ZMin, c.Classic.ZMax
		// Finite differences of a float32 network: at 10⁻³·z the rounding
		// noise made the error control take ~3× the steps for the same NLL
		// (moons, rtol 10⁻⁴: 1507 vs 661 evaluations, NLL equal to 10⁻⁴).
		opt.FDStep = 1e-2
		return classic.NewDenoiser(f, *c.Classic, co), opt, nil
	}
	d, err := NewVJPDenoiser(c, m.Pre, batch)
	if err != nil {
		return nil, opt, err
	}
	return d, opt, nil
}
