package train

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/pfgm/pfgm/ag"
	"github.com/pfgm/pfgm/classic"
	"github.com/pfgm/pfgm/nn"
	"github.com/pfgm/pfgm/sampler"
)

// DefaultFieldBatch is how many charges the pfgm-field target is computed
// against when the config does not say (the reference uses 4096 for
// CIFAR-10 with mini-batches of 128).
const DefaultFieldBatch = 1024

// fieldObjective is the original PFGM's objective (DESIGN §3.7, package
// classic): perturb the batch to augmented points (x, z), compute the
// normalised field √N·E/(‖E‖+γ) of a large batch of charges there, and
// regress the network's N+1 outputs on it. There is no EDM preconditioning:
// the network sees x itself and ln z as its noise input (the reference feeds
// log z to the time embedding).
type fieldObjective struct {
	c   *Config
	net nn.Model
	p   classic.Params
	src *source
	k   int // charges: the batch itself, then k − Batch more draws

	charges     classic.Charges
	all         []float64 // k×N charges in float64; the first Batch rows are the batch
	extra       []float32
	x, z, tgt   []float64
	x32, cn, tf []float32
	w           []float32
	X, CN, T, W *ag.Tensor
}

// sourceUser is an objective that draws data beyond the batch it is given;
// the trainer hands it the training set once it is built.
type sourceUser interface {
	useSource(src *source) error
}

func newFieldObjective(c *Config, pre *nn.Precond) (Objective, error) {
	if c.Classic == nil || c.FieldBatch < 1 {
		return nil, errors.New("pfgm-field: the config lacks its hyper-parameters or field batch (resolve it from the data first)")
	}
	if m, ok := pre.Net.(*nn.MLP); ok && m.Cfg.Out != c.Dim+1 {
		return nil, fmt.Errorf("pfgm-field: the network must output N+1 = %d numbers (the field and its z component), its MLP gives %d", c.Dim+1, m.Cfg.Out)
	}
	return &fieldObjective{c: c, net: pre.Net, k: max(c.FieldBatch, c.Batch)}, nil
}

// classicParams computes the pfgm-field hyper-parameters from the data x
// (rows of dim numbers): a fresh run records them in its config.
func classicParams(dim int, x []float32) (classic.Params, error) {
	norm, err := classic.TypicalNorm(x, dim)
	if err != nil {
		return classic.Params{}, fmt.Errorf("pfgm-field: %w", err)
	}
	p, err := classic.NewParams(dim, norm)
	if err != nil {
		return classic.Params{}, fmt.Errorf("pfgm-field: %w", err)
	}
	return p, nil
}

// useSource allocates the buffers for drawing charges from src.
func (o *fieldObjective) useSource(src *source) error {
	c := o.c
	if err := c.Classic.Validate(); err != nil {
		return fmt.Errorf("pfgm-field: %w", err)
	}
	if c.Classic.N != c.Dim {
		return fmt.Errorf("pfgm-field: the hyper-parameters are for dimension %d, the data have %d", c.Classic.N, c.Dim)
	}
	o.p, o.src = *c.Classic, src
	b, n := c.Batch, c.Dim
	o.all = make([]float64, o.k*n)
	o.extra = make([]float32, (o.k-b)*n)
	o.x, o.z, o.tgt = make([]float64, b*n), make([]float64, b), make([]float64, b*(n+1))
	o.x32, o.cn, o.tf = make([]float32, b*n), make([]float32, b), make([]float32, b*(n+1))
	o.w = make([]float32, b)
	// WeightedMSE averages over the N+1 outputs too; the weight (N+1)/2
	// makes the loss the reference's mean over the batch of ½·Σ_j.
	for i := range o.w {
		o.w[i] = float32(n+1) / 2
	}
	o.X, o.CN = ag.FromData(o.x32, c.InputShape(b)...), ag.FromData(o.cn, b)
	o.T, o.W = ag.FromData(o.tf, b, n+1), ag.FromData(o.w, b)
	return nil
}

