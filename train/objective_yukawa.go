package train

import (
	"context"
	"errors"
	"math/rand/v2"

	"github.com/pfgm/pfgm/nn"
	"github.com/pfgm/pfgm/sampler"
)

// The Yukawa objective (DESIGN §3.8). Placeholder until it lands.

func newYukawaObjective(c *Config, pre *nn.Precond) (Objective, error) {
	return nil, errors.New("the yukawa objective is not implemented yet")
}

func sampleYukawa(ctx context.Context, c *Config, pre *nn.Precond, n, batch int, opt sampler.Options, rng *rand.Rand) ([]float64, sampler.Result, error) {
	return nil, sampler.Result{}, errors.New("sampling a yukawa run is not implemented yet")
}
