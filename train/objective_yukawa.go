package train

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/pfgm/pfgm/ag"
	"github.com/pfgm/pfgm/data"
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
// Denoiser loss. EDM's λ(σ)·‖c_skip·x + c_out·F − y‖² equals
// ‖F − (y − c_skip·x)/c_out‖² because λ(σ)·c_out² = 1: the loss is written
// in that "effective target" form on the first N outputs, which needs no
// slicing of the network output and is the same function of the weights.
//
// λ head. λ = (1/t)·E[r(mρ_i)] under the posterior over charges (r(z) =
// z·K_ν(z)/K_(ν+1)(z) = m²Gρ/(−G'), §3.8), so r(mρ_y)/t at the sampled pair
// is an unbiased target. The sampler's ray quadrature integrates
// λt − r(mρ*) with ρ* = √(‖x − D_Y‖² + t²) (yukawa.Sample), and λt itself
// grows like m·t (thousands at t_max): a float32 head predicting λt would
// put errors of order one into every log-weight. So the head predicts the
// small residual on the scale m:
//
//	λ·t = r(m·ρ*) + m·F_N,   target F_N = (r(m·ρ_y) − r(m·ρ*))/m,
//
// with ρ* from the network's own current denoiser output (held fixed, not
// differentiated). Its conditional mean given x is (λt − r(mρ*))/m, O(1) or
// smaller for all t (it vanishes where the field lines are straight rays),
// and it gets the weight of one denoiser coordinate.
type yukawaObjective struct {
	c   *Config
	net nn.Model
	sd  float64
	k   *yukawa.Kernel

	t, sigma  []float64
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
		return nil, err
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
	b, n := c.Batch, c.Dim
	o := &yukawaObjective{c: c, net: pre.Net, sd: c.SigmaData, k: k,
		t: make([]float64, b), sigma: make([]float64, b),
		noise: make([]float32, b*n), in: make([]float32, b*n),
		cn: make([]float32, b), tgt: make([]float32, b*(n+1)), w: make([]float32, b)}
	for i := range o.w {
		o.w[i] = 1
	}
	o.X, o.CN = ag.FromData(o.in, b, n), ag.FromData(o.cn, b)
	o.T, o.W = ag.FromData(o.tgt, b, n+1), ag.FromData(o.w, b)
	return o, nil
}

// precond returns EDM's c_skip, c_out and c_in at σ (DESIGN §3.6).
func precond(sigma, sd float64) (cSkip, cOut, cIn float64) {
	q := sigma*sigma + sd*sd
	return sd * sd / q, sigma * sd / math.Sqrt(q), 1 / math.Sqrt(q)
}

func (o *yukawaObjective) Loss(tp *ag.Tape, rng *rand.Rand, y *ag.Tensor) *ag.Tensor {
	c, n := o.c, o.c.Dim
	for i := range o.sigma {
		s := math.Exp(c.PMean + c.PStd*rng.NormFloat64())
		o.sigma[i], o.t[i] = s, o.k.TOfSigma(s)
		o.cn[i] = float32(math.Log(s) / 4)
	}
	yukawa.Noise(o.k, rng, o.t, o.noise)
	for i := range o.sigma {
		_, _, cIn := precond(o.sigma[i], o.sd)
		for j := i * n; j < (i+1)*n; j++ {
			o.in[j] = float32(cIn * float64(y.Data[j]+o.noise[j]))
		}
	}
	f := o.net.Forward(tp, o.X, o.CN)
	o.targets(y.Data, f.Data)
	return tp.WeightedMSE(f, o.T, o.W)
}

// targets fills o.tgt from the data y, the perturbations o.noise and the
// network output f (for ρ*); see yukawaObjective.
func (o *yukawaObjective) targets(y, f []float32) {
	n, m := o.c.Dim, o.k.Process().M
	for i, s := range o.sigma {
		cSkip, cOut, _ := precond(s, o.sd)
		t := o.t[i]
		var r2, d2 float64 // ‖x − y‖², ‖x − D̂‖²
		for j := range n {
			yj, e := float64(y[i*n+j]), float64(o.noise[i*n+j])
			x := yj + e
			fj := float64(f[i*(n+1)+j])
			o.tgt[i*(n+1)+j] = float32((yj - cSkip*x) / cOut)
			d := x - (cSkip*x + cOut*fj)
			r2 += e * e
			d2 += d * d
		}
		o.tgt[i*(n+1)+n] = float32(lambdaResidual(o.k, m, t, r2, d2))
	}
}

