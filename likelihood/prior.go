package likelihood

import (
	"math"
)

// LogPrior is the log-density of the prior at σ_max for D augmented
// dimensions (math.Inf(1) for diffusion) at the point x of dimension
// N = len(x): the PFGM++ kernel around 0 with r = σ_max√D, normalised, or
// N(0, σ_max² I) for D = ∞ (DESIGN §3.10).
func LogPrior(x []float64, D, sigmaMax float64) float64 {
	return LogKernel(x, nil, D, sigmaMax)
}

// LogKernel is the log-density of the PFGM++ perturbation kernel
// p_r(x | y) ∝ (‖x − y‖² + r²)^(−(N+D)/2) with r = σ√D (DESIGN §3.1),
// normalised; for D = ∞ the Gaussian N(y, σ² I). A nil y is the origin.
func LogKernel(x, y []float64, D, sigma float64) float64 {
	n := float64(len(x))
	var d2 float64
	for j, v := range x {
		if y != nil {
			v -= y[j]
		}
		d2 += v * v
	}
	if math.IsInf(D, 1) {
		return -d2/(2*sigma*sigma) - n/2*math.Log(2*math.Pi*sigma*sigma)
	}
	r := sigma * math.Sqrt(D)
	lg1, _ := math.Lgamma((n + D) / 2)
	lg2, _ := math.Lgamma(D / 2)
	// log(d2 + r²) as 2 log r + log1p(d2/r²): exact also when d2 ≪ r².
	return -(n+D)/2*(2*math.Log(r)+math.Log1p(d2/(r*r))) + D*math.Log(r) + lg1 - lg2 - n/2*math.Log(math.Pi)
}
