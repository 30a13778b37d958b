package yukawa

import (
	"math"
	"slices"
)

// paretoK is the Pareto-k̂ diagnostic of importance weights exp(lw)
// (Vehtari, Simpson, Gelman, Yao & Gabry, "Pareto smoothed importance
// sampling", 2024): the shape of a generalised Pareto distribution fitted
// to the largest M = min(n/5, 3√n) weights by the method of Zhang &
// Stephens (2009), with its weakly informative prior. The ESS cannot warn
// of weights whose variance is infinite (it is computed from the very
// sample that misses the tail); k̂ can: for k̂ < 0.5 the variance is finite,
// for k̂ > 0.7 self-normalised estimates are unreliable at any practical
// sample size. Returns NaN for fewer than 25 weights.
func paretoK(lw []float64) float64 {
	n := len(lw)
	if n < 25 {
		return math.NaN()
	}
	m := int(math.Ceil(min(0.2*float64(n), 3*math.Sqrt(float64(n)))))
	s := slices.Clone(lw)
	slices.Sort(s)
	top := s[n-m-1:]
	// Exceedances over the (M+1)-th largest weight, scaled by the largest.
	z := make([]float64, m)
	hi := top[m]
	u := math.Exp(top[0] - hi)
	for i := range z {
		z[i] = math.Exp(top[i+1]-hi) - u
	}
	if z[m-1] <= 0 {
		return math.NaN() // all equal: no tail to fit
	}
	return gpdShape(z)
}

// gpdShape fits the shape k of a generalised Pareto distribution to the
// positive exceedances x (sorted ascending) by Zhang & Stephens' (2009)
// empirical Bayes estimate, as in PSIS's gpdfit, and shrinks it towards
// 0.5 with the prior of ten pseudo-observations.
func gpdShape(x []float64) float64 {
	n := len(x)
	const prior = 3
	nb := 30 + int(math.Sqrt(float64(n)))
	xstar := x[int(float64(n)/4+0.5)-1] // first quartile
	b := make([]float64, nb)
	k := make([]float64, nb)
	l := make([]float64, nb)
	for j := range b {
		b[j] = 1/x[n-1] + (1-math.Sqrt(float64(nb)/(float64(j)+0.5)))/(prior*xstar)
		var s float64
		for _, v := range x {
			s += math.Log1p(-b[j] * v)
		}
		k[j] = s / float64(n)
		l[j] = float64(n) * (math.Log(-b[j]/k[j]) - k[j] - 1)
	}
	var bhat float64
	for j := range b {
		var s float64
		for i := range l {
			s += math.Exp(l[i] - l[j])
		}
		bhat += b[j] / s
	}
	var kk float64
	for _, v := range x {
		kk += math.Log1p(-bhat * v)
	}
	kk /= float64(n)
	const a = 10
	return (kk*float64(n) + a*0.5) / float64(n+a)
}
