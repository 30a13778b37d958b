package train

import (
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
// t_max = 25). The sampler therefore keeps FieldBatch points of the
// training set (priorCharges, stored in the run by yukawa_prior.go): the
// prior is their Coulomb flux (yukawa.Field.Prior), the initial
// log-weights their exact ratio, and beyond the far-field radius, which training does not cover, their field
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
// sampler: the Coulomb prior of the charges (a subsample of the training
// set, priorCharges) at t_max = σ_eq⁻¹(σ_max) with its exact initial
// log-ratio, the network's D_Y and λ heads along the way (yukawa.Sample),
// resampled to equal weights at the end. Result.Sigmas are σ_eq of the t
// grid; Result.Weights holds the weight diagnostics.
func sampleYukawa(ctx context.Context, c *Config, pre *nn.Precond, charges []float64, n, batch int, opt sampler.Options, rng *rand.Rand) ([]float64, SampleResult, error) {
	x, res, _, err := sampleYukawaFull(ctx, c, pre, charges, n, batch, opt, rng)
	return x, res, err
}

// sampleYukawaFull is sampleYukawa that also returns the yukawa result
// (the weighted particles before the final resampling).
func sampleYukawaFull(ctx context.Context, c *Config, pre *nn.Precond, charges []float64, n, batch int, opt sampler.Options, rng *rand.Rand) ([]float64, SampleResult, yukawa.Result, error) {
	k, err := yukawaKernel(c)
	if err != nil {
		return nil, SampleResult{}, yukawa.Result{}, err
	}
	yo, err := yukawaOptions(k, opt)
	if err != nil {
		return nil, SampleResult{}, yukawa.Result{}, err
	}
	far, err := yukawa.NewFieldOf(k, charges)
	if err != nil {
		return nil, SampleResult{}, yukawa.Result{}, fmt.Errorf("yukawa: prior charges: %w", err)
	}
	f := newNetYukawa(c, pre, k, far, batch)
	x := far.Prior(rng, n, yo.TMax)
	yr, err := yukawa.Sample(ctx, f, x, rng, yo)
	res := SampleResult{Result: sampler.Result{NFE: yr.NFE, Trajectory: yr.Trajectory}}
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
	res.Weights = &WeightDiagnostics{FinalESS: yr.FinalESS, MinESS: yr.MinESS, ParetoK: yr.ParetoK,
		Resamplings: yr.Resamplings, Warning: yr.Warning()}
	if err := c.unstandardize(yr.Samples); err != nil {
		return nil, res, yr, err
	}
	return yr.Samples, res, yr, nil
}
