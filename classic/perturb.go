package classic

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// restrictZ and restrictFrac are the reference's restrict_M rule
// (models/utils_poisson.py, Appendix B.1.1 of the PFGM paper).
const (
	restrictZ    = 0.005
	restrictFrac = 0.7
)

// Perturb draws the training perturbation of PFGM (Algorithm 2 of the paper)
// for every point of y (n points of p.N numbers, row-major):
//
//	m ~ U[0, M),  s = σ₀(1+τ)^m,  z = |ε|·s,  x = y + ‖ε'‖·s·u
//
// with ε ~ N(0, 1), ε' ~ N(0, I_N) and u uniform on the unit sphere. The
// norm ‖ε'‖ and the direction u of one Gaussian vector are independent, so
// ‖ε'‖·u is drawn as ε' itself: the same distribution as the reference's
// two draws, with half the normal variates. x (len(y)) and z (n) receive the
// augmented points; m, if not nil, the exponents.
//
// With restrict set, the reference's restrict_M rule applies: points whose
// signed draw ε·σ₀ is below 0.005 get m ~ U[0, ⌊0.7·M⌋) instead. The
// reference compares ε before taking |ε|, so the rule catches every negative
// ε (about 69 % of the points, not the 31 % a test on |ε| would); this
// reproduces that.
func (p Params) Perturb(rng *rand.Rand, y, x, z, m []float64, restrict bool) error {
	n := p.N
	if n < 1 || len(y)%n != 0 || len(x) != len(y) || len(z) != len(y)/n || (m != nil && len(m) != len(z)) {
		return fmt.Errorf("classic: perturb: %d data values, %d x, %d z for dimension %d", len(y), len(x), len(z), n)
	}
	lt := math.Log1p(p.Tau)
	for i := range z {
		mi := rng.Float64() * float64(p.M)
		e := rng.NormFloat64()
		if restrict && e*p.Sigma0 < restrictZ {
			mi = rng.Float64() * float64(int(float64(p.M)*restrictFrac))
		}
		s := p.Sigma0 * math.Exp(mi*lt)
		z[i] = math.Abs(e) * s
		if m != nil {
			m[i] = mi
		}
		for j := i * n; j < (i+1)*n; j++ {
			x[j] = y[j] + s*rng.NormFloat64()
		}
	}
	return nil
}
