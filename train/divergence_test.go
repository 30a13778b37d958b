package train

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pfgm/pfgm/data"
	"github.com/pfgm/pfgm/likelihood"
	"github.com/pfgm/pfgm/nn"
)

// randomPrecond is a small random MLP on 3-D points behind the EDM
// preconditioning.
func randomPrecond(t *testing.T) (*Config, *nn.Precond) {
	t.Helper()
	c := DefaultConfig()
	c.Dim = 3
	m := mlpConfig(3, 32)
	c.MLP = &m
	net, err := BuildModel(c, rand.New(rand.NewPCG(11, 12)))
	if err != nil {
		t.Fatal(err)
	}
	return &c, &nn.Precond{Net: net, SigmaData: c.SigmaData}
}

// The VJP of the network's denoiser against central finite differences of
// v·D(x) (float32 network: h = 10⁻², tolerance 2·10⁻³), with the weights
// left untouched (no gradient, flags restored).
func TestVJPFiniteDifferences(t *testing.T) {
	c, pre := randomPrecond(t)
	d, err := NewVJPDenoiser(c, pre, 2) // two chunks of 2 and 1 examples
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(13, 14))
	const np, n = 3, 3
	x, v := make([]float64, np*n), make([]float64, np*n)
	for i := range x {
		x[i], v[i] = rng.NormFloat64(), rng.NormFloat64()
	}
	ctx := context.Background()
	for _, sigma := range []float64{0.05, 0.7, 10} {
		out, vjp := make([]float64, len(x)), make([]float64, len(x))
		if err := d.DenoiseVJP(ctx, x, sigma, v, out, vjp); err != nil {
			t.Fatal(err)
		}
		plain := make([]float64, len(x))
		if err := d.Denoise(ctx, x, sigma, plain); err != nil {
			t.Fatal(err)
		}
		for i := range out {
			if math.Abs(out[i]-plain[i]) > 1e-6*math.Max(1, math.Abs(plain[i])) {
				t.Fatalf("σ=%v: DenoiseVJP's D %v ≠ Denoise's %v", sigma, out[i], plain[i])
			}
		}
		h := 1e-2
		xp, dp, dm := make([]float64, len(x)), make([]float64, len(x)), make([]float64, len(x))
		for i := range x {
			copy(xp, x)
			xp[i] += h
			if err := d.Denoise(ctx, xp, sigma, dp); err != nil {
				t.Fatal(err)
			}
			xp[i] -= 2 * h
			if err := d.Denoise(ctx, xp, sigma, dm); err != nil {
				t.Fatal(err)
			}
			p := i / n
			var fd float64
			for j := p * n; j < (p+1)*n; j++ {
				fd += v[j] * (dp[j] - dm[j]) / (2 * h)
			}
			if math.Abs(fd-vjp[i]) > 2e-3*math.Max(1, math.Abs(fd)) {
				t.Errorf("σ=%v component %d: VJP %.6f, finite differences %.6f", sigma, i, vjp[i], fd)
			}
		}
	}
	for _, p := range pre.Net.Params() {
		if !p.RequiresGrad {
			t.Fatalf("%s: RequiresGrad not restored", p.Name)
		}
		for _, g := range p.Grad {
			if g != 0 {
				t.Fatalf("%s: the VJP touched the weight gradient", p.Name)
			}
		}
	}
}

// The likelihood of a (random) network by exact VJP divergence, by
// Hutchinson with many probes, and by finite differences of the plain
// denoiser agree.
func TestNetworkLikelihoodPaths(t *testing.T) {
	c, pre := randomPrecond(t)
	d, err := NewVJPDenoiser(c, pre, 64)
	if err != nil {
		t.Fatal(err)
	}
	x := []float64{0.1, -0.5, 0.3, 1.2, 0.4, -0.9}
	opt := likelihood.DefaultOptions()
	opt.SigmaMin = 0.05
	ctx := context.Background()
	exact, err := likelihood.Estimate(ctx, d, x, opt)
	if err != nil {
		t.Fatal(err)
	}
	fd, err := likelihood.Estimate(ctx, pre.Denoiser(64), x, opt)
	if err != nil {
		t.Fatal(err)
	}
	opt.Probes = 256
	hu, err := likelihood.Estimate(ctx, d, x, opt)
	if err != nil {
		t.Fatal(err)
	}
	for p := range exact.LogP {
		if math.Abs(exact.LogP[p]-fd.LogP[p]) > 5e-3 {
			t.Errorf("point %d: exact %.5f, finite differences %.5f", p, exact.LogP[p], fd.LogP[p])
		}
		if math.Abs(exact.LogP[p]-hu.LogP[p]) > 0.05 {
			t.Errorf("point %d: exact %.5f, Hutchinson (256 probes) %.5f", p, exact.LogP[p], hu.LogP[p])
		}
	}
	t.Logf("nll exact %.5f, fd %.5f, hutchinson %.5f; nfe %.0f %.0f %.0f", exact.NLL, fd.NLL, hu.NLL, exact.NFEMean, fd.NFEMean, hu.NFEMean)
}

// oddGaussian is the 2-D Gaussian of the end-to-end check: mean (3, −50),
// std (0.2, 40), correlation 0.8.
var oddGaussian = struct {
	mu, s [2]float64
	rho   float64
}{[2]float64{3, -50}, [2]float64{0.2, 40}, 0.8}

