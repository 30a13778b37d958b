package train

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/pfgm/pfgm/nn"
	"github.com/pfgm/pfgm/sampler"
)

func yukawaTiny(steps int) *Config {
	c := tinyConfig(1, steps)
	c.Data, c.Process, c.M = "toy:2clusters", ProcessYukawa, 1
	c.ToyCount = 400 // the targets use all of them as charges
	c.MLP = &nn.MLPConfig{N: 2, Width: 128, Emb: 32, Out: 3}
	return c
}

// The targets must be the exact field of the charges, computed here by
// brute force from the kernel (weights ∝ the kernel density, three charges
// making up the whole training set): the denoiser head's effective target
// (D_Y − c_skip·x)/c_out and the λ head's (λt − r(mρ*))/m, for an
// arbitrary current D̂.
func TestYukawaTargetsBruteForce(t *testing.T) {
	ys := []float64{-1, 0.2, 0.5, -0.7, 1.5, 1}
	c := yukawaTiny(1)
	c.Dim, c.Batch, c.FieldBatch = 2, 1, DefaultFieldBatch
	src := &source{dim: 2}
	for _, v := range ys {
		src.x = append(src.x, float32(v))
	}
	for _, tc := range []struct{ m, t float64 }{{1, 0.4}, {3, 2}, {0.3, 5}} {
		c.M = tc.m
		pre := &nn.Precond{Net: nn.NewMLP(*c.MLP, rand.New(rand.NewPCG(1, 2))), SigmaData: c.SigmaData}
		obj, err := newYukawaObjective(c, pre)
		if err != nil {
			t.Fatal(err)
		}
		o := obj.(*yukawaObjective)
		if err := o.useSource(src); err != nil {
			t.Fatal(err)
		}
		if !o.whole {
			t.Fatal("three charges should be used whole")
		}
		k := o.k
		x := []float64{0.3, -0.4}
		copy(o.x, x)
		o.t[0], o.sigma[0] = tc.t, k.SigmaEq(tc.t)
		if err := o.fld.EvalEach(context.Background(), o.x, o.t, o.den, o.lam); err != nil {
			t.Fatal(err)
		}
		f := []float32{0.7, -1.1, 0} // network output: D̂ = c_skip·x + c_out·f
		o.targets(f)

		cSkip, cOut, _ := nn.PrecondCoeffs(o.sigma[0], c.SigmaData)
		var wsum, lt float64
		var dy [2]float64
		for i := range 3 {
			y := ys[2*i : 2*i+2]
			r2 := (x[0]-y[0])*(x[0]-y[0]) + (x[1]-y[1])*(x[1]-y[1])
			rho := math.Sqrt(r2 + tc.t*tc.t)
			w := math.Exp(k.LogDensity(rho))
			_, r := k.LogH(tc.m * rho)
			wsum += w
			lt += w * r
			dy[0] += w * y[0]
			dy[1] += w * y[1]
		}
		var d2 float64
		for j := range 2 {
			dh := cSkip*x[j] + cOut*float64(f[j])
			d2 += (x[j] - dh) * (x[j] - dh)
			want := (dy[j]/wsum - cSkip*x[j]) / cOut
			if got := float64(o.tgt[j]); math.Abs(got-want) > 1e-5*math.Max(1, math.Abs(want)) {
				t.Errorf("m=%v t=%v: denoiser target %d is %.7g, want %.7g", tc.m, tc.t, j, got, want)
			}
		}
		_, rs := k.LogH(tc.m * math.Sqrt(d2+tc.t*tc.t))
		want := (lt/wsum - rs) / tc.m
		if got := float64(o.tgt[2]); math.Abs(got-want) > 1e-5*math.Max(1, math.Abs(want)) {
			t.Errorf("m=%v t=%v: λ target is %.7g, want %.7g", tc.m, tc.t, got, want)
		}
	}
}

// The effective-target form of the denoiser loss is EDM's λ(σ)‖D − y‖².
func TestEffectiveTargetIsEDMLoss(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	const sd = 0.5
	for range 20 {
		s := math.Exp(rng.NormFloat64() * 2)
		x, y, f := rng.NormFloat64()*3, rng.NormFloat64(), rng.NormFloat64()
		cSkip, cOut, _ := nn.PrecondCoeffs(s, sd)
		edm := (s*s + sd*sd) / (s * sd * s * sd) * math.Pow(cSkip*x+cOut*f-y, 2)
		eff := math.Pow(f-(y-cSkip*x)/cOut, 2)
		if math.Abs(edm-eff) > 1e-9*math.Max(1, edm) {
			t.Fatalf("σ=%v: EDM %v, effective %v", s, edm, eff)
		}
	}
}

// leftShare is the fraction of points with x₀ < 0 (the 80 % cluster of
// toy:2clusters sits at x₀ = −2).
func leftShare(x []float64) float64 {
	var c int
	for i := 0; i < len(x); i += 2 {
		if x[i] < 0 {
			c++
		}
	}
	return float64(c) / float64(len(x)/2)
}

// A short Yukawa training run (m = 1, D = 1, 4000 steps of batch 64 on
// 400 points, ~15 s of CPU) must reproduce the 80/20 split of
// toy:2clusters within 0.06 and with half the untrained network's error.
//
// History: perturbing with the Yukawa kernel only, single-pair targets and
// a point-charge prior gave 0.58. Now half the batch is Coulomb-perturbed,
// the targets are the exact field of all 400 charges, and the prior and
// initial ratio come from the exact field of the training set (the point
// charge misses the e^(m·u·y) tilt of the far field). Measured with
// resampling only at the end (the sampler's default): 0.792 (seed 3/4),
// untrained 0.881. Measured earlier, with resampling below ESS/n = ½: 0.786
// (0.812 with training seed 99 and sampling seed 7/8), untrained 0.89; the
// sampler takes 40 Heun steps because with 18 even the exact field gave 0.77
// here (0.79 with 40), t_max = 25 on standardised data; with a random
// 256-charge subsample of 1000 points instead of all charges it gave 0.74.
func TestYukawaTrainingSplit(t *testing.T) {
	ctx := context.Background()
	opt := sampler.DefaultOptions()
	opt.SigmaMax = 5 // t_max = 25 at m = 1
	opt.Steps = 40
	run := func(c *Config) (float64, *WeightDiagnostics) {
		dir := t.TempDir()
		if _, err := Train(ctx, c, Options{Dir: dir}); err != nil {
			t.Fatal(err)
		}
		m, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		x, res, err := m.Sample(ctx, 2000, 500, opt, rand.New(rand.NewPCG(3, 4)))
		if err != nil {
			t.Fatal(err)
		}
		if res.Weights == nil {
			t.Fatal("a Yukawa run's sample result has no weight diagnostics")
		}
		return leftShare(x), res.Weights
	}
	untrained := yukawaTiny(1)
	untrained.LR = 1e-12
	fu, _ := run(untrained)
	ft, yr := run(yukawaTiny(4000))
	t.Logf("left share: untrained %.3f, trained %.3f (ESS final %.2f, min %.2f, %d resamplings)", fu, ft, yr.FinalESS, yr.MinESS, yr.Resamplings)
	if math.Abs(ft-0.8) > 0.06 || math.Abs(ft-0.8) > math.Abs(fu-0.8)/2 {
		t.Errorf("trained split %.3f (untrained %.3f): want within 0.06 of 0.80 and half the untrained error", ft, fu)
	}
}
