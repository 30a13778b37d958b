package bessel

import (
	"math"
)

// SwitchOrder is the order at and above which the uniform asymptotic
// expansion replaces the exact small-order path. At ν = 25 the first
// omitted Debye term is below 10⁻¹⁵ of the sum, and the recurrence below
// it takes at most 25 steps.
const SwitchOrder = 25

// eps is the relative accuracy at which the series and continued fractions stop.
const eps = 1e-16

// maxIter bounds the series and continued fractions; both converge in far
// fewer iterations for the arguments they are used on.
const maxIter = 100000

// LogK returns log K_ν(x) for x > 0 (K_(−ν) = K_ν, so the sign of ν is
// ignored). It returns +Inf for x = 0 and NaN for x < 0 or NaN input.
func LogK(nu, x float64) float64 {
	lk, _ := LogKPair(math.Abs(nu), x)
	return lk
}

// LogKPair returns log K_ν(x) and log K_(ν+1)(x) for ν ≥ 0, x > 0: the pair
// the Yukawa kernel (order ν+1) and its death rate (the ratio K_ν/K_(ν+1))
// need together. It returns (+Inf, +Inf) for x = 0 and NaNs for x < 0,
// ν < 0 or NaN input.
func LogKPair(nu, x float64) (lk, lk1 float64) {
	// LogKPairScaled's special cases survive the shift: NaN − x is NaN,
	// +Inf − 0 is +Inf and −Inf − (+Inf) is −Inf.
	lk, lk1 = LogKPairScaled(nu, x)
	return lk - x, lk1 - x
}

// LogKPairScaled returns log(e^x·K_ν(x)) and log(e^x·K_(ν+1)(x)) for ν ≥ 0,
// x > 0. For large x these are small numbers where log K_ν(x) ≈ −x is not,
// so their difference, the log of the ratio K_ν/K_(ν+1), keeps its digits.
func LogKPairScaled(nu, x float64) (lk, lk1 float64) {
	switch {
	case math.IsNaN(nu) || math.IsNaN(x) || x < 0 || nu < 0 || math.IsInf(nu, 0):
		return math.NaN(), math.NaN()
	case x == 0:
		return math.Inf(1), math.Inf(1)
	case math.IsInf(x, 1):
		return math.Inf(-1), math.Inf(-1)
	}
	if nu >= SwitchOrder {
		return logKDebyeScaled(nu, x), logKDebyeScaled(nu+1, x)
	}
	return logKRecurrence(nu, x)
}

// logKRecurrence is the exact path for 0 ≤ ν < SwitchOrder: Temme/Steed at
// order μ = ν − round(ν) ∈ [−½, ½], then upward recurrence. It returns the
// scaled logs log(e^x·K).
func logKRecurrence(nu, x float64) (lk, lk1 float64) {
	nl := int(nu + 0.5)
	mu := nu - float64(nl)
	if x < tinyX {
		return logKRecurrenceTiny(mu, nl, x)
	}
	var k0, k1, logScale float64
	if x <= 2 {
		k0, k1 = temmeSeries(mu, x)
		k1 *= 2 / x
		logScale = x
	} else {
		// Steed's CF2 gives K scaled by e^x, which is what we return.
		k0, k1 = steedCF2(mu, x)
	}
	// K_(μ+k+1) = K_(μ+k−1) + (2(μ+k)/x)·K_(μ+k). All terms are positive, so
	// there is no cancellation; rescale when the values grow large.
	const big = 1e250
	for i := 1; i <= nl; i++ {
		k0, k1 = k1, k0+2*(mu+float64(i))/x*k1
		if k1 > big {
			k0 /= big
			k1 /= big
			logScale += math.Log(big)
		}
	}
	return math.Log(k0) + logScale, math.Log(k1) + logScale
}

// tinyX is the argument below which one recurrence step (a factor ~2ν/x)
// could overflow float64, so the recurrence runs in log space instead.
const tinyX = 1e-200

// logKRecurrenceTiny is logKRecurrence for x < tinyX, in log space.
func logKRecurrenceTiny(mu float64, nl int, x float64) (lk, lk1 float64) {
	s0, s1 := temmeSeries(mu, x)
	l0 := math.Log(s0)
	l1 := math.Log(s1) + math.Log(2/x)
	for i := 1; i <= nl; i++ {
		a := l0
		b := math.Log(2*(mu+float64(i))/x) + l1
		hi, lo := math.Max(a, b), math.Min(a, b)
		l0, l1 = l1, hi+math.Log1p(math.Exp(lo-hi))
	}
	return l0 + x, l1 + x
}

