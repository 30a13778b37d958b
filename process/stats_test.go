package process

import (
	"math"
	"slices"
)

// betaInc is the regularised incomplete beta function I_x(a, b), by the
// continued fraction of Numerical Recipes (modified Lentz), used as the CDF
// of Beta(a, b) in the Kolmogorov–Smirnov tests. It converges in
// O(√max(a, b)) terms, so shapes of 10⁵ are fine.
func betaInc(a, b, x float64) float64 {
	switch {
	case x <= 0:
		return 0
	case x >= 1:
		return 1
	}
	la, _ := math.Lgamma(a)
	lb, _ := math.Lgamma(b)
	lab, _ := math.Lgamma(a + b)
	front := math.Exp(lab - la - lb + a*math.Log(x) + b*math.Log1p(-x))
	if x < (a+1)/(a+b+2) {
		return front * betaCF(a, b, x) / a
	}
	return 1 - front*betaCF(b, a, 1-x)/b
}

func betaCF(a, b, x float64) float64 {
	const tiny = 1e-300
	qab, qap, qam := a+b, a+1, a-1
	c, d := 1.0, 1-qab*x/qap
	if math.Abs(d) < tiny {
		d = tiny
	}
	d = 1 / d
	h := d
	for m := 1; m < 100000; m++ {
		fm := float64(m)
		m2 := 2 * fm
		aa := fm * (b - fm) * x / ((qam + m2) * (a + m2))
		d = 1 + aa*d
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = 1 + aa/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		h *= d * c
		aa = -(a + fm) * (qab + fm) * x / ((a + m2) * (qap + m2))
		d = 1 + aa*d
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = 1 + aa/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		del := d * c
		h *= del
		if math.Abs(del-1) < 1e-15 {
			return h
		}
	}
	panic("betaCF did not converge")
}

// ksStat is the two-sided Kolmogorov–Smirnov statistic of the sample xs
// against the continuous CDF cdf. xs is sorted in place.
func ksStat(xs []float64, cdf func(float64) float64) float64 {
	slices.Sort(xs)
	n := float64(len(xs))
	var dmax float64
	for i, x := range xs {
		f := cdf(x)
		dmax = max(dmax, f-float64(i)/n, float64(i+1)/n-f)
	}
	return dmax
}

// ksCrit is the asymptotic KS critical value at level α = 0.001.
func ksCrit(n int) float64 { return 1.949 / math.Sqrt(float64(n)) }

func meanVar(xs []float64) (mean, variance float64) {
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	for _, x := range xs {
		variance += (x - mean) * (x - mean)
	}
	return mean, variance / float64(len(xs)-1)
}
