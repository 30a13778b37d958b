package tuned

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/pfgm/pfgm/data"
	"github.com/pfgm/pfgm/field"
	"github.com/pfgm/pfgm/metrics"
	"github.com/pfgm/pfgm/process"
	"github.com/pfgm/pfgm/sampler"
)

// trainingSigma draws σ from the EDM training distribution, ln σ ~ N(P_mean, P_std²).
func trainingSigma(rng *rand.Rand, pMean, pStd float64) float64 {
	return math.Exp(pMean + pStd*rng.NormFloat64())
}

// posterior holds, for one training pair (y, x = y + noise at σ), the
// quantities of the posterior weights w_i ∝ p_σ(x | y_i) over the charges.
type posterior struct {
	ess      float64 // effective number of charges 1/Σ w_i²
	variance float64 // Σ w_i ‖y_i − D*(x, σ)‖² / N: the target's variance per coordinate
}

// posteriorAt computes the weights of every charge for query x at noise
// level σ: log w_i = −(N+D)/2 · log(‖x − y_i‖² + r²) with r = σ√D, or
// −‖x − y_i‖²/(2σ²) for D = ∞ (DESIGN §3.4).
func posteriorAt(charges *data.Points, x []float64, sigma, D float64, logw, mean []float64) posterior {
	n := charges.Dim
	inf := math.IsInf(D, 1)
	a, r2 := (float64(n)+D)/2, sigma*sigma*D
	top := math.Inf(-1)
	for i := range logw {
		y := charges.Row(i)
		d2 := 0.0
		for j, v := range x {
			d2 += (v - y[j]) * (v - y[j])
		}
		if inf {
			logw[i] = -d2 / (2 * sigma * sigma)
		} else {
			logw[i] = -a * math.Log(d2+r2)
		}
		top = max(top, logw[i])
	}
	var z float64
	for i := range logw {
		logw[i] = math.Exp(logw[i] - top)
		z += logw[i]
	}
	clear(mean)
	var s2 float64
	for i, w := range logw {
		w /= z
		logw[i] = w
		s2 += w * w
		for j, v := range charges.Row(i) {
			mean[j] += w * v
		}
	}
	var v float64
	for i, w := range logw {
		for j, c := range charges.Row(i) {
			v += w * (c - mean[j]) * (c - mean[j])
		}
	}
	return posterior{ess: 1 / s2, variance: v / float64(n)}
}

// targetStats draws `draws` training pairs at D — y from the charges, σ from
// the training distribution, x from the kernel — and returns the geometric
// mean of the effective number of charges behind each target and the mean
// of the target's variance weighted by EDM's loss weight
// λ(σ) = (σ² + σ_d²)/(σ σ_d)² (the irreducible part of the training loss).
func targetStats(ctx context.Context, charges *data.Points, D float64, draws int, o Options, rng *rand.Rand) (ess, loss float64, err error) {
	p, err := process.New(D)
	if err != nil {
		return 0, 0, err
	}
	n := charges.Dim
	logw := make([]float64, charges.N())
	mean := make([]float64, n)
	x := make([]float64, n)
	sd2 := o.SigmaData * o.SigmaData
	var logESS float64
	for range draws {
		if err := ctx.Err(); err != nil {
			return 0, 0, err
		}
		sigma := trainingSigma(rng, o.PMean, o.PStd)
		y := charges.Row(rng.IntN(charges.N()))
		process.Noise(p, rng, n, []float64{sigma}, false, x)
		for j := range x {
			x[j] += y[j]
		}
		post := posteriorAt(charges, x, sigma, D, logw, mean)
		logESS += math.Log(post.ess)
		loss += (sigma*sigma + sd2) / (sigma * sigma * sd2) * post.variance
	}
	return math.Exp(logESS / float64(draws)), loss / float64(draws), nil
}

// tailSpread is q_0.99/q_0.5 of the network's input norm at large σ, where
// c_in·x ≈ (x − y)/σ: the norm R/σ of a kernel draw, R = r√(B/(1−B)) with
// B ~ Beta(N/2, D/2), or ‖ε‖ for D = ∞. It measures how far beyond its
// typical inputs the network is asked to be right, as often as the prior
// asks it (1 % of trajectories start beyond q_0.99).
func tailSpread(rng *rand.Rand, n int, D float64, draws int) float64 {
	u := make([]float64, draws)
	for i := range u {
		if math.IsInf(D, 1) {
			s := 0.0
			for range n {
				g := rng.NormFloat64()
				s += g * g
			}
			u[i] = math.Sqrt(s)
			continue
		}
		u[i] = process.RadiusAt(rng, n, D, math.Sqrt(D), false)
	}
	slices.Sort(u)
	return u[draws*99/100] / u[draws/2]
}

// exactW2 samples n points with the exact field of the charges at D (Heun,
// opt's steps, σ_max and noise injection α) and returns their sliced W2 to
// the held-out points.
func exactW2(ctx context.Context, charges, heldout *data.Points, D float64, n int, alpha float64, o Options, rng *rand.Rand) (float64, error) {
	ex, err := field.New(charges.X, charges.Dim, D)
	if err != nil {
		return 0, err
	}
	p, err := process.New(D)
	if err != nil {
		return 0, err
	}
	so := sampler.DefaultOptions()
	so.Steps, so.SigmaMax = o.SampleSteps, o.SigmaMax
	so.Alpha, so.Rng = alpha, rng
	x := p.Prior(rng, n, charges.Dim, so.SigmaMax)
	if _, err := sampler.Sample(ctx, ex, x, so); err != nil {
		return 0, err
	}
	return metrics.SlicedW2(&data.Points{Dim: charges.Dim, X: x}, heldout, o.Projections, rng)
}
