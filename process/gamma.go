package process

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Gamma draws from Gamma(shape, 1) with the Marsaglia–Tsang method (2000),
// which is exact (a rejection sampler, not an approximation) for every
// shape > 0. Shapes below 1 use the boost G(a) = G(a+1)·U^(1/a).
// It panics if shape is not a positive finite number.
func Gamma(rng *rand.Rand, shape float64) float64 {
	if !(shape > 0) || math.IsInf(shape, 1) {
		panic(fmt.Sprintf("process: Gamma shape must be positive and finite, got %v", shape))
	}
	if shape < 1 {
		// U in (0, 1]; working in logs keeps tiny shapes from hitting 0^(1/a) noise.
		u := 1 - rng.Float64()
		return math.Exp(math.Log(marsagliaTsang(rng, shape+1)) + math.Log(u)/shape)
	}
	return marsagliaTsang(rng, shape)
}

// marsagliaTsang is the core sampler for shape ≥ 1.
func marsagliaTsang(rng *rand.Rand, shape float64) float64 {
	d := shape - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := rng.NormFloat64()
		t := c * x
		if t <= -1 {
			continue
		}
		v := (1 + t) * (1 + t) * (1 + t)
		u := rng.Float64()
		x2 := x * x
		if u < 1-0.0331*x2*x2 {
			return d * v
		}
		// log u < x²/2 + d(1 − v + ln v). For shapes ~10⁶, t ~ 10⁻³ and
		// 1 − v + ln v ~ 10⁻⁷ is a difference of two ~10⁻³ numbers, which
		// d then multiplies by 10⁶: compute v − 1 and ln v without forming v.
		vm1 := t * (3 + t*(3+t))
		lnv := 3 * math.Log1p(t)
		if math.Log(u) < 0.5*x2+d*(lnv-vm1) {
			return d * v
		}
	}
}

// Beta draws B ~ Beta(a, b) as G₁/(G₁+G₂) with G₁ ~ Gamma(a), G₂ ~ Gamma(b).
// Exact for all a, b > 0 (including 10⁶ and beyond). When B is close to 1,
// 1−B computed from the result loses digits: use BetaPrime for B/(1−B).
func Beta(rng *rand.Rand, a, b float64) float64 {
	g1 := Gamma(rng, a)
	g2 := Gamma(rng, b)
	return g1 / (g1 + g2)
}

// BetaPrime draws B/(1−B) for B ~ Beta(a, b), computed directly as G₁/G₂
// so that no precision is lost when B is near 0 or 1. It consumes the random
// stream exactly like Beta.
func BetaPrime(rng *rand.Rand, a, b float64) float64 {
	g1 := Gamma(rng, a)
	g2 := Gamma(rng, b)
	return g1 / g2
}
