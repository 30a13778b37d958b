package train

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/pfgm/pfgm/ag"
	"github.com/pfgm/pfgm/nn"
	"github.com/pfgm/pfgm/sampler"
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
	return yukawa.Process{M: c.M, D: int(c.D)}.Kernel(c.Dim)
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
	if err := c.defaultFieldBatch(); err != nil {
		return nil, err
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

func (o *yukawaObjective) Loss(tp *ag.Tape, rng *rand.Rand, y *ag.Tensor) *ag.Tensor {
	if o.src == nil {
		panic("train: the yukawa objective was not given the training set (useSource)")
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
			panic(fmt.Sprintf("train: yukawa charges: %v", err))
		}
	}
	// The loss is a pure function of the batch: no cancellation mid-step.
	if err := o.fld.EvalEach(context.Background(), o.x, o.t, o.den, o.lam); err != nil {
		panic(fmt.Sprintf("train: yukawa target: %v", err))
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
	return tp.WeightedMSE(f, o.T, o.W)
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

// netYukawa is the network as a yukawa.Model: D_Y and λ from the two
// heads inside the far-field radius, and the exact field of a subsample of
// the training set (far) beyond it and for the initial log-ratio.
//
// Why the charges. A point charge at the data mean is not the far field of
// a Yukawa charge set, however large t_max: h(mρ_i)/h(mρ_c) tends to
// e^(m·u·(y_i − c)) with u the direction of x, so the flux far out is the
// point charge's tilted by the data's moment generating function
// E[e^(m·u·y)], a factor that depends on the direction and so on which
// cluster a particle is heading for. With the point-charge ratio even the
// exact field gave 0.69 instead of 0.80 on toy:2clusters (m = 1,
// t_max = 25). The sampler therefore reloads the run's training set and
// keeps FieldBatch points of it: the prior is their Coulomb flux
// (yukawa.Field.Prior), the initial log-weights their exact ratio, and
// beyond the far-field radius, which training does not cover, their field
// replaces the network's. Where the samples are decided, near the data,
// the field is the network's.
type netYukawa struct {
	c     *Config
	net   nn.Model
	k     *yukawa.Kernel
	far   *yukawa.Field
	batch int

	tape   *ag.Tape
	in, cn []float32
	fd, fl []float64 // the far field at one query
}

func newNetYukawa(c *Config, pre *nn.Precond, k *yukawa.Kernel, far *yukawa.Field, batch int) *netYukawa {
	if batch < 1 {
		batch = 256
	}
	return &netYukawa{c: c, net: pre.Net, k: k, far: far, batch: batch,
		tape: ag.NewInferenceTape(), in: make([]float32, batch*c.Dim), cn: make([]float32, batch),
		fd: make([]float64, c.Dim), fl: make([]float64, 1)}
}

// priorCharges reloads the run's training set and returns the exact field
// of at most c.FieldBatch of its points (evenly strided; toy sets are
// shuffled anyway).
func priorCharges(c *Config, k *yukawa.Kernel) (*yukawa.Field, error) {
	src, err := openSource(c)
	if err != nil {
		return nil, fmt.Errorf("yukawa: sampling needs the run's training set for its prior: %w", err)
	}
	kc := cmp.Or(c.FieldBatch, DefaultFieldBatch)
	nr, n := src.len(), c.Dim
	stride := max(1, nr/kc)
	ys := make([]float64, 0, min(nr, kc)*n)
	for i := 0; i < nr && len(ys) < kc*n; i += stride {
		for _, v := range src.x[i*n : (i+1)*n] {
			ys = append(ys, float64(v))
		}
	}
	f, err := yukawa.NewFieldOf(k, ys)
	if err != nil {
		return nil, fmt.Errorf("yukawa: prior charges: %w", err)
	}
	return f, nil
}

func (f *netYukawa) Dim() int               { return f.c.Dim }
func (f *netYukawa) Kernel() *yukawa.Kernel { return f.k }

// Eval follows yukawa.Field.Eval's contract with the network's heads.
func (f *netYukawa) Eval(ctx context.Context, x []float64, t float64, den, lambda, logRatio []float64) error {
	n := f.c.Dim
	nq := len(x) / n
	if len(x) != nq*n || len(den) != len(x) {
		return fmt.Errorf("yukawa net: %d inputs and %d outputs for dimension %d", len(x), len(den), n)
	}
	sigma := f.k.SigmaEq(t)
	cSkip, cOut, cIn := nn.PrecondCoeffs(sigma, f.c.SigmaData)
	m := f.k.Process().M
	far := farField(n, sigma)
	for lo := 0; lo < nq; lo += f.batch {
		if err := ctx.Err(); err != nil {
			return err
		}
		cb := min(f.batch, nq-lo)
		in, cn := f.in[:cb*n], f.cn[:cb]
		for i, v := range x[lo*n : (lo+cb)*n] {
			in[i] = float32(cIn * v)
		}
		for i := range cn {
			cn[i] = float32(math.Log(sigma) / 4)
		}
		f.tape.Reset()
		out := f.net.Forward(f.tape, f.tape.Const(in, cb, n), f.tape.Const(cn, cb)).Data
		for q := range cb {
			xq := x[(lo+q)*n : (lo+q+1)*n]
			var c2 float64
			for _, v := range xq {
				c2 += v * v
			}
			if c2 > far {
				// Far field: the subsample's exact field (see farField).
				if err := f.far.Eval(ctx, xq, t, f.fd, f.fl, nil); err != nil {
					return err
				}
				copy(den[(lo+q)*n:(lo+q+1)*n], f.fd)
				if lambda != nil {
					lambda[lo+q] = f.fl[0]
				}
				continue
			}
			var d2 float64
			for j, xv := range xq {
				d := cSkip*xv + cOut*float64(out[q*(n+1)+j])
				den[(lo+q)*n+j] = d
				d2 += (xv - d) * (xv - d)
			}
			if lambda != nil {
				_, rs := f.k.LogH(m * math.Sqrt(d2+t*t))
				lambda[lo+q] = max(rs+m*float64(out[q*(n+1)+n]), 0) / t
			}
		}
	}
	if logRatio != nil {
		// The exact ratio of the subsample's Yukawa and Coulomb fluxes: the
		// prior is drawn from the latter (see netYukawa).
		d := make([]float64, len(x))
		if err := f.far.Eval(ctx, x, t, d, nil, logRatio); err != nil {
			return err
		}
	}
	return nil
}

// farField is the squared distance from the data mean (the origin: point
// data are standardised) beyond which the network is replaced by the
// subsample's exact field: 6 kernel RMS radii plus 4 data standard
// deviations. The Coulomb prior has heavy tails (for D = 1 one particle in
// a hundred starts beyond 100·t_max), far outside anything an MLP can be
// trained to cover, and there an untrained denoiser leaves particles
// stranded far from the data, where the last denoise step hands them
// weights of e^(m·distance). Training gives such points weight 0.
func farField(n int, sigma float64) float64 {
	r := 6*sigma*math.Sqrt(float64(n)) + 4*math.Sqrt(float64(n))
	return r * r
}

// yukawaOptions maps the σ range of opt to the t grid through σ_eq and
// keeps Heun's step count and ρ; resampling only at the end (the flow is
// deterministic, see yukawa.Options).
func yukawaOptions(k *yukawa.Kernel, opt sampler.Options) (yukawa.Options, error) {
	if opt.Solver != sampler.Heun || opt.Alpha != 0 {
		return yukawa.Options{}, errors.New("yukawa runs sample with Heun and no noise injection")
	}
	o := yukawa.DefaultOptions()
	o.Steps, o.Rho, o.Record = opt.Steps, opt.Rho, opt.Record
	o.TMin, o.TMax = k.TOfSigma(opt.SigmaMin), k.TOfSigma(opt.SigmaMax)
	return o, nil
}

// sampleYukawa draws n samples from a Yukawa run with the weighted-particle
// sampler: the Coulomb prior of a subsample of the training set at
// t_max = σ_eq⁻¹(σ_max) with its exact initial log-ratio (priorCharges),
// the network's D_Y and λ heads along the way (yukawa.Sample), resampled
// to equal weights at the end. Result.Sigmas are σ_eq of the t grid.
func sampleYukawa(ctx context.Context, c *Config, pre *nn.Precond, n, batch int, opt sampler.Options, rng *rand.Rand) ([]float64, sampler.Result, error) {
	x, res, _, err := sampleYukawaFull(ctx, c, pre, n, batch, opt, rng)
	return x, res, err
}

// sampleYukawaFull is sampleYukawa that also returns the yukawa result
// (weights and effective sample sizes).
func sampleYukawaFull(ctx context.Context, c *Config, pre *nn.Precond, n, batch int, opt sampler.Options, rng *rand.Rand) ([]float64, sampler.Result, yukawa.Result, error) {
	k, err := yukawaKernel(c)
	if err != nil {
		return nil, sampler.Result{}, yukawa.Result{}, err
	}
	yo, err := yukawaOptions(k, opt)
	if err != nil {
		return nil, sampler.Result{}, yukawa.Result{}, err
	}
	far, err := priorCharges(c, k)
	if err != nil {
		return nil, sampler.Result{}, yukawa.Result{}, err
	}
	f := newNetYukawa(c, pre, k, far, batch)
	x := far.Prior(rng, n, yo.TMax)
	yr, err := yukawa.Sample(ctx, f, x, rng, yo)
	res := sampler.Result{NFE: yr.NFE, Trajectory: yr.Trajectory}
	for _, t := range yr.Times {
		s := 0.0
		if t > 0 {
			s = k.SigmaEq(t)
		}
		res.Sigmas = append(res.Sigmas, s)
	}
	if err != nil {
		return nil, res, yr, err
	}
	if err := c.unstandardize(yr.Samples); err != nil {
		return nil, res, yr, err
	}
	return yr.Samples, res, yr, nil
}
