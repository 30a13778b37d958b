package classic

import (
	"math"
	"math/rand/v2"

	"github.com/pfgm/pfgm/process"
)

// Prior draws n starting points on the hyperplane z = z_max (n×N,
// row-major; the z coordinate is z_max for all): the field of a point charge
// at the origin seen from z = z_max (Section 3.3 and Appendix A.4 of the
// paper, methods.py's prior_sampling),
//
//	R² = z_max²·B/(1−B),  B ~ Beta(N/2, 1/2),  x = R·u,
//
// u uniform on the unit sphere, with R clipped to [1, upper] as in the
// reference. B/(1−B) is drawn as a ratio of Gamma variates
// (process.BetaPrime), exact also when B is close to 1.
func (p Params) Prior(rng *rand.Rand, n int) []float64 {
	x := make([]float64, n*p.N)
	for i := range n {
		r := p.ZMax * math.Sqrt(process.BetaPrime(rng, float64(p.N)/2, 0.5))
		process.OnSphere(rng, min(max(r, 1), p.Upper), x[i*p.N:(i+1)*p.N])
	}
	return x
}
