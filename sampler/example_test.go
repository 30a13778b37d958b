package sampler_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/pfgm/pfgm/process"
	"github.com/pfgm/pfgm/sampler"
)

// gaussian is the ideal denoiser of 1-D data N(μ, s²):
// D(x, σ) = (s²x + σ²μ)/(s² + σ²).
type gaussian struct{ mu, s float64 }

func (g gaussian) Dim() int { return 1 }

func (g gaussian) Denoise(_ context.Context, x []float64, sigma float64, out []float64) error {
	s2, v := g.s*g.s, sigma*sigma
	for i := range x {
		out[i] = (s2*x[i] + v*g.mu) / (s2 + v)
	}
	return nil
}

// Draw from the diffusion (D = ∞) prior at σ_max and carry it to the data
// with the EDM Heun sampler.
func ExampleSample() {
	opt := sampler.DefaultOptions()
	p, _ := process.New(math.Inf(1))
	x := p.Prior(rand.New(rand.NewPCG(1, 2)), 20000, 1, opt.SigmaMax)

	res, err := sampler.Sample(context.Background(), gaussian{mu: 1, s: 0.5}, x, opt)
	if err != nil {
		fmt.Println(err)
		return
	}
	var m, v float64
	for _, xi := range x {
		m += xi
	}
	m /= float64(len(x))
	for _, xi := range x {
		v += (xi - m) * (xi - m)
	}
	fmt.Printf("NFE %d, mean %.1f, std %.1f\n", res.NFE, m, math.Sqrt(v/float64(len(x))))
	// Output: NFE 35, mean 1.0, std 0.5
}

func ExampleEDMGrid() {
	for _, s := range sampler.EDMGrid(5, 0.002, 80, 7) {
		fmt.Printf("%.4g ", s)
	}
	fmt.Println()
	// Output: 80 17.53 2.515 0.1698 0.002 0
}