func drawOdd(rng *rand.Rand, n int) []float64 {
	g := oddGaussian
	x := make([]float64, 2*n)
	for i := range n {
		a, b := rng.NormFloat64(), rng.NormFloat64()
		x[2*i] = g.mu[0] + g.s[0]*a
		x[2*i+1] = g.mu[1] + g.s[1]*(g.rho*a+math.Sqrt(1-g.rho*g.rho)*b)
	}
	return x
}

// exactNLL is the mean −log N(x; μ, Σ) of the points.
func exactNLL(x []float64) float64 {
	g := oddGaussian
	var s float64
	for i := 0; i < len(x); i += 2 {
		z0 := (x[i] - g.mu[0]) / g.s[0]
		z1 := (x[i+1] - g.mu[1]) / g.s[1]
		q := (z0*z0 - 2*g.rho*z0*z1 + z1*z1) / (1 - g.rho*g.rho)
		s += q/2 + math.Log(2*math.Pi*g.s[0]*g.s[1]*math.Sqrt(1-g.rho*g.rho))
	}
	return s / float64(len(x)/2)
}

// End to end: an MLP trained 3,000 steps on a correlated 2-D Gaussian in
// odd units gives a test NLL, in the data's units, within 0.08 nats of the
// exact one, at D = ∞ and D = 128.
func TestTrainedGaussianNLL(t *testing.T) {
	if testing.Short() {
		t.Skip("trains two models for 3,000 steps")
	}
	dir := t.TempDir()
	train := filepath.Join(dir, "train.csv")
	var b strings.Builder
	b.WriteString("x,y\n")
	tr := drawOdd(rand.New(rand.NewPCG(21, 22)), 10000)
	for i := 0; i < len(tr); i += 2 {
		fmt.Fprintf(&b, "%.9g,%.9g\n", tr[i], tr[i+1])
	}
	if err := os.WriteFile(train, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	test := drawOdd(rand.New(rand.NewPCG(23, 24)), 2000)
	want := exactNLL(test)
	for _, D := range []float64{math.Inf(1), 128} {
		c := DefaultConfig()
		c.Data, c.D, c.Steps, c.CheckpointEvery = train, D, 3000, 0
		run := filepath.Join(dir, fmt.Sprint(D))
		if _, err := Train(context.Background(), &c, Options{Dir: run}); err != nil {
			t.Fatal(err)
		}
		m, err := Open(run)
		if err != nil {
			t.Fatal(err)
		}
		den, opt, err := m.Likelihood(0)
		if err != nil {
			t.Fatal(err)
		}
		x := append([]float64(nil), test...)
		if err := m.Config.Standardize.Apply(&data.Points{Dim: 2, X: x}); err != nil {
			t.Fatal(err)
		}
		res, err := likelihood.Estimate(context.Background(), den, x, opt)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("D=%v: nll %.4f ± %.4f, exact %.4f, gap %+.4f, nfe_mean %.0f", D, res.NLL, res.StdErr, want, res.NLL-want, res.NFEMean)
		if math.Abs(res.NLL-want) > 0.08 {
			t.Errorf("D=%v: nll %.4f, exact %.4f: gap %.4f > 0.08 nats", D, res.NLL, want, res.NLL-want)
		}
	}
}

// A pfgm-field run integrates its own ODE dx/dz = E_x/E_z: D = 1, from
// z_min = 10⁻³ to the run's z_max. After a short training the moons must
// be more likely than the same points moved off them.
func TestFieldRunLikelihood(t *testing.T) {
	c := fieldConfig(300)
	dir := t.TempDir()
	if _, err := Train(context.Background(), c, Options{Dir: dir}); err != nil {
		t.Fatal(err)
	}
	m, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	den, opt, err := m.Likelihood(0)
	if err != nil {
		t.Fatal(err)
	}
	if opt.D != 1 || opt.SigmaMax != m.Config.Classic.ZMax || opt.SigmaMin != 1e-3 || opt.FDStep != 1e-2 {
		t.Fatalf("options D=%v, z range %v…%v, FD step %v; want D=1, 1e-3…%v, 1e-2", opt.D, opt.SigmaMin, opt.SigmaMax, opt.FDStep, m.Config.Classic.ZMax)
	}
	p, err := data.Toy("moons", 100, rand.New(rand.NewPCG(41, 42)))
	if err != nil {
		t.Fatal(err)
	}
	off := p.Clone()
	for i := 0; i < len(off.X); i += 2 {
		off.X[i+1] += 3
	}
	var nll [2]float64
	for k, q := range []*data.Points{p, off} {
		if err := m.Config.Standardize.Apply(q); err != nil {
			t.Fatal(err)
		}
		opt.Rtol, opt.Atol = 1e-3, 1e-3
		res, err := likelihood.Estimate(context.Background(), den, q.X, opt)
		if err != nil {
			t.Fatal(err)
		}
		nll[k] = res.NLL
		t.Logf("nll %.3f, nfe_mean %.0f", res.NLL, res.NFEMean)
	}
	if math.IsNaN(nll[0]) || !(nll[0] < nll[1]-1) {
		t.Errorf("nll on the moons %.3f, off them %.3f: want the moons more likely by > 1 nat", nll[0], nll[1])
	}
}
