package train

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/pfgm/pfgm/ag"
	"github.com/pfgm/pfgm/nn"
	"github.com/pfgm/pfgm/yukawa"
)

// The Yukawa objective (DESIGN §3.8). The network F has N+1 outputs: N for
// the denoiser D_Y under EDM's preconditioning, one for the death rate λ.
//
// Noise level. σ is drawn as in EDM (ln σ ~ N(P_mean, P_std²)) and the
// augmented radius is the t whose kernel has that per-coordinate RMS,
// σ_eq(t) = σ (yukawa.Kernel.TOfSigma). The network sees σ, exactly as a
// PFGM++ or EDM network does, so c_skip, c_out, c_in, c_noise and the loss
// weight are those of §3.6 with σ = σ_eq(t). (σ_eq grows like √(t/m) for
// large m·t, so σ_max = 80 is t ≈ 6400·m for the toy sets: sampling maps
// its σ range through σ_eq too.)
//
// Where to train. The weighted sampler starts from the Coulomb flux, whose
// tail (for D = 1, P(R > r) ~ t/r) reaches far beyond the Yukawa kernel's
// cut-off near R ~ t + 1/m, and its particles follow the field lines of
// that flux. Trained on Yukawa-kernel draws only, the network never saw
// most of the region it is asked about (a 1500-step run gave 0.58 for the
// 80 % cluster). So half the batch (every odd row) is perturbed with the
// Coulomb kernel at the same t and the other half with the Yukawa kernel.
// Points beyond the far-field radius (farField), where the sampler uses the
// exact field of a subsample of the data instead of the network, get weight
// 0. The Coulomb rows also draw σ log-uniformly over the sampler's default
// range [0.002, 80] rather than from EDM's log-normal: the sampler spends
// half its steps at σ > 1, which the log-normal rarely visits.
//
// Targets. Perturbing with anything but the Yukawa kernel makes the
// single-pair targets (y itself, r(mρ_y)) wrong: their mean given x is the
// posterior under the perturbation kernel, not under the Yukawa field. So
// the targets are the exact field of a large batch of charges
// (yukawa.Field.EvalEach, as the pfgm-field objective does with classic
// charges): the whole training set when it has at most Config.FieldBatch
// points, else the batch plus FieldBatch − Batch more draws. The
// perturbation then only decides where the network is accurate, not what
// it learns.
//
// Denoiser loss. EDM's λ(σ)·‖c_skip·x + c_out·F − D_Y‖² equals
// ‖F − (D_Y − c_skip·x)/c_out‖² because λ(σ)·c_out² = 1: the loss is
// written in that "effective target" form on the first N outputs, which
// needs no slicing of the network output and is the same function of the
// weights.
//
// λ head. The sampler's ray quadrature integrates λt − r(mρ*) with
// ρ* = √(‖x − D_Y‖² + t²) (yukawa.Sample), and λt itself grows like m·t
// (thousands at t_max): a float32 head predicting λt would put errors of
// order one into every log-weight. So the head predicts the small residual
// on the scale m:
//
//	λ·t = r(m·ρ*) + m·F_N,   target F_N = (λt − r(m·ρ*))/m,
//
// with λ exact (as D_Y) and ρ* from the network's own current denoiser
// output (held fixed, not differentiated). It is O(1) or smaller for all t
// (it vanishes where the field lines are straight rays), and it gets the
// weight of one denoiser coordinate.
type yukawaObjective struct {
	c   *Config
	net nn.Model
	sd  float64
	k   *yukawa.Kernel

	src     *source
	fld     *yukawa.Field
	whole   bool      // the charges are the whole training set, set once
	charges []float64 // K×N charges; with !whole the first Batch rows are the batch
	extra   []float32

	t, sigma  []float64
	x, den    []float64
	lam       []float64
	noise, in []float32
	cn, tgt   []float32
	w         []float32
	X, CN     *ag.Tensor
	T, W      *ag.Tensor
}

// yukawaKernel is the run's kernel, checking that D is a finite integer.
func yukawaKernel(c *Config) (*yukawa.Kernel, error) {
	if math.IsInf(c.D, 0) || c.D != math.Trunc(c.D) || c.D < 1 || c.D > math.MaxInt32 {
		return nil, fmt.Errorf("the yukawa process needs a finite integer D, got %v", c.D)
	}
	k, err := yukawa.Process{M: c.M, D: int(c.D)}.Kernel(c.Dim)
	if err != nil {
		return nil, fmt.Errorf("yukawa: %w", err)
	}
	return k, nil
}

