package sampler

import (
	"fmt"
	"math"
)

// EDMGrid returns the n+1 noise levels of the EDM time grid (Karras et al.
// 2022): σ_i = (σ_max^(1/ρ) + i/(n−1)·(σ_min^(1/ρ) − σ_max^(1/ρ)))^ρ for
// i = 0…n−1, then σ_n = 0. For n = 1 it is just σ_max, 0. The ends are set
// exactly (σ_0 = σ_max, σ_{n−1} = σ_min). It panics unless n ≥ 1,
// 0 < σ_min < σ_max and ρ > 0; Sample validates its Options before calling it.
func EDMGrid(n int, sigmaMin, sigmaMax, rho float64) []float64 {
	if n < 1 || !(sigmaMin > 0) || !(sigmaMax > sigmaMin) || math.IsInf(sigmaMax, 0) || !(rho > 0) {
		panic(fmt.Sprintf("sampler: EDMGrid needs n ≥ 1, 0 < σ_min < σ_max < ∞, ρ > 0; got n=%d σ_min=%v σ_max=%v ρ=%v",
			n, sigmaMin, sigmaMax, rho))
	}
	g := make([]float64, n+1)
	g[0] = sigmaMax
	if n == 1 {
		return g
	}
	hi, lo := math.Pow(sigmaMax, 1/rho), math.Pow(sigmaMin, 1/rho)
	for i := 1; i < n-1; i++ {
		g[i] = math.Pow(hi+float64(i)/float64(n-1)*(lo-hi), rho)
	}
	g[n-1] = sigmaMin
	return g
}
