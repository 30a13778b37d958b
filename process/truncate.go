package process

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// RatioQuantile is the q-quantile of B/(1−B) for B ~ Beta(a, b), so that
// R = r·√RatioQuantile(N/2, D/2, q) is the q-quantile of the kernel's
// perturbation norm. Bisection in ln t to 1e-12 relative; it panics unless
// a, b > 0 and 0 < q < 1.
func RatioQuantile(a, b, q float64) float64 {
	if !(a > 0) || !(b > 0) || !(q > 0 && q < 1) {
		panic(fmt.Sprintf("process: RatioQuantile needs a, b > 0 and 0 < q < 1, got %v, %v, %v", a, b, q))
	}
	// P(B/(1−B) ≤ t) = I_x(a, b) with x = t/(1+t), 1 − x = 1/(1+t).
	cdf := func(s float64) float64 {
		t := math.Exp(s)
		return betaIncXY(a, b, t/(1+t), 1/(1+t))
	}
	lo, hi := -700.0, 700.0
	for hi-lo > 1e-12 {
		mid := (lo + hi) / 2
		if cdf(mid) < q {
			lo = mid
		} else {
			hi = mid
		}
	}
	return math.Exp((lo + hi) / 2)
}

// TruncatedPrior is Prior with the radius held below its q-quantile: the
// kernel around 0 at σ_max, conditioned on R ≤ r·√t_q (rejection: draws
// beyond are redrawn, so the shape below the cut is the kernel's own).
//
// This is the remedy for small D's heavy tail (docs/STUDIES.md): for D = 1
// and N = 8 the prior's radius has q_0.99/q_0.5 ≈ 50, and a trained network
// cannot bring the farthest trajectories back. The exact flow maps the
// prior onto the data one to one, so dropping the prior's outer 1−q of mass
// changes the sample distribution by at most 1−q in total variation — the
// samples from the outermost shells are lost, not moved. For D = ∞ (light
// Gaussian tail) it is Prior. It panics unless 0 < q ≤ 1; q = 1 is Prior.
func (p Poisson) TruncatedPrior(rng *rand.Rand, n, dim int, sigmaMax, q float64) []float64 {
	if !(q > 0 && q <= 1) {
		panic(fmt.Sprintf("process: TruncatedPrior needs 0 < q ≤ 1, got %v", q))
	}
	if p.Gaussian() || q == 1 {
		return p.Prior(rng, n, dim, sigmaMax)
	}
	r := p.R(sigmaMax)
	tq := RatioQuantile(float64(dim)/2, p.D/2, q)
	out := make([]float64, n*dim)
	for i := range n {
		ratio := BetaPrime(rng, float64(dim)/2, p.D/2)
		for ratio > tq {
			ratio = BetaPrime(rng, float64(dim)/2, p.D/2)
		}
		OnSphere(rng, r*math.Sqrt(ratio), out[i*dim:(i+1)*dim])
	}
	return out
}
