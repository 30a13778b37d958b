package metrics

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/pfgm/pfgm/data"
)

// medianPairs caps the points used for the median heuristic: 1000 points
// give ~500k pairwise distances, plenty for a stable median.
const medianPairs = 1000

// MedianBandwidth returns the median Euclidean distance between distinct
// points of the pooled sets, computed on at most 1000 randomly chosen
// points. It is the σ of the Gaussian kernel exp(−‖x−y‖²/(2σ²)).
func MedianBandwidth(rng *rand.Rand, sets ...*data.Points) (float64, error) {
	var pool *data.Points
	for _, s := range sets {
		if pool == nil {
			pool = &data.Points{Dim: s.Dim}
		} else if s.Dim != pool.Dim {
			return 0, fmt.Errorf("median bandwidth: dimension mismatch %d vs %d", pool.Dim, s.Dim)
		}
		pool.X = append(pool.X, s.X...)
	}
	if pool.N() < 2 {
		return 0, errors.New("median bandwidth: need at least 2 points")
	}
	if pool.N() > medianPairs {
		pool = pool.Sample(medianPairs, rng)
	}
	n := pool.N()
	d2 := make([]float64, 0, n*(n-1)/2)
	for i := range n {
		for j := i + 1; j < n; j++ {
			d2 = append(d2, sqDist(pool.Row(i), pool.Row(j)))
		}
	}
	slices.Sort(d2)
	med := math.Sqrt(d2[len(d2)/2])
	if !(med > 0) {
		// All points (nearly) coincide; any positive scale will do.
		med = 1
	}
	return med, nil
}

// MMD2 returns the unbiased estimate of the squared maximum mean
// discrepancy between a and b with the Gaussian kernel
// k(x, y) = exp(−‖x−y‖²/(2σ²)), σ = bandwidth:
//
//	MMD²ᵤ = mean_{i≠j} k(aᵢ,aⱼ) + mean_{i≠j} k(bᵢ,bⱼ) − 2 mean_{i,j} k(aᵢ,bⱼ).
//
// Being unbiased it is ≈ 0 (and may be slightly negative) when a and b
// come from one distribution. Cost is O((n_a+n_b)²·dim).
func MMD2(a, b *data.Points, bandwidth float64) (float64, error) {
	if err := checkPair(a, b); err != nil {
		return 0, err
	}
	if a.N() < 2 || b.N() < 2 {
		return 0, errors.New("MMD: need at least 2 points in each set")
	}
	if !(bandwidth > 0) || math.IsInf(bandwidth, 0) {
		return 0, fmt.Errorf("MMD: bandwidth %v must be positive and finite", bandwidth)
	}
	g := 1 / (2 * bandwidth * bandwidth)
	return meanKernelWithin(a, g) + meanKernelWithin(b, g) - 2*meanKernelBetween(a, b, g), nil
}
