package yukawa

import (
	"math"
)

// The radial law of the kernel. With u = R/t (R = ‖x − y‖) and a = m·t,
//
//	p(u) ∝ u^(N−1)·(1+u²)^(−d/2)·h(a·√(1+u²)),
//
// so everything about the radius depends on t only through a (and on N, D).
// moments tabulates, on a grid in log a, the log of the normaliser
// I₀(a) = ∫p, of the second moment E[u²], and the acceptance rates of the
// two rejection samplers of radius.go, all by the trapezoid rule in log u
// (the integrands are smooth and vanish at both ends, so it converges
// geometrically in the step).
type moments struct {
	la0, inv float64   // first node in log a, 1/step
	logS     []float64 // ½·log(E[u²]/N) = log(σ_eq/t)
	logAccC  []float64 // log acceptance of the Coulomb-proposal sampler
	logAccG  []float64 // log acceptance of the Gamma-proposal sampler
}

// The log a table. Beyond it log(σ_eq/t) is extrapolated linearly in
// log a: its slope tends to −½ at both ends for D = 1 (σ² → t/m for large
// a, the diffusion limit; σ² ∝ t/m from the heavy Coulomb tail cut at 1/m
// for small a), and the acceptances are recomputed directly.
const (
	laLo, laHi, laStep = -14.0, 11.0, 0.05
	// Quadrature in s = log u.
	quadLo, quadHi, quadStep = -30.0, 30.0, 0.02
)

// logDensityU returns log of u^N·(1+u²)^(−d/2)·h(a√(1+u²)), the radial
// density in d log u, at s = log u (la = log a), or −Inf where h is
// negligible.
func (k *Kernel) logDensityU(s, la float64) float64 {
	lu2 := softplus2(s) // log(1 + u²)
	lz := la + 0.5*lu2
	// Far beyond the table h is below e^(−1000) relative to h(a): skip the
	// (slow) direct Bessel evaluation.
	if lz > sHi {
		if z, a := math.Exp(lz), math.Exp(la); z-a > 1000 {
			return math.Inf(-1)
		}
	}
	var lh float64
	if k.prof != nil {
		lh, _ = k.prof.eval(lz)
	}
	return float64(k.n)*s - 0.5*k.d*lu2 + lh
}

// softplus2 is log(1 + e^(2s)) without overflow.
func softplus2(s float64) float64 {
	if s > 20 {
		return 2*s + math.Log1p(math.Exp(-2*s))
	}
	return math.Log1p(math.Exp(2 * s))
}

// quadrature returns log I₀ = log ∫u^(N−1)(1+u²)^(−d/2)h du and
// log I₂ = log ∫u^(N+1)(…) du at a = e^la.
func (k *Kernel) quadrature(la float64) (logI0, logI2 float64) {
	n := int((quadHi-quadLo)/quadStep) + 1
	lf := make([]float64, n)
	mx0, mx2 := math.Inf(-1), math.Inf(-1)
	for i := range lf {
		s := quadLo + float64(i)*quadStep
		lf[i] = k.logDensityU(s, la)
		mx0 = max(mx0, lf[i])
		mx2 = max(mx2, lf[i]+2*s)
	}
	var s0, s2 float64
	for i, v := range lf {
		s := quadLo + float64(i)*quadStep
		s0 += math.Exp(v - mx0)
		s2 += math.Exp(v + 2*s - mx2)
	}
	lh := math.Log(quadStep)
	return mx0 + math.Log(s0) + lh, mx2 + math.Log(s2) + lh
}

// logAcceptance returns the log acceptance rates of the two rejection
// samplers at a = e^la from the normaliser log I₀ (see radius.go):
//
//	Coulomb proposal: I₀ / (h(a)·B(N/2, D/2)/2),
//	Gamma proposal:   I₀ / (h(a)·2^(N/2−1)·Γ(N/2)·a^(−N/2)).
func (k *Kernel) logAcceptance(la, logI0 float64) (accC, accG float64) {
	var lha float64
	if k.prof != nil {
		lha, _ = k.prof.eval(la)
	}
	hn, hd := float64(k.n)/2, float64(k.p.D)/2
	lgn, _ := math.Lgamma(hn)
	lgd, _ := math.Lgamma(hd)
	lgnd, _ := math.Lgamma(hn + hd)
	logBeta := lgn + lgd - lgnd
	accC = min(logI0-lha-logBeta+math.Ln2, 0)
	accG = min(logI0-lha-(hn-1)*math.Ln2-lgn+hn*la, 0)
	return accC, accG
}

