package likelihood_test

import (
	"context"
	"fmt"
	"math"

	"github.com/pfgm/pfgm/likelihood"
)

// gaussian is the ideal denoiser of 1-D data N(μ, s²) for D = ∞:
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

// The NLL of three points under the probability-flow ODE of N(0.5, 0.8²),
// next to the closed form. The denoiser gives no derivatives, so the
// divergence comes from finite differences.
func ExampleEstimate() {
	g := gaussian{mu: 0.5, s: 0.8}
	x := []float64{-0.3, 0.5, 1.9}
	opt := likelihood.DefaultOptions()
	// The prior N(0, σ_max²) stands for the data's marginal N(μ, s² + σ_max²):
	// at σ_max = 80 that costs O(μ·x/σ_max²) ≈ 10⁻³ nats; 10³ makes it vanish.
	opt.SigmaMax = 1000
	res, err := likelihood.Estimate(context.Background(), g, x, opt)
	if err != nil {
		fmt.Println(err)
		return
	}
	var exact float64
	for _, v := range x {
		z := (v - g.mu) / g.s
		exact += (z*z/2 + math.Log(g.s*math.Sqrt(2*math.Pi))) / 3
	}
	fmt.Printf("nll %.3f (exact %.3f), %d points\n", res.NLL, exact, len(res.LogP))
	// Output: nll 1.373 (exact 1.373), 3 points
}