func (o *fieldObjective) Loss(tp *ag.Tape, rng *rand.Rand, y *ag.Tensor) (*ag.Tensor, error) {
	if o.src == nil {
		return nil, errors.New("pfgm-field: the objective was not given the training set (useSource)")
	}
	n, b := o.c.Dim, o.c.Batch
	// The charges are the batch plus more draws: each perturbed point's own
	// charge is among them, as in the reference (its mini-batch is the head
	// of the large batch), so the target is right at small z.
	for i, v := range y.Data {
		o.all[i] = float64(v)
	}
	o.src.batch(rng, o.extra)
	for i, v := range o.extra {
		o.all[b*n+i] = float64(v)
	}
	if err := o.p.Perturb(rng, o.all[:b*n], o.x, o.z, nil, false); err != nil {
		return nil, fmt.Errorf("pfgm-field: perturbation: %w", err)
	}
	if err := o.charges.Set(o.all, n); err != nil {
		return nil, fmt.Errorf("pfgm-field: charges: %w", err)
	}
	if err := o.charges.Target(o.x, o.z, o.p.Gamma, o.tgt); err != nil {
		return nil, fmt.Errorf("pfgm-field: target: %w", err)
	}
	for i, v := range o.x {
		o.x32[i] = float32(v)
	}
	for i, v := range o.z {
		o.cn[i] = float32(math.Log(max(v, 1e-10))) // the reference clamps z at 1e-10
	}
	for i, v := range o.tgt {
		o.tf[i] = float32(v)
	}
	return tp.WeightedMSE(o.net.Forward(tp, o.X, o.CN), o.T, o.W), nil
}

// netField runs the network as a classic.Field, batch points at a time.
type netField struct {
	c     *Config
	net   nn.Model
	batch int
	tape  *ag.Tape
	in    []float32
	cn    []float32
}

func (f *netField) Field(ctx context.Context, x, z, out []float64) error {
	n := f.c.Dim
	nq := len(z)
	if len(x) != nq*n || len(out) != nq*(n+1) {
		return fmt.Errorf("pfgm-field: %d points need %d inputs and %d outputs, got %d and %d", nq, nq*n, nq*(n+1), len(x), len(out))
	}
	for lo := 0; lo < nq; lo += f.batch {
		if err := ctx.Err(); err != nil {
			return err
		}
		cb := min(f.batch, nq-lo)
		in, cn := f.in[:cb*n], f.cn[:cb]
		for i, v := range x[lo*n : (lo+cb)*n] {
			in[i] = float32(v)
		}
		for i, v := range z[lo : lo+cb] {
			cn[i] = float32(math.Log(max(v, 1e-10)))
		}
		f.tape.Reset()
		y := f.net.Forward(f.tape, f.tape.Const(in, f.c.InputShape(cb)...), f.tape.Const(cn, cb))
		for i, v := range y.Data {
			out[lo*(n+1)+i] = float64(v)
		}
	}
	return nil
}

// sampleField draws n samples from a pfgm-field run: the prior on z = z_max,
// then the field lines down to z = 10⁻³ (package classic). opt supplies the
// solver and its settings (the reference is RK45 with rtol = atol = 1e-4);
// its σ range is ignored: the run's z_max and 10⁻³ bound the integration.
func sampleField(ctx context.Context, c *Config, pre *nn.Precond, n, batch int, opt sampler.Options, rng *rand.Rand) ([]float64, sampler.Result, error) {
	if c.Classic == nil {
		return nil, sampler.Result{}, errors.New("pfgm-field: the run's config has no PFGM hyper-parameters (classic)")
	}
	if batch < 1 {
		batch = 256
	}
	p := *c.Classic
	x := p.Prior(rng, n)
	f := &netField{c: c, net: pre.Net, batch: batch, tape: ag.NewInferenceTape(),
		in: make([]float32, batch*c.Dim), cn: make([]float32, batch)}
	o := classic.DefaultOptions()
	o.Solver = opt
	res, err := classic.Sample(ctx, f, p, x, o)
	if err != nil {
		return nil, res, err
	}
	if err := c.unstandardize(x); err != nil {
		return nil, res, err
	}
	return x, res, nil
}
