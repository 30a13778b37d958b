package yukawa

import (
	"math"

	"github.com/pfgm/pfgm/internal/bessel"
)

// The profiles are tabulated in s = log z on [sLo, sHi]. Below zLo = e^sLo
// and for ν ≥ 1 both log h and r are ∝ z² to a relative O(z²·log z); for
// ν < 1 (r ~ z^(2ν+…) with log factors) and above zHi they are evaluated from
// the Bessel functions directly.
const (
	sLo = -27.631021115928547 // log 1e-12
	sHi = 11.512925464970229  // log 1e5

	maxLogZ = 709.782712893384 // log MaxFloat64: the largest s whose z = e^s is finite
)

// profile holds, at equally spaced s = log z, the values and s-derivatives of
//
//	g(s) = log h(z) + z      (the e^(−z) decay removed, so g is smooth: g' → ν+½)
//	q(s) = log r(z),  r(z) = z·K_ν(z)/K_(ν+1)(z)   (q' → 2 at 0, → 1 at ∞)
//
// with g' = z − r and q' = 2ν + 2 + (r² − z²)/r, for cubic Hermite
// interpolation. Both derivatives are exact (from the same Bessel values),
// so the interpolation error is O(δ⁴·max|g””|).
type profile struct {
	nu, logNorm float64 // logNorm = ν·log 2 + log Γ(ν+1)
	s0, inv, h  float64 // first node, 1/δ, δ
	g, dg       []float64
	q, dq       []float64
}

func newProfile(nu float64) *profile {
	lg, _ := math.Lgamma(nu + 1)
	// Derivatives in s scale like ν for large orders (the profiles are
	// functions of z/ν), so the error δ⁴·ν is held down with δ ∝ ν^(−1/4).
	h := 1 / (48 * math.Max(1, math.Pow(nu, 0.25)))
	n := int(math.Ceil((sHi-sLo)/h)) + 1
	p := &profile{nu: nu, logNorm: nu*math.Ln2 + lg, s0: sLo, h: h, inv: 1 / h,
		g: make([]float64, n), dg: make([]float64, n), q: make([]float64, n), dq: make([]float64, n)}
	for i := range n {
		s := sLo + float64(i)*h
		p.g[i], p.dg[i], p.q[i], p.dq[i] = p.exact(s)
	}
	return p
}

// exact evaluates g, g', q, q' at s from the Bessel functions.
func (p *profile) exact(s float64) (g, dg, q, dq float64) {
	z := math.Exp(s)
	// Scaled logs log(e^z·K): g = log h + z directly, and lk − lk1 keeps its
	// digits at large z, where log K ≈ −z.
	lk, lk1 := bessel.LogKPairScaled(p.nu, z)
	g = (p.nu+1)*s + lk1 - p.logNorm
	// r = z·K_ν/K_(ν+1). Where r ≈ z (large z) the differences r − z and
	// r² − z² are formed from expm1 of the log ratio; where r ≪ z (small z)
	// directly, since expm1 ≈ −1 there would lose r's digits.
	ratio := lk - lk1
	r := z * math.Exp(ratio)
	var rmz, r2mz2OverR float64
	if r > z/2 {
		rmz = z * math.Expm1(ratio)
		r2mz2OverR = rmz * (r + z) / r
	} else {
		rmz = r - z
		r2mz2OverR = r - z*math.Exp(-ratio)
	}
	dg = -rmz
	q = math.Log(r)
	dq = 2*p.nu + 2 + r2mz2OverR
	return
}

// eval returns log h and r at s = log z.
func (p *profile) eval(s float64) (logH, r float64) {
	return p.evalZ(s, math.Exp(s), true)
}

// evalZ is eval for a caller that has z = e^s already, and computes r
// only when wantR (it returns 0 otherwise): the exponentials are most of
// the field's hot loop.
func (p *profile) evalZ(s, z float64, wantR bool) (logH, r float64) {
	x := (s - p.s0) * p.inv
	// Compare before converting: int(x) of a huge or infinite x is
	// undefined (math.MinInt64 on amd64) and would index out of range.
	if !(x >= 0 && x < float64(len(p.g)-1)) {
		return p.outside(s)
	}
	i := int(x)
	u := x - float64(i)
	u2 := u * u
	u3 := u2 * u
	h00 := 2*u3 - 3*u2 + 1
	h10 := (u3 - 2*u2 + u) * p.h
	h01 := -2*u3 + 3*u2
	h11 := (u3 - u2) * p.h
	g := h00*p.g[i] + h10*p.dg[i] + h01*p.g[i+1] + h11*p.dg[i+1]
	logH = min(g-z, 0) // h ≤ 1 exactly; keep rounding from breaking it
	if wantR {
		q := h00*p.q[i] + h10*p.dq[i] + h01*p.q[i+1] + h11*p.dq[i+1]
		r = math.Exp(q)
	}
	return logH, r
}

// outside handles s beyond the table: the z² law below, Bessel functions above.
func (p *profile) outside(s float64) (logH, r float64) {
	switch {
	case math.IsNaN(s):
		return math.NaN(), math.NaN()
	case s > maxLogZ:
		// z overflows float64: h vanishes, and r(z) ≈ z overflows too.
		return math.Inf(-1), math.Inf(1)
	}
	if s < p.s0 && p.nu >= 1 {
		// log h and r both vanish like z².
		f := math.Exp(2 * (s - p.s0))
		return min(p.g[0]-math.Exp(p.s0), 0) * f, math.Exp(p.q[0]) * f
	}
	g, _, q, _ := p.exact(s)
	// h ≤ 1 exactly; rounding in log K at tiny z must not break that bound.
	return min(g-math.Exp(s), 0), math.Exp(q)
}
