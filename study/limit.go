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

// Limit compares D = 10², 10⁴, 10⁶ with D = ∞: the sliced W2 between
// their sample sets (same size, same sampler), with the exact field of the
// training points and with trained models. It should fall with D.
func Limit(ctx context.Context, o Options) error {
	e, err := open(ctx, "limit", o)
	if err != nil {
		return err
	}
	for _, seed := range o.Seeds {
		if err := limitExact(e, seed); err != nil {
			return err
		}
		if err := limitTrained(e, seed); err != nil {
			return err
		}
	}
	ticks := []chart.Tick{}
	for _, D := range limitDs {
		ticks = append(ticks, chart.Tick{At: D, Label: process.FormatD(D)})
	}
	return e.finish([]chartSpec{{Name: "limit", Title: "distance of D's samples to D=∞'s", XLabel: "D", LogX: true, XTicks: ticks, NoFloor: true}})
}

func limitExact(e *env, seed uint64) error {
	need := false
	for _, D := range limitDs {
		need = need || !e.done[fmt.Sprintf("exact/D=%s/s%d", process.FormatD(D), seed)]
	}
	if !need {
		return nil
	}
	ch := e.trainP.Sample(min(4000, e.trainP.N()), rand.New(rand.NewPCG(seed, 3)))
	st := data.FitStandardizer(e.trainP)
	if err := st.Apply(ch); err != nil {
		return err
	}
	draw := func(D float64) (*data.Points, error) {
		ex, err := field.New(ch.X, ch.Dim, D)
		if err != nil {
			return nil, err
		}
		p, err := process.New(D)
		if err != nil {
			return nil, err
		}
		rng := rand.New(rand.NewPCG(seed, 0x6c696d))
		opt := sampler.DefaultOptions()
		x := p.Prior(rng, e.o.Samples, ch.Dim, opt.SigmaMax)
		if _, err := sampler.Sample(e.ctx, ex, x, opt); err != nil {
			return nil, err
		}
		pts := &data.Points{Dim: ch.Dim, X: x}
		return pts, st.Invert(pts)
	}
	ref, err := draw(math.Inf(1))
	if err != nil {
		return err
	}
	for _, D := range limitDs {
		k := fmt.Sprintf("exact/D=%s/s%d", process.FormatD(D), seed)
		if e.done[k] {
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
		if err := e.add(Cell{Key: k, Line: "exact field", Chart: "limit", X: D, Seed: seed, SW2: w}); err != nil {
			return err
		}
	}
	return nil
}

func limitTrained(e *env, seed uint64) error {
	need := false
	for _, D := range limitDs {
		need = need || !e.done[fmt.Sprintf("trained/D=%s/s%d", process.FormatD(D), seed)]
	}
	if !need {
		return nil
	}
	draw := func(D float64) (*data.Points, error) {
		m, err := e.run(D, seed, e.train, "", "")
		if err != nil {
			return nil, err
		}
		rng := rand.New(rand.NewPCG(seed, 0x6c696d))
		x, _, err := m.Sample(e.ctx, e.o.Samples, 500, m.Config.SampleOptions(), rng)
		return &data.Points{Dim: m.Config.Dim, X: x}, err
	}
	ref, err := draw(math.Inf(1))
	if err != nil {
		return err
	}
	for _, D := range limitDs {
		k := fmt.Sprintf("trained/D=%s/s%d", process.FormatD(D), seed)
		if e.done[k] {
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
		if err := e.add(Cell{Key: k, Line: "trained", Chart: "limit", X: D, Seed: seed, SW2: w}); err != nil {
			return err
		}
	}
	return nil
}
