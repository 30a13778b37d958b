package study

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/pfgm/pfgm/data"
	"github.com/pfgm/pfgm/field"
	"github.com/pfgm/pfgm/internal/chart"
	"github.com/pfgm/pfgm/metrics"
	"github.com/pfgm/pfgm/process"
	"github.com/pfgm/pfgm/sampler"
)

// limitDs are the D of Limit; each is compared with D = ∞.
var limitDs = []float64{1e2, 1e4, 1e6}

// Limit compares D = 10², 10⁴, 10⁶ with D = ∞, with the exact field of
// the training points and with trained models: the sliced W2 between the
// sample sets, and the RMS distance between paired samples whose priors
// are coupled (coupledPrior), which isolates the difference of the flows
// from the sampling noise. Both should fall with D.
func Limit(ctx context.Context, o Options) error {
	e, err := open(ctx, "limit", o)
	if err != nil {
		return err
	}
	for _, seed := range o.Seeds {
		for _, kind := range []string{"exact field", "trained"} {
			if err := limitCells(e, seed, kind); err != nil {
				return err
			}
		}
	}
	var ticks []chart.Tick
	for _, D := range limitDs {
		ticks = append(ticks, chart.Tick{At: D, Label: process.FormatD(D)})
	}
	return e.finish([]chartSpec{
		{Name: "limit", Title: "D against D=∞: distance between sample sets", XLabel: "D", LogX: true, XTicks: ticks, NoFloor: true},
		{Name: "limit-paired", Title: "D against D=∞: paired samples from coupled priors", XLabel: "D", LogX: true, XTicks: ticks, NoFloor: true, Paired: true, From: "limit"},
	})
}

// coupledPrior draws the prior of D at σ_max for n points from g ~ N(0, I)
// and G₂ ~ Gamma(D/2): x = σ·g·√(D/(2G₂)). Since B/(1−B) = G₁/G₂ with
// G₁ = ‖g‖²/2 ~ Gamma(N/2), this is exactly the kernel's prior; with the same
// g (the rng's first stream) every D shares its directions and, as
// 2G₂/D → 1, its radii with the D = ∞ prior σ·g.
func coupledPrior(D float64, n, dim int, sigma float64, seed uint64) []float64 {
	g := rand.New(rand.NewPCG(seed, 0x6c696d))
	gam := rand.New(rand.NewPCG(seed, 0x67616d))
	x := make([]float64, n*dim)
	for i := range n {
		s := sigma
		if !math.IsInf(D, 1) {
			s *= math.Sqrt(D / (2 * process.Gamma(gam, D/2)))
		}
		for j := range dim {
			x[i*dim+j] = s * g.NormFloat64()
		}
	}
	return x
}

func limitCells(e *env, seed uint64, kind string) error {
	key := func(D float64) string { return fmt.Sprintf("%s/D=%s/s%d", kind, process.FormatD(D), seed) }
	need := false
	for _, D := range limitDs {
		need = need || !e.done[key(D)]
	}
	if !need {
		return nil
	}
	opt := sampler.DefaultOptions()
	var draw func(D float64) (*data.Points, error)
	if kind == "exact field" {
		ch := e.trainP.Sample(min(4000, e.trainP.N()), rand.New(rand.NewPCG(seed, 3)))
		st := data.FitStandardizer(e.trainP)
		if err := st.Apply(ch); err != nil {
			return err
		}
		draw = func(D float64) (*data.Points, error) {
			ex, err := field.New(ch.X, ch.Dim, D)
			if err != nil {
				return nil, err
			}
			x := coupledPrior(D, e.o.Samples, ch.Dim, opt.SigmaMax, seed)
			if _, err := sampler.Sample(e.ctx, ex, x, opt); err != nil {
				return nil, err
			}
			p := &data.Points{Dim: ch.Dim, X: x}
			return p, st.Invert(p)
		}
	} else {
		draw = func(D float64) (*data.Points, error) {
			m, err := e.run(D, seed, e.train, "", "")
			if err != nil {
				return nil, err
			}
			c := m.Config
			x := coupledPrior(D, e.o.Samples, c.Dim, opt.SigmaMax, seed)
			if _, err := sampler.Sample(e.ctx, m.Pre.Denoiser(500), x, opt); err != nil {
				return nil, err
			}
			p := &data.Points{Dim: c.Dim, X: x}
			if c.Standardize != nil {
				return p, c.Standardize.Invert(p)
			}
			return p, nil
		}
	}
	ref, err := draw(math.Inf(1))
	if err != nil {
		return err
	}
	for _, D := range limitDs {
		if e.done[key(D)] {
			continue
		}
		x, err := draw(D)
		if err != nil {
			return err
		}
		w, err := metrics.SlicedW2(x, ref, 256, rand.New(rand.NewPCG(7, 7)))
		if err != nil {
			return err
		}
		var ss float64
		for i, v := range x.X {
			ss += (v - ref.X[i]) * (v - ref.X[i])
		}
		c := Cell{Key: key(D), Line: kind, X: D, Seed: seed, SW2: w, Paired: math.Sqrt(ss / float64(x.N()))}
		c.Chart = "limit"
		if err := e.add(c); err != nil {
			return err
		}
	}
	return nil
}
