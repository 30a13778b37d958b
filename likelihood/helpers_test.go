package likelihood

import (
	"context"
	"math"
)

// gauss2 is the exact posterior mean of 2-D data N(μ, Σ):
// D(x, σ) = μ + J(x − μ) with J = Σ(Σ + σ²I)⁻¹ (symmetric). It gives D,
// its VJP and its divergence tr J, and counts its calls.
type gauss2 struct {
	mu    [2]float64
	cov   [2][2]float64
	calls int
}

func (g *gauss2) Dim() int { return 2 }

// jac returns J = Σ(Σ + σ²I)⁻¹.
func (g *gauss2) jac(sigma float64) [2][2]float64 {
	v := sigma * sigma
	a, b, c, d := g.cov[0][0]+v, g.cov[0][1], g.cov[1][0], g.cov[1][1]+v
	det := a*d - b*c
	inv := [2][2]float64{{d / det, -b / det}, {-c / det, a / det}}
	var j [2][2]float64
	for r := range 2 {
		for k := range 2 {
			j[r][k] = g.cov[r][0]*inv[0][k] + g.cov[r][1]*inv[1][k]
		}
	}
	return j
}

func (g *gauss2) Denoise(_ context.Context, x []float64, sigma float64, out []float64) error {
	g.calls++
	j := g.jac(sigma)
	for p := 0; p < len(x); p += 2 {
		d0, d1 := x[p]-g.mu[0], x[p+1]-g.mu[1]
		out[p] = g.mu[0] + j[0][0]*d0 + j[0][1]*d1
		out[p+1] = g.mu[1] + j[1][0]*d0 + j[1][1]*d1
	}
	return nil
}

func (g *gauss2) DenoiseVJP(ctx context.Context, x []float64, sigma float64, v, out, vjp []float64) error {
	if err := g.Denoise(ctx, x, sigma, out); err != nil {
		return err
	}
	j := g.jac(sigma)
	for p := 0; p < len(x); p += 2 {
		vjp[p] = v[p]*j[0][0] + v[p+1]*j[1][0]
		vjp[p+1] = v[p]*j[0][1] + v[p+1]*j[1][1]
	}
	return nil
}

func (g *gauss2) DenoiseDiv(ctx context.Context, x []float64, sigma float64, out, div []float64) error {
	if err := g.Denoise(ctx, x, sigma, out); err != nil {
		return err
	}
	j := g.jac(sigma)
	for p := range div {
		div[p] = j[0][0] + j[1][1]
	}
	return nil
}

// logDensity is log N(x; μ, Σ + σ²I), the exact density of the data
// smoothed at σ.
func (g *gauss2) logDensity(x []float64, sigma float64) float64 {
	v := sigma * sigma
	a, b, d := g.cov[0][0]+v, g.cov[0][1], g.cov[1][1]+v
	det := a*d - b*b
	d0, d1 := x[0]-g.mu[0], x[1]-g.mu[1]
	q := (d*d0*d0 - 2*b*d0*d1 + a*d1*d1) / det
	return -q/2 - math.Log(2*math.Pi) - math.Log(det)/2
}

// plain hides every interface but sampler.Denoiser, forcing finite
// differences.
type plain struct {
	d interface {
		Dim() int
		Denoise(context.Context, []float64, float64, []float64) error
	}
}

func (p plain) Dim() int { return p.d.Dim() }
func (p plain) Denoise(ctx context.Context, x []float64, sigma float64, out []float64) error {
	return p.d.Denoise(ctx, x, sigma, out)
}

// vjpOnly hides DenoiseDiv.
type vjpOnly struct{ *gauss2 }

func (v vjpOnly) DenoiseDiv() {} // shadows the embedded method with another signature

// zero is the denoiser of a single charge at the origin: D = 0, ∇·D = 0.
type zero struct{ n int }

func (z zero) Dim() int { return z.n }
func (z zero) Denoise(_ context.Context, _ []float64, _ float64, out []float64) error {
	clear(out)
	return nil
}
