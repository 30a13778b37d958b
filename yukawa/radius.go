package yukawa

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/pfgm/pfgm/process"
)

// Three exact ways to draw R = ‖x − y‖ from the kernel at radius t, whose
// law is p(R) ∝ R^(N−1)·ρ^(−d)·h(mρ), ρ = √(R² + t²):
//
//   - Coulomb proposal: R from the PFGM++ kernel R^(N−1)ρ^(−d)
//     (process.RadiusAt), accepted with h(mρ)/h(mt). h is decreasing and
//     ρ ≥ t, so this is ≤ 1, and it is the target/proposal ratio up to a
//     constant. Acceptance → 1 as m·t → 0, but falls like e^(−m·t/2)-ish
//     for large m·t, where the proposal is far too wide.
//   - Gamma proposal (large m·t): with w = ρ/t − 1 the target is
//     T(w) ∝ (w(w+2))^(N/2−1)(1+w)^(1−d)·h(a(1+w)), a = m·t. Propose
//     w ~ Gamma(N/2, rate a); T/g = (w+2)^(N/2−1)(1+w)^(1−d)h(a(1+w))e^(aw)
//     ∝ ((w+2)/(1+w))^(N/2−1)(1+w)^(−D/2)·e^z K_(d/2)(z)|_(z=a(1+w)), every
//     factor non-increasing in w (e^z·K_μ(z) = ∫e^(−z(cosh s−1))cosh(μs)ds
//     decreases), so its maximum is at w = 0 and the acceptance is
//     ((w+2)/2)^(N/2−1)(1+w)^(1−d)·h(a(1+w))/h(a)·e^(aw) ≤ 1.
//   - Inverse CDF: the radial density tabulated in log u on the quadrature
//     grid of moments.go, cumulated by the trapezoid rule and inverted by
//     linear interpolation (accurate to the quadrature, not exact; used
//     only where both rejection samplers would accept less than minAccept).
//
// Radius picks by the tabulated expected acceptance.

// minAccept is the acceptance below which Radius inverts the CDF instead.
const minAccept = 0.05

// maxTrials bounds a rejection loop (at acceptance ≥ minAccept the chance
// of reaching it is below 1e-22); past it the inverse CDF is used.
const maxTrials = 1000

// Method names a radius sampler.
type Method int

// The radius samplers.
const (
	MethodAuto Method = iota
	MethodCoulomb
	MethodGamma
	MethodInverse
)

// Radius draws the perturbation norm ‖x − y‖ of the kernel at augmented
// radius t > 0 with the sampler of highest expected acceptance.
func (k *Kernel) Radius(rng *rand.Rand, t float64) float64 {
	return k.RadiusWith(rng, t, MethodAuto)
}

// RadiusWith draws the perturbation norm with a given method (MethodAuto
// chooses). For m = 0 every method is the Coulomb kernel.
func (k *Kernel) RadiusWith(rng *rand.Rand, t float64, m Method) float64 {
	if !(t > 0) || math.IsInf(t, 0) {
		panic(fmt.Sprintf("yukawa: Radius needs 0 < t < ∞, got %v", t))
	}
	if k.prof == nil {
		return process.RadiusAt(rng, k.n, float64(k.p.D), t, false)
	}
	if m == MethodAuto {
		m = k.pick(math.Log(k.p.M * t))
	}
	switch m {
	case MethodCoulomb:
		if r, ok := k.radiusCoulomb(rng, t); ok {
			return r
		}
	case MethodGamma:
		if r, ok := k.radiusGamma(rng, t); ok {
			return r
		}
	}
	return k.radiusInverse(rng, t)
}

// pick returns the sampler for a = e^la: the better rejection sampler if
// it accepts at least minAccept, else the inverse CDF.
func (k *Kernel) pick(la float64) Method {
	var ac, ag float64
	if la >= laLo && la <= laHi {
		mo := k.moments()
		ac, ag = mo.at(mo.logAccC, la), mo.at(mo.logAccG, la)
	} else {
		l0, _ := k.quadrature(la)
		ac, ag = k.logAcceptance(la, l0)
	}
	switch {
	case max(ac, ag) < math.Log(minAccept):
		return MethodInverse
	case ac >= ag:
		return MethodCoulomb
	}
	return MethodGamma
}

