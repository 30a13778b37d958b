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
		r = min(max(r, 1), p.Upper)
		row := x[i*p.N : (i+1)*p.N]
		var s float64
		for j := range row {
			row[j] = rng.NormFloat64()
			s += row[j] * row[j]
		}
		f := r / math.Sqrt(s)
		for j := range row {
			row[j] *= f
		}
	}
	return x
}