// lambdaResidual is (r(m√(r2+t²)) − r(m√(d2+t²)))/m: the per-pair λ-head
// target with r2 = ‖x − y‖² and d2 = ‖x − D̂‖².
func lambdaResidual(k *yukawa.Kernel, m, t, r2, d2 float64) float64 {
	_, ry := k.LogH(m * math.Sqrt(r2+t*t))
	_, rs := k.LogH(m * math.Sqrt(d2+t*t))
	return (ry - rs) / m
}

// netYukawa is the network as a yukawa.Model: D_Y and λ from the two
// heads, and the initial log-ratio of a point charge at the data mean
// (the origin: point data are standardised).
type netYukawa struct {
	c      *Config
	net    nn.Model
	k      *yukawa.Kernel
	batch  int
	center []float64

	tape   *ag.Tape
	in, cn []float32
}

func newNetYukawa(c *Config, pre *nn.Precond, k *yukawa.Kernel, batch int) *netYukawa {
	if batch < 1 {
		batch = 256
	}
	return &netYukawa{c: c, net: pre.Net, k: k, batch: batch, center: make([]float64, c.Dim),
		tape: ag.NewInferenceTape(), in: make([]float32, batch*c.Dim), cn: make([]float32, batch)}
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
	cSkip, cOut, cIn := precond(sigma, f.c.SigmaData)
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
			for j, v := range xq {
				c2 += (v - f.center[j]) * (v - f.center[j])
			}
			if c2 > far {
				// Far field: the point charge at the mean, D_Y = center,
				// λt = r(mρ) (see farField).
				copy(den[(lo+q)*n:(lo+q+1)*n], f.center)
				if lambda != nil {
					_, rc := f.k.LogH(m * math.Sqrt(c2+t*t))
					lambda[lo+q] = rc / t
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
		// The point charge sits at the network's own D_Y(x, t_max) rather
		// than the data mean: both are exact as t_max → ∞, but this one
		// cancels the sampler's telescoped −log h(mρ*) at t_max exactly,
		// whereas with the mean a far-out particle (‖x‖ ~ 100·t_max on
		// D = 1's heavy tail) turns a denoiser error δ into a log-weight
		// error m·δ·‖x‖/ρ — it collapsed the weights onto one particle.
		for q := range logRatio {
			var d2 float64
			for j := range n {
				d := x[q*n+j] - den[q*n+j]
				d2 += d * d
			}
			logRatio[q], _ = f.k.LogH(m * math.Sqrt(d2+t*t))
		}
	}
	return nil
}

// farField is the squared distance from the data mean beyond which the
// network is replaced by the field of a point charge at the mean: 6 kernel
// RMS radii plus 4 data standard deviations (the data are standardised).
// The Coulomb prior has heavy tails (for D = 1 one particle in a hundred
// starts beyond 100·t_max), far outside anything training perturbs to —
// the Yukawa kernel is cut off at ρ ~ t + 1/m — and there an untrained
// denoiser leaves particles stranded far from the data, where the last
// denoise step hands them weights of e^(m·distance). The point-charge
// field is the exact far field up to O(data spread / distance).
func farField(n int, sigma float64) float64 {
	r := 6*sigma*math.Sqrt(float64(n)) + 4*math.Sqrt(float64(n))
	return r * r
}

// yukawaOptions maps the σ range of opt to the t grid through σ_eq and
// keeps Heun's step count and ρ; resampling below ESS/n = ½.
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
// sampler: a Coulomb prior around the data mean at t_max = σ_eq⁻¹(σ_max),
// initial log-weights from the point-charge ratio, the network's D_Y and λ
// heads along the way (yukawa.Sample), resampled to equal weights at the
// end. Result.Sigmas are σ_eq of the t grid.
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
	f := newNetYukawa(c, pre, k, batch)
	x := k.PointPrior(rng, n, f.center, yo.TMax)
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
	out := yr.Samples
	if c.Standardize != nil {
		if err := c.Standardize.Invert(&data.Points{Dim: c.Dim, X: out}); err != nil {
			return nil, res, yr, err
		}
	}
	return out, res, yr, nil
}
