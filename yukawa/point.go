package yukawa

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/pfgm/pfgm/process"
)

// A trained network knows neither the charges nor their flux, so its
// sampler starts from a point charge at the data mean c (DESIGN §3.8):
// exact in the limit of large t_max, where the data set looks like a point.

// PointPrior draws n points of the Coulomb (m = 0) flux of a point charge
// at center at augmented radius t: center plus a draw of the PFGM++ kernel.
func (k *Kernel) PointPrior(rng *rand.Rand, n int, center []float64, t float64) []float64 {
	if len(center) != k.n {
		panic(fmt.Sprintf("yukawa: PointPrior center has %d numbers, want %d", len(center), k.n))
	}
	out := make([]float64, n*k.n)
	for i := range n {
		row := out[i*k.n : (i+1)*k.n]
		var ss float64
		for j := range row {
			g := rng.NormFloat64()
			row[j] = g
			ss += g * g
		}
		if ss == 0 {
			row[0], ss = 1, 1
		}
		s := process.RadiusAt(rng, k.n, float64(k.p.D), t, false) / math.Sqrt(ss)
		for j := range row {
			row[j] = center[j] + s*row[j]
		}
	}
	return out
}

// PointLogRatio writes, for each point of x, log p_Yukawa − log p_Coulomb
// of a point charge at center at radius t, with the kernels normalised
// alike as in Field.Eval: log h(mρ), ρ = √(‖x − center‖² + t²).
func (k *Kernel) PointLogRatio(x, center []float64, t float64, out []float64) {
	for q := range out {
		var d2 float64
		for j, c := range center {
			e := x[q*k.n+j] - c
			d2 += e * e
		}
		out[q], _ = k.LogH(k.p.M * math.Sqrt(d2+t*t))
	}
}
