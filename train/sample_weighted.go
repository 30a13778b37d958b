package train

import (
	"context"
	"errors"
	"math/rand/v2"

	"github.com/pfgm/pfgm/sampler"
	"github.com/pfgm/pfgm/yukawa"
)

// SampleWeighted is Sample for a Yukawa run that also returns the weighted
// particles' result (effective sample sizes, Pareto k̂, resamplings), so
// that its diagnostics reach the user. Other runs give an error. Sample's
// SampleResult.Weights carries the same diagnostics for every run kind.
func (m *Model) SampleWeighted(ctx context.Context, n, batch int, opt sampler.Options, rng *rand.Rand) ([]float64, sampler.Result, yukawa.Result, error) {
	if m.Config.process() != ProcessYukawa {
		return nil, sampler.Result{}, yukawa.Result{}, errors.New("weighted sampling is for yukawa runs")
	}
	x, res, yr, err := sampleYukawaFull(ctx, m.Config, m.Pre, m.charges, n, batch, opt, rng)
	return x, res.Result, yr, err
}