func (k *Kernel) buildMoments() *moments {
	n := int(math.Round((laHi-laLo)/laStep)) + 1
	mo := &moments{la0: laLo, inv: 1 / laStep,
		logS: make([]float64, n), logAccC: make([]float64, n), logAccG: make([]float64, n)}
	for i := range n {
		la := laLo + float64(i)*laStep
		l0, l2 := k.quadrature(la)
		mo.logS[i] = 0.5 * (l2 - l0 - math.Log(float64(k.n)))
		mo.logAccC[i], mo.logAccG[i] = k.logAcceptance(la, l0)
	}
	return mo
}

// at interpolates a table at la: cubic (Catmull–Rom) inside, linear
// extrapolation from the last two nodes outside.
func (mo *moments) at(tab []float64, la float64) float64 {
	x := (la - mo.la0) * mo.inv
	n := len(tab)
	switch {
	case x <= 0:
		return tab[0] + x*(tab[1]-tab[0])
	case x >= float64(n-1):
		return tab[n-1] + (x-float64(n-1))*(tab[n-1]-tab[n-2])
	}
	i := int(x)
	u := x - float64(i)
	p0, p1, p2, p3 := tab[max(i-1, 0)], tab[i], tab[min(i+1, n-1)], tab[min(i+2, n-1)]
	return p1 + 0.5*u*(p2-p0+u*(2*p0-5*p1+4*p2-p3+u*(3*(p1-p2)+p3-p0)))
}

// moments returns the kernel's tables, building them on first use
// (tens of milliseconds).
func (k *Kernel) moments() *moments {
	k.momOnce.Do(func() { k.mom = k.buildMoments() })
	return k.mom
}

// SigmaEq is the σ-equivalent of augmented radius t: the per-coordinate RMS
// displacement √(E‖x − y‖²/N) of the kernel, which is what the network's
// EDM preconditioning is given. For m = 0 it is the Poisson t/√(D−2) and
// +Inf for D ≤ 2 (the Coulomb kernel has no second moment there); for
// m > 0 it is finite for every D, → √(t/m) as m·t → ∞ (the diffusion
// limit). It is interpolated from the tables (relative error ~1e-6);
// SigmaEqQuad integrates directly.
func (k *Kernel) SigmaEq(t float64) float64 {
	if k.prof == nil {
		return k.coulombSigma(t)
	}
	return t * math.Exp(k.moments().at(k.moments().logS, math.Log(k.p.M*t)))
}

// SigmaEqQuad is SigmaEq by direct quadrature at t (slower; for tests and
// for m·t off the table).
func (k *Kernel) SigmaEqQuad(t float64) float64 {
	if k.prof == nil {
		return k.coulombSigma(t)
	}
	l0, l2 := k.quadrature(math.Log(k.p.M * t))
	return t * math.Exp(0.5*(l2-l0-math.Log(float64(k.n))))
}

func (k *Kernel) coulombSigma(t float64) float64 {
	if k.p.D <= 2 {
		return math.Inf(1)
	}
	return t / math.Sqrt(float64(k.p.D-2))
}

// TOfSigma inverts SigmaEq (which is increasing in t) by bisection in
// log t: the augmented radius whose kernel has per-coordinate RMS σ.
// It needs m > 0 or D > 2.
func (k *Kernel) TOfSigma(sigma float64) float64 {
	if k.prof == nil {
		if k.p.D <= 2 {
			return math.NaN()
		}
		return sigma * math.Sqrt(float64(k.p.D-2))
	}
	lo, hi := math.Log(sigma)-60, math.Log(sigma)+60
	ls := math.Log(sigma)
	for range 100 {
		mid := 0.5 * (lo + hi)
		if math.Log(k.SigmaEq(math.Exp(mid))) < ls {
			lo = mid
		} else {
			hi = mid
		}
		if hi-lo < 1e-13 {
			break
		}
	}
	return math.Exp(0.5 * (lo + hi))
}
