package likelihood

import (
	"context"

	"github.com/pfgm/pfgm/sampler"
)

// A VJPDenoiser also gives vector-Jacobian products of D with respect to
// its input (a trained network does, by one backward pass).
type VJPDenoiser interface {
	sampler.Denoiser
	// DenoiseVJP writes D(x, σ) into out and, for every point p of x,
	// v_pᵀ ∂D(x_p, σ)/∂x_p into vjp. v, out and vjp have the length of x.
	DenoiseVJP(ctx context.Context, x []float64, sigma float64, v, out, vjp []float64) error
}

// A DivDenoiser gives the exact divergence of D alongside D (closed-form
// denoisers do).
type DivDenoiser interface {
	sampler.Denoiser
	// DenoiseDiv writes D(x, σ) into out and ∇·D(x_p, σ) of every point p
	// into div (one number a point).
	DenoiseDiv(ctx context.Context, x []float64, sigma float64, out, div []float64) error
}

// DefaultFDStep is the finite-difference step of a plain Denoiser relative
// to σ, the length over which the posterior mean changes.
const DefaultFDStep = 1e-3

// divergence evaluates D and ∇·D of a batch: exactly (probes == nil) or
// with Hutchinson's estimator over the fixed probes (probes[k] has the
// length of x). It counts the denoiser's passes.
type divergence struct {
	d      sampler.Denoiser
	dim    int
	probes [][]float64
	fdStep float64 // relative to σ
	passes int

	v, vjp, xp, dp, dm []float64 // scratch, the length of x
}

func newDivergence(d sampler.Denoiser, probes [][]float64, fdStep float64) *divergence {
	if fdStep == 0 {
		fdStep = DefaultFDStep
	}
	return &divergence{d: d, dim: d.Dim(), probes: probes, fdStep: fdStep}
}

func grow(b []float64, n int) []float64 {
	if cap(b) < n {
		return make([]float64, n)
	}
	return b[:n]
}

// eval writes D(x, σ) into out and the (estimated) divergence of every
// point into div.
func (g *divergence) eval(ctx context.Context, x []float64, sigma float64, out, div []float64) error {
	n := len(x)
	g.v, g.vjp = grow(g.v, n), grow(g.vjp, n)
	clear(div)
	if dd, ok := g.d.(DivDenoiser); ok && g.probes == nil {
		g.passes++
		return dd.DenoiseDiv(ctx, x, sigma, out, div)
	}
	if vd, ok := g.d.(VJPDenoiser); ok {
		return g.byVJP(ctx, vd, x, sigma, out, div)
	}
	return g.byDifferences(ctx, x, sigma, out, div)
}

// byVJP sums v·(vᵀ∂D/∂x) over unit vectors (exact) or probes (Hutchinson).
func (g *divergence) byVJP(ctx context.Context, vd VJPDenoiser, x []float64, sigma float64, out, div []float64) error {
	nv := g.dim
	if g.probes != nil {
		nv = len(g.probes)
	}
	for k := range nv {
		v := g.direction(k)
		g.passes++
		if err := vd.DenoiseVJP(ctx, x, sigma, v, out, g.vjp); err != nil {
			return err
		}
		g.accumulate(v, g.vjp, div)
	}
	g.finish(div)
	return nil
}

// byDifferences takes central differences of D along the same directions
// with step h = fdStep·σ: vᵀ(D(x + hv) − D(x − hv))/(2h).
func (g *divergence) byDifferences(ctx context.Context, x []float64, sigma float64, out, div []float64) error {
	n := len(x)
	g.xp, g.dp, g.dm = grow(g.xp, n), grow(g.dp, n), grow(g.dm, n)
	g.passes++
	if err := g.d.Denoise(ctx, x, sigma, out); err != nil {
		return err
	}
	h := g.fdStep * sigma
	nv := g.dim
	if g.probes != nil {
		nv = len(g.probes)
	}
	for k := range nv {
		v := g.direction(k)
		for sgn, dst := range [2][]float64{g.dp, g.dm} {
			step := h
			if sgn == 1 {
				step = -h
			}
			for i := range x {
				g.xp[i] = x[i] + step*v[i]
			}
			g.passes++
			if err := g.d.Denoise(ctx, g.xp, sigma, dst); err != nil {
				return err
			}
		}
		for i := range g.dp {
			g.vjp[i] = (g.dp[i] - g.dm[i]) / (2 * h) // the JVP ∂D/∂x·v
		}
		g.accumulate(v, g.vjp, div)
	}
	g.finish(div)
	return nil
}

// direction returns probe k, or the k-th unit vector of every point.
func (g *divergence) direction(k int) []float64 {
	if g.probes != nil {
		return g.probes[k]
	}
	clear(g.v)
	for i := k; i < len(g.v); i += g.dim {
		g.v[i] = 1
	}
	return g.v
}

// accumulate adds v_p·w_p to div[p] for every point p.
func (g *divergence) accumulate(v, w, div []float64) {
	for p := range div {
		var s float64
		for i := p * g.dim; i < (p+1)*g.dim; i++ {
			s += v[i] * w[i]
		}
		div[p] += s
	}
}

// finish turns the sum over probes into their mean.
func (g *divergence) finish(div []float64) {
	if g.probes == nil {
		return
	}
	k := float64(len(g.probes))
	for p := range div {
		div[p] /= k
	}
}
