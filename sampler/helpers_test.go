package sampler

import (
	"context"
	"math"
)

// gaussDenoiser is the exact posterior mean for data N(μ, diag s²):
// D(x, σ)_j = (s_j² x_j + σ² μ_j)/(s_j² + σ²). It counts its calls.
type gaussDenoiser struct {
	mu, s2 []float64
	calls  int
}

func (g *gaussDenoiser) Dim() int { return len(g.mu) }

func (g *gaussDenoiser) Denoise(_ context.Context, x []float64, sigma float64, out []float64) error {
	g.calls++
	v := sigma * sigma
	for i := range x {
		j := i % len(g.mu)
		out[i] = (g.s2[j]*x[i] + v*g.mu[j]) / (g.s2[j] + v)
	}
	return nil
}

// exactFlow is the ODE solution for that denoiser from (x0, σ0) to σ:
// x(σ) = μ + (x0 − μ)·√((s² + σ²)/(s² + σ0²)).
func (g *gaussDenoiser) exactFlow(x0 []float64, sigma0, sigma float64) []float64 {
	out := make([]float64, len(x0))
	for i, v := range x0 {
		j := i % len(g.mu)
		out[i] = g.mu[j] + (v-g.mu[j])*math.Sqrt((g.s2[j]+sigma*sigma)/(g.s2[j]+sigma0*sigma0))
	}
	return out
}

func maxAbsDiff(a, b []float64) float64 {
	m := 0.0
	for i := range a {
		m = max(m, math.Abs(a[i]-b[i]))
	}
	return m
}
