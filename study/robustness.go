package study

import (
	"context"
	"fmt"

	"github.com/pfgm/pfgm/internal/chart"
	"github.com/pfgm/pfgm/quantize"
	"github.com/pfgm/pfgm/sampler"
	"github.com/pfgm/pfgm/train"
)

// The robustness grid (DESIGN §3.9).
var (
	robustAlphas = []float64{0, 0.05, 0.1, 0.2, 0.4}
	robustBits   = []int{8, 6, 5, 4}
	robustSteps  = []int{2, 3, 4, 6, 9, 18}
)

// fullPrecision is the x position of the unquantised model on the bits chart.
const fullPrecision = 10

// Robustness trains one model per D and seed and degrades its sampling:
// noise injection α, weights quantised to 8…4 bits, fewer Heun steps.
func Robustness(ctx context.Context, o Options) error {
	e, err := open(ctx, "robustness", o)
	if err != nil {
		return err
	}
	for _, D := range o.Ds {
		for _, seed := range o.Seeds {
			if err := robustnessCells(e, D, seed); err != nil {
				return err
			}
		}
	}
	ticks := []chart.Tick{{At: fullPrecision, Label: "f32"}}
	for _, b := range robustBits {
		ticks = append(ticks, chart.Tick{At: float64(b), Label: fmt.Sprint(b)})
	}
	return e.finish([]chartSpec{
		{Name: "alpha", Title: "noise injection x += α·σ·ε before each step", XLabel: "α (noise per unit σ)"},
		{Name: "bits", Title: "weight quantisation (per-tensor min-max)", XLabel: "bits per weight", XTicks: ticks},
		{Name: "steps", Title: "fewer sampling steps (Heun)", XLabel: "NFE (denoiser evaluations)", LogX: true},
	})
}

func robustnessCells(e *env, D float64, seed uint64) error {
	line := lineName(D)
	key := func(kind string, x float64) string { return fmt.Sprintf("%s/%s/s%d/%g", kind, line, seed, x) }
	var missing bool
	for _, a := range robustAlphas {
		missing = missing || !e.done[key("alpha", a)]
	}
	for _, b := range append([]int{fullPrecision}, robustBits...) {
		missing = missing || !e.done[key("bits", float64(b))]
	}
	for _, s := range robustSteps {
		missing = missing || !e.done[key("steps", float64(2*s-1))]
	}
	if !missing {
		return nil
	}
	m, err := e.run(D, seed, e.train, "", "")
	if err != nil {
		return err
	}
	base := m.Config.SampleOptions()
	measure := func(kind string, x float64, mm *train.Model, opt sampler.Options) error {
		k := key(kind, x)
		if e.done[k] {
			return nil
		}
		w, nfe, err := e.sampleSW2(mm, opt, seed)
		if err != nil {
			return fmt.Errorf("study robustness %s: %w", k, err)
		}
		return e.add(Cell{Key: k, Line: line, Chart: kind, X: x, Seed: seed, SW2: w, NFE: nfe})
	}
	for _, a := range robustAlphas {
		opt := base
		opt.Alpha = a
		if err := measure("alpha", a, m, opt); err != nil {
			return err
		}
	}
	if err := measure("bits", fullPrecision, m, base); err != nil {
		return err
	}
	for _, b := range robustBits {
		if e.done[key("bits", float64(b))] {
			continue
		}
		q, err := e.run(D, seed, e.train, "", "") // a fresh copy to round
		if err != nil {
			return err
		}
		if _, err := quantize.Model(q.Pre.Net, b); err != nil {
			return err
		}
		if err := measure("bits", float64(b), q, base); err != nil {
			return err
		}
	}
	for _, s := range robustSteps {
		opt := base
		opt.Steps = s
		if err := measure("steps", float64(2*s-1), m, opt); err != nil {
			return err
		}
	}
	return nil
}
