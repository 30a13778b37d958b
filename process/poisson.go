package process

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Training-time clip of B ~ Beta(N/2, D/2) (the PFGM++ reference code); the
// prior does not clip.
const (
	clipLo = 1e-3
	clipHi = 1 - 1e-3
)

// Poisson is the PFGM++ perturbation kernel with D augmented dimensions.
// D = +Inf is the Gaussian (diffusion, EDM) kernel, treated as its own case
// rather than as a large D. Build it with New to have D validated.
type Poisson struct {
	D float64
}

// New returns the kernel for D augmented dimensions: an integer ≥ 1, or
// math.Inf(1) for diffusion.
func New(D float64) (Poisson, error) {
	if !ValidD(D) {
		return Poisson{}, fmt.Errorf("process: D must be an integer ≥ 1 or inf, got %v", D)
	}
	return Poisson{D: D}, nil
}

// Gaussian reports whether p is the D = ∞ (diffusion) kernel.
func (p Poisson) Gaussian() bool { return math.IsInf(p.D, 1) }

// String is "D=128" or "D=inf".
func (p Poisson) String() string { return "D=" + FormatD(p.D) }

// R is the augmented radius r = σ√D aligned with noise level σ. For D = ∞ it
// is +Inf; nothing uses it there, since the Gaussian kernel is written in σ.
func (p Poisson) R(sigma float64) float64 { return sigma * math.Sqrt(p.D) }

// Radius draws the norm ‖x − y‖ of a perturbation of an n-dimensional point at
// noise level sigma: B ~ Beta(n/2, D/2), R = r·√(B/(1−B)) with r = σ√D.
// clip applies the training-time clip of B to [1e-3, 1−1e-3]. It panics for
// D = ∞, where the Gaussian noise is drawn per coordinate and has no separate
// radius (use Noise).
func (p Poisson) Radius(rng *rand.Rand, n int, sigma float64, clip bool) float64 {
	if p.Gaussian() {
		panic("process: Radius is not defined for D=inf; draw Gaussian noise with Noise")
	}
	return RadiusAt(rng, n, p.D, p.R(sigma), clip)
}

// RadiusAt draws the perturbation norm of the D-augmented Coulomb kernel for
// n data dimensions at augmented radius r directly (R = r·√(B/(1−B)),
// B ~ Beta(n/2, D/2)), for processes that are not parametrised by σ.
// It panics unless n ≥ 1 and D is finite and valid.
func RadiusAt(rng *rand.Rand, n int, D, r float64, clip bool) float64 {
	if n < 1 {
		panic(fmt.Sprintf("process: RadiusAt needs n ≥ 1, got %d", n))
	}
	if !validFiniteD(D) {
		panic(fmt.Sprintf("process: RadiusAt needs a finite D ≥ 1, got %v", D))
	}
	// ratio = B/(1−B) = G₁/G₂; never form 1−B (B is within 1e-6 of 1 for
	// n = 10⁴, D = 1). B ↦ B/(1−B) is increasing, so clipping B is clipping
	// the ratio to the images of the bounds.
	ratio := BetaPrime(rng, float64(n)/2, D/2)
	if clip {
		ratio = min(max(ratio, clipLo/(1-clipLo)), clipHi/(1-clipHi))
	}
	return r * math.Sqrt(ratio)
}

// Noise writes len(sigma) perturbation vectors of dim numbers each, row i of
// out, so that x = y + out[i] is a draw of the kernel around y at noise level
// sigma[i]: R·u with u uniform on the sphere S^(dim−1) for finite D, and
// sigma[i]·ε with ε ~ N(0, I) for D = ∞. clip is the training-time clip (no
// effect for D = ∞). Training calls it with float32, samplers and priors with
// float64; the radius and direction are computed in float64 either way.
// It panics if len(out) != len(sigma)*dim.
func Noise[F float32 | float64](p Poisson, rng *rand.Rand, dim int, sigma []float64, clip bool, out []F) {
	if dim < 1 || len(out) != len(sigma)*dim {
		panic(fmt.Sprintf("process: Noise needs len(out) = len(sigma)·dim, got %d ≠ %d·%d", len(out), len(sigma), dim))
	}
	gauss := p.Gaussian()
	for i, s := range sigma {
		row := out[i*dim : (i+1)*dim]
		if gauss {
			for j := range row {
				row[j] = F(s * rng.NormFloat64())
			}
			continue
		}
		OnSphere(rng, p.Radius(rng, dim, s, clip), row)
	}
}

// OnSphere writes into row a point drawn uniformly from the sphere of the
// given radius in len(row) dimensions: radius·g/‖g‖ for g of len(row)
// standard normal variates from rng (‖g‖ is accumulated from the float64
// draws, before rounding to F).
func OnSphere[F float32 | float64](rng *rand.Rand, radius float64, row []F) {
	var ss float64
	for j := range row {
		g := rng.NormFloat64()
		ss += g * g
		row[j] = F(g)
	}
	if ss == 0 { // only possible for one dimension with an exact 0 draw
		row[0], ss = 1, 1
	}
	scale := radius / math.Sqrt(ss)
	for j := range row {
		row[j] = F(float64(row[j]) * scale)
	}
}

// Prior draws n points of dimension dim from the prior at sigmaMax: the
// kernel around 0 with r_max = σ_max√D, unclipped (DESIGN §3.3); for D = ∞
// this is N(0, σ_max² I). The result is n·dim numbers, one point a row.
func (p Poisson) Prior(rng *rand.Rand, n, dim int, sigmaMax float64) []float64 {
	sig := make([]float64, n)
	for i := range sig {
		sig[i] = sigmaMax
	}
	out := make([]float64, n*dim)
	Noise(p, rng, dim, sig, false, out)
	return out
}