func (k *Kernel) radiusCoulomb(rng *rand.Rand, t float64) (float64, bool) {
	lht, _ := k.prof.eval(math.Log(k.p.M * t))
	for range maxTrials {
		r := process.RadiusAt(rng, k.n, float64(k.p.D), t, false)
		// log ρ = log t + ½·log(1 + (R/t)²)
		lz := math.Log(k.p.M*t) + 0.5*math.Log1p((r/t)*(r/t))
		lh, _ := k.prof.eval(lz)
		if math.Log(1-rng.Float64()) <= lh-lht {
			return r, true
		}
	}
	return 0, false
}

func (k *Kernel) radiusGamma(rng *rand.Rand, t float64) (float64, bool) {
	a := k.p.M * t
	la := math.Log(a)
	lha, _ := k.prof.eval(la)
	hn := float64(k.n) / 2
	for range maxTrials {
		w := process.Gamma(rng, hn) / a
		l1w := math.Log1p(w)
		lh, _ := k.prof.eval(la + l1w)
		logAcc := (hn-1)*math.Log1p(w/2) + (1-k.d)*l1w + lh - lha + a*w
		if math.Log(1-rng.Float64()) <= logAcc {
			return t * math.Sqrt(w*(w+2)), true
		}
	}
	return 0, false
}

// radiusInverse inverts the radial CDF tabulated in log u. A coarse pass
// finds where the density is within e^(−40) of its peak; the fine grid
// (the quadrature step) covers only that.
func (k *Kernel) radiusInverse(rng *rand.Rand, t float64) float64 {
	la := math.Log(k.p.M * t)
	const coarse, cut = 0.25, 40.0
	mx, sA, sB := math.Inf(-1), quadHi, quadLo
	var cs []float64
	for s := quadLo; s <= quadHi; s += coarse {
		v := k.logDensityU(s, la)
		cs = append(cs, v)
		mx = max(mx, v)
	}
	for i, v := range cs {
		if v > mx-cut {
			s := quadLo + float64(i)*coarse
			sA, sB = min(sA, s-coarse), max(sB, s+coarse)
		}
	}
	n := int((sB-sA)/quadStep) + 1
	lf := make([]float64, n)
	for i := range lf {
		lf[i] = k.logDensityU(sA+float64(i)*quadStep, la)
	}
	cum := make([]float64, n)
	for i := 1; i < n; i++ {
		cum[i] = cum[i-1] + 0.5*(math.Exp(lf[i-1]-mx)+math.Exp(lf[i]-mx))
	}
	u := rng.Float64() * cum[n-1]
	i := sort.SearchFloat64s(cum, u) // cum[i-1] < u ≤ cum[i]
	i = min(max(i, 1), n-1)
	frac := (u - cum[i-1]) / (cum[i] - cum[i-1])
	if !(frac >= 0) { // an empty bin (cum flat): its left end
		frac = 0
	}
	s := sA + (float64(i-1)+frac)*quadStep
	return t * math.Exp(s)
}

// Noise writes len(t) perturbation vectors of the kernel's dimension N,
// row i of out, so that x = y + out[i] is an exact draw of the kernel
// around y at augmented radius t[i]: Radius times a direction uniform on
// the sphere S^(N−1). Like process.Noise, radius and direction are formed
// in float64. It panics if len(out) != len(t)·N.
func Noise[F float32 | float64](k *Kernel, rng *rand.Rand, t []float64, out []F) {
	noise(k, rng, t, out, k.Radius)
}

// CoulombNoise is Noise for the Coulomb (m = 0, PFGM++) kernel with the
// same N and D, unclipped: the flux the sampler's prior is drawn from, whose
// heavy tail (for D = 1, P(R > r) ~ t/r) reaches far beyond the Yukawa
// kernel's cut-off near R ~ t + 1/m.
func CoulombNoise[F float32 | float64](k *Kernel, rng *rand.Rand, t []float64, out []F) {
	D := float64(k.p.D)
	noise(k, rng, t, out, func(rng *rand.Rand, t float64) float64 {
		return process.RadiusAt(rng, k.n, D, t, false)
	})
}

func noise[F float32 | float64](k *Kernel, rng *rand.Rand, t []float64, out []F, radiusAt func(*rand.Rand, float64) float64) {
	dim := k.n
	if len(out) != len(t)*dim {
		panic(fmt.Sprintf("yukawa: Noise needs len(out) = len(t)·N, got %d ≠ %d·%d", len(out), len(t), dim))
	}
	for i, ti := range t {
		row := out[i*dim : (i+1)*dim]
		process.OnSphere(rng, radiusAt(rng, ti), row)
	}
}