func newYukawaObjective(c *Config, pre *nn.Precond) (Objective, error) {
	k, err := yukawaKernel(c)
	if err != nil {
		return nil, err
	}
	if m, ok := pre.Net.(*nn.MLP); !ok {
		return nil, errors.New("the yukawa process needs the mlp model")
	} else if m.Cfg.Out != c.Dim+1 {
		return nil, fmt.Errorf("yukawa: the network must output N+1 = %d numbers (denoiser and λ head), its MLP gives %d", c.Dim+1, m.Cfg.Out)
	}
	if c.FieldBatch < 1 {
		return nil, errors.New("yukawa: the config has no field batch (resolve it from the data first)")
	}
	b, n := c.Batch, c.Dim
	o := &yukawaObjective{c: c, net: pre.Net, sd: c.SigmaData, k: k,
		t: make([]float64, b), sigma: make([]float64, b),
		x: make([]float64, b*n), den: make([]float64, b*n), lam: make([]float64, b),
		noise: make([]float32, b*n), in: make([]float32, b*n),
		cn: make([]float32, b), tgt: make([]float32, b*(n+1)), w: make([]float32, b)}
	o.X, o.CN = ag.FromData(o.in, b, n), ag.FromData(o.cn, b)
	o.T, o.W = ag.FromData(o.tgt, b, n+1), ag.FromData(o.w, b)
	return o, nil
}

// useSource picks the charges the targets are computed against.
func (o *yukawaObjective) useSource(src *source) error {
	c := o.c
	n, b := c.Dim, c.Batch
	k := max(c.FieldBatch, b)
	o.src, o.whole = src, src.len() <= k
	if o.whole {
		o.charges = make([]float64, len(src.x))
		for i, v := range src.x {
			o.charges[i] = float64(v)
		}
	} else {
		o.charges = make([]float64, k*n)
		o.extra = make([]float32, (k-b)*n)
	}
	f, err := yukawa.NewFieldOf(o.k, o.charges[:n]) // the real charges are set per step
	if err != nil {
		return fmt.Errorf("yukawa: %w", err)
	}
	o.fld = f
	if o.whole {
		if err := o.fld.SetCharges(o.charges); err != nil {
			return fmt.Errorf("yukawa: training set: %w", err)
		}
	}
	return nil
}

func (o *yukawaObjective) Loss(tp *ag.Tape, rng *rand.Rand, y *ag.Tensor) (*ag.Tensor, error) {
	if o.src == nil {
		return nil, errors.New("yukawa: the objective was not given the training set (useSource)")
	}
	c, n := o.c, o.c.Dim
	for i := range o.sigma {
		s := math.Exp(c.PMean + c.PStd*rng.NormFloat64())
		if i%2 == 1 {
			s = math.Exp(math.Log(0.002) + rng.Float64()*math.Log(80/0.002))
		}
		o.sigma[i], o.t[i] = s, o.k.TOfSigma(s)
		o.cn[i] = float32(math.Log(s) / 4)
	}
	o.perturb(rng)
	for i, v := range y.Data {
		o.x[i] = float64(v) + float64(o.noise[i])
	}
	if !o.whole {
		for i, v := range y.Data {
			o.charges[i] = float64(v)
		}
		o.src.batch(rng, o.extra)
		for i, v := range o.extra {
			o.charges[len(y.Data)+i] = float64(v)
		}
		if err := o.fld.SetCharges(o.charges); err != nil {
			return nil, fmt.Errorf("yukawa: charges: %w", err)
		}
	}
	// The loss is a pure function of the batch: no cancellation mid-step.
	if err := o.fld.EvalEach(context.Background(), o.x, o.t, o.den, o.lam); err != nil {
		return nil, fmt.Errorf("yukawa: target: %w", err)
	}
	for i, s := range o.sigma {
		_, _, cIn := nn.PrecondCoeffs(s, o.sd)
		var r2 float64
		for j := i * n; j < (i+1)*n; j++ {
			o.in[j] = float32(cIn * o.x[j])
			r2 += o.x[j] * o.x[j]
		}
		o.w[i] = 1
		if r2 > farField(n, s) {
			o.w[i] = 0
		}
	}
	f := o.net.Forward(tp, o.X, o.CN)
	o.targets(f.Data)
	return tp.WeightedMSE(f, o.T, o.W), nil
}

// perturb fills o.noise: Yukawa-kernel draws on even rows, Coulomb-kernel
// draws on odd rows (see yukawaObjective).
func (o *yukawaObjective) perturb(rng *rand.Rand) {
	n := o.c.Dim
	for i, t := range o.t {
		row := o.noise[i*n : (i+1)*n]
		if i%2 == 0 {
			yukawa.Noise(o.k, rng, o.t[i:i+1], row)
		} else {
			yukawa.CoulombNoise(o.k, rng, []float64{t}, row)
		}
	}
}

// targets fills o.tgt from the perturbed points o.x, the exact field
// o.den, o.lam there and the network output f (for ρ*); see
// yukawaObjective.
func (o *yukawaObjective) targets(f []float32) {
	n, m := o.c.Dim, o.k.Process().M
	for i, s := range o.sigma {
		cSkip, cOut, _ := nn.PrecondCoeffs(s, o.sd)
		t := o.t[i]
		var d2 float64 // ‖x − D̂‖²
		for j := range n {
			x := o.x[i*n+j]
			o.tgt[i*(n+1)+j] = float32((o.den[i*n+j] - cSkip*x) / cOut)
			d := x - (cSkip*x + cOut*float64(f[i*(n+1)+j]))
			d2 += d * d
		}
		_, rs := o.k.LogH(m * math.Sqrt(d2+t*t))
		o.tgt[i*(n+1)+n] = float32((o.lam[i]*t - rs) / m)
	}
}