// temmeSeries returns K_μ(x) and (x/2)·K_(μ+1)(x) for |μ| ≤ ½ and 0 < x ≤ 2
// (Temme 1975, as in Numerical Recipes' bessik). The second is scaled so
// that it cannot overflow for tiny x.
func temmeSeries(mu, x float64) (kmu, halfXKmu1 float64) {
	x2 := 0.5 * x
	pimu := math.Pi * mu
	fact := 1.0
	if math.Abs(pimu) >= eps {
		fact = pimu / math.Sin(pimu)
	}
	d := -math.Log(x2)
	e := mu * d
	fact2 := 1.0
	if math.Abs(e) >= eps {
		fact2 = math.Sinh(e) / e
	}
	gam1, gam2, gampl, gammi := gammaTerms(mu)
	ff := fact * (gam1*math.Cosh(e) + gam2*fact2*d)
	sum := ff
	ee := math.Exp(e)
	p := 0.5 * ee / gampl
	q := 0.5 / (ee * gammi)
	c := 1.0
	dd := x2 * x2
	sum1 := p
	mu2 := mu * mu
	for i := 1; i <= maxIter; i++ {
		fi := float64(i)
		ff = (fi*ff + p + q) / (fi*fi - mu2)
		c *= dd / fi
		p /= fi - mu
		q /= fi + mu
		del := c * ff
		sum += del
		sum1 += c * (p - fi*ff)
		if math.Abs(del) < math.Abs(sum)*eps {
			break
		}
	}
	return sum, sum1
}

// steedCF2 returns e^x·K_μ(x) and e^x·K_(μ+1)(x) for |μ| ≤ ½ and x > 2 by
// Steed's method for the continued fraction CF2 with Temme's normalisation.
func steedCF2(mu, x float64) (kmu, kmu1 float64) {
	mu2 := mu * mu
	b := 2 * (1 + x)
	d := 1 / b
	h := d
	delh := d
	q1, q2 := 0.0, 1.0
	a1 := 0.25 - mu2
	q := a1
	c := a1
	a := -a1
	s := 1 + q*delh
	for i := 1; i <= maxIter; i++ {
		fi := float64(i)
		a -= 2 * fi
		c = -a * c / (fi + 1)
		qnew := (q1 - b*q2) / a
		q1, q2 = q2, qnew
		q += c * qnew
		b += 2
		d = 1 / (b + a*d)
		delh = (b*d - 1) * delh
		h += delh
		dels := q * delh
		s += dels
		if math.Abs(dels/s) < eps {
			break
		}
	}
	h *= a1
	kmu = math.Sqrt(math.Pi/(2*x)) / s
	kmu1 = kmu * (mu + x + 0.5 - h) / x
	return kmu, kmu1
}

// gammaTerms returns Temme's Γ₁(μ) = (1/Γ(1−μ) − 1/Γ(1+μ))/(2μ),
// Γ₂(μ) = (1/Γ(1−μ) + 1/Γ(1+μ))/2, 1/Γ(1+μ) and 1/Γ(1−μ) for |μ| ≤ ½, by
// Chebyshev expansions (Numerical Recipes' beschb) that avoid the
// cancellation in Γ₁ for small μ.
func gammaTerms(mu float64) (gam1, gam2, gampl, gammi float64) {
	xx := 8*mu*mu - 1
	gam1 = chebev(gam1Cheb[:], xx)
	gam2 = chebev(gam2Cheb[:], xx)
	gampl = gam2 - mu*gam1
	gammi = gam2 + mu*gam1
	return
}

var (
	gam1Cheb = [...]float64{-1.142022680371168e0, 6.5165112670737e-3,
		3.087090173086e-4, -3.4706269649e-6, 6.9437664e-9, 3.67795e-11,
		-1.356e-13}
	gam2Cheb = [...]float64{1.843740587300905e0, -7.68528408447867e-2,
		1.2719271366546e-3, -4.9717367042e-6, -3.31261198e-8, 2.423096e-10,
		-1.702e-13, -1.49e-15}
)

// chebev evaluates the Chebyshev series Σ' c_k T_k(y) on [−1, 1] (the first
// coefficient halved) by Clenshaw's recurrence.
func chebev(c []float64, y float64) float64 {
	var d, dd float64
	y2 := 2 * y
	for j := len(c) - 1; j >= 1; j-- {
		d, dd = y2*d-dd+c[j], d
	}
	return y*d - dd + 0.5*c[0]
}
