package process

import (
	"math"
	"slices"
)

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
