package yukawa

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/pfgm/pfgm/data"
	"github.com/pfgm/pfgm/field"
	"github.com/pfgm/pfgm/sampler"
)

// leftFraction is the share of points with x₀ < 0 (the 80 % cluster of
// data.TwoClusters() is centred at (−2, 0), the 20 % one at (2, 0)).
func leftFraction(x []float64, dim int) float64 {
	var c int
	for i := 0; i < len(x); i += dim {
		if x[i] < 0 {
			c++
		}
	}
	return float64(c) / float64(len(x)/dim)
}

func twoClusters(t *testing.T, k int) *data.Points {
	t.Helper()
	p, err := data.Toy("2clusters", k, newRNG(11))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// scaled returns the points multiplied by s.
func scaled(p *data.Points, s float64) []float64 {
	y := append([]float64(nil), p.X...)
	for i := range y {
		y[i] *= s
	}
	return y
}

// sampleExact runs Sample with the exact field of the charges (2-D) under
// Yukawa(m, D = 1), from n prior draws of the given seed.
func sampleExact(t *testing.T, charges []float64, m float64, n int, seed uint64, opt Options) Result {
	t.Helper()
	f, err := NewField(charges, 2, Process{M: m, D: 1})
	if err != nil {
		t.Fatal(err)
	}
	rng := newRNG(seed)
	x := f.Prior(rng, n, opt.TMax)
	res, err := Sample(context.Background(), f, x, rng, opt)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// Exact Yukawa sampling must reproduce the 80/20 split; without the weights
// it must not (DESIGN §3.8: the naive sampler gave 0.62–0.77).
//
// What matters is m·L, L the distance between the clusters: the clusters
// here are data.TwoClusters() quartered (at (±0.5, 0), std 0.05, L = 1), so
// m ∈ {0.3, 1, 3} spans m·L from 0.3 to 3, where over seeds 1–8 at m = 3
// the share stayed within 0.787–0.816 (ESS 0.68–0.73, k̂ ≤ 0.40). At
// m·L = 6 it did not: one seed in eight collapsed to 0.517 (ESS 0.00).
// TestHeavyTailFlagged shows what happens beyond.
//
// Tolerance: 4000 particles with a final ESS ≥ 25 % have a binomial
// standard error ≤ √(0.16/1000) = 0.013 on the fraction, so ±0.04 is 3σ;
// k̂ < 0.7 says that ESS can be trusted.
func TestTwoClustersProportions(t *testing.T) {
	const n, tol = 4000, 0.04
	ys := scaled(twoClusters(t, 200), 0.25)
	var worstNaive float64
	for _, m := range []float64{0.3, 1, 3} {
		opt := DefaultOptions()
		for _, unweighted := range []bool{false, true} {
			opt.Unweighted = unweighted
			res := sampleExact(t, ys, m, n, 5, opt)
			frac := leftFraction(res.Samples, 2)
			t.Logf("m=%v unweighted=%v: left %.3f, NFE %d, ESS final %.2f, k̂ %.2f",
				m, unweighted, frac, res.NFE, res.FinalESS, res.ParetoK)
			if res.NFE != 2*opt.Steps-1 {
				t.Errorf("NFE = %d, want %d", res.NFE, 2*opt.Steps-1)
			}
			if unweighted {
				worstNaive = math.Max(worstNaive, math.Abs(frac-0.8))
				continue
			}
			if res.FinalESS < 0.25 {
				t.Errorf("m=%v: final ESS %.2f, below the 25 %% the tolerance assumes", m, res.FinalESS)
			}
			if math.Abs(frac-0.8) > tol {
				t.Errorf("m=%v: weighted sampler gives %.3f in the 80%% cluster, want 0.80 ± %.2f", m, frac, tol)
			}
			if !(res.ParetoK < 0.7) {
				t.Errorf("m=%v: Pareto k̂ = %.2f, want < 0.7 (a trustworthy weight tail)", m, res.ParetoK)
			}
			if w := res.Warning(); w != "" {
				t.Errorf("m=%v: unexpected warning %q", m, w)
			}
		}
	}
	if worstNaive <= tol {
		t.Errorf("the unweighted sampler is within %.2f of 0.80 for every m (worst %.3f): the test cannot tell weights from none", tol, worstNaive)
	}
}

// Resampling on the way (ESSThreshold > 0) keeps the split: it happens,
// and the proportions stay within the tolerance of the test above.
func TestResamplingKeepsProportions(t *testing.T) {
	opt := DefaultOptions()
	opt.ESSThreshold = 0.9
	res := sampleExact(t, scaled(twoClusters(t, 200), 0.25), 3, 4000, 5, opt)
	frac := leftFraction(res.Samples, 2)
	t.Logf("left %.3f, ESS final %.2f min %.2f, %d resamplings, k̂ %.2f", frac, res.FinalESS, res.MinESS, res.Resamplings, res.ParetoK)
	if res.Resamplings == 0 {
		t.Fatal("no resampling happened at threshold 0.9")
	}
	if math.Abs(frac-0.8) > 0.04 {
		t.Errorf("with resampling: %.3f in the 80%% cluster, want 0.80 ± 0.04", frac)
	}
}

// At m·L = 12 (the clusters of data.TwoClusters(), L = 4, and m = 3) the
// screened field lines of both clusters that head towards the other one
// are squeezed into a thin sheet between them, which the Coulomb prior
// almost never draws from: the weights' tail is too heavy for any
// practical sample (estimates of the 80 % share drift from 0.88 to 0.72
// as n goes from 2,000 to 32,000). The sampler cannot fix that, but it
// must say so: k̂ above 0.7, with the median over four seeds as the test
// (seen: 0.72–1.06 at n = 4000, against at most 0.40 for m·L ≤ 3).
func TestHeavyTailFlagged(t *testing.T) {
	ys := twoClusters(t, 200)
	var ks []float64
	for seed := uint64(1); seed <= 4; seed++ {
		ks = append(ks, sampleExact(t, ys.X, 3, 4000, seed, DefaultOptions()).ParetoK)
	}
	slices.Sort(ks)
	t.Logf("k̂ over seeds: %.2f", ks)
	if med := (ks[1] + ks[2]) / 2; !(med > 0.7) {
		t.Errorf("m·L = 12: median Pareto k̂ %.2f, want > 0.7 (heavy tail flagged)", med)
	}
}

// Warning picks the heavy tail first, then too few effective particles.
func TestWarning(t *testing.T) {
	lw := make([]float64, 2000)
	for _, c := range []struct {
		res  Result
		want string
	}{
		{Result{LogW: lw, FinalESS: 0.5, ParetoK: 0.3}, ""},
		{Result{LogW: lw, FinalESS: 0.5, ParetoK: math.NaN()}, ""},
		{Result{LogW: lw, FinalESS: 0.5, ParetoK: 0.8}, "Pareto k̂ = 0.80 > 0.7"},
		{Result{LogW: lw, FinalESS: 0.01, ParetoK: 0.8}, "Pareto k̂ = 0.80 > 0.7"},
		{Result{LogW: lw, FinalESS: 0.01, ParetoK: 0.3}, "only 20 effective particles: proportions between modes are uncertain by about ±0.11"},
	} {
		got := c.res.Warning()
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("ESS %v, k̂ %v: warning %q, want one containing %q", c.res.FinalESS, c.res.ParetoK, got, c.want)
		}
	}
}

// For a single charge the Yukawa and Coulomb field lines are the same rays,
// so initial ratio plus ∫λ dt must leave every particle with the same
// weight (DESIGN §3.8); the ray quadrature makes this exact at any step size.
func TestSingleChargeConstantWeights(t *testing.T) {
	for _, m := range []float64{0.3, 1, 3} {
		res := sampleExact(t, []float64{0.5, -0.25}, m, 1000, 5, DefaultOptions())
		want := -math.Log(1000)
		for p, lw := range res.LogW {
			if math.Abs(lw-want) > 1e-9 {
				t.Fatalf("m=%v particle %d: normalised log-weight %.12g, want %.12g (equal weights)", m, p, lw, want)
			}
		}
		if res.FinalESS < 1-1e-12 {
			t.Errorf("m=%v: final ESS %v, want 1", m, res.FinalESS)
		}
	}
}

// m → 0 is the Poisson (PFGM++) sampler of the same D: from the same prior
// draw, the Yukawa sampler and sampler.Sample with the Poisson exact field
// (σ = t/√D, so σ_max = t_max/√D) must give the same samples.
func TestMassZeroMatchesPoissonSampler(t *testing.T) {
	ys := twoClusters(t, 200)
	const D = 3
	f, err := NewField(ys.X, 2, Process{M: 1e-6, D: D})
	if err != nil {
		t.Fatal(err)
	}
	ex, err := field.New(ys.X, 2, D)
	if err != nil {
		t.Fatal(err)
	}
	opt := DefaultOptions()
	rng := newRNG(9)
	x := f.Prior(rng, 500, opt.TMax)
	xp := append([]float64(nil), x...)
	res, err := Sample(context.Background(), f, x, rng, opt)
	if err != nil {
		t.Fatal(err)
	}
	so := sampler.DefaultOptions()
	so.Steps, so.Rho = opt.Steps, opt.Rho
	so.SigmaMax, so.SigmaMin = opt.TMax/math.Sqrt(D), opt.TMin/math.Sqrt(D)
	pr, err := sampler.Sample(context.Background(), ex, xp, so)
	if err != nil {
		t.Fatal(err)
	}
	if pr.NFE != res.NFE {
		t.Errorf("NFE %d vs Poisson %d", res.NFE, pr.NFE)
	}
	if res.FinalESS < 1-1e-6 || res.Resamplings != 0 {
		t.Errorf("m → 0: ESS %v, %d resamplings; want 1 and 0", res.FinalESS, res.Resamplings)
	}
	var worst float64
	for j := range xp {
		worst = math.Max(worst, math.Abs(res.X[j]-xp[j]))
	}
	// field.Exact uses float32 charges for its distance GEMMs: 1e-4 on the
	// end points of a 35-evaluation ODE.
	if worst > 1e-4 {
		t.Errorf("m → 0: samples differ from the Poisson sampler's by %.3g", worst)
	}
}
