package metrics

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// cubicKernel is KID's polynomial kernel k(x, y) = (x·y/d + 1)³ given the
// inner product x·y and the dimension d.
func cubicKernel(dot float64, d int) float64 {
	u := dot/float64(d) + 1
	return u * u * u
}

// KID returns the kernel inception distance of the feature sets x and y
// (one vector a row): the unbiased estimate of the squared maximum mean
// discrepancy with the cubic polynomial kernel k(a, b) = (a·b/d + 1)³,
//
//	MMD²ᵤ = 1/(m(m−1)) Σ_{i≠j} k(xᵢ,xⱼ) + 1/(n(n−1)) Σ_{i≠j} k(yᵢ,yⱼ) − 2/(mn) Σ_{i,j} k(xᵢ,yⱼ).
//
// Being unbiased, its expectation is the population MMD² at any set size,
// so it is 0 on average (and may be slightly negative) for two draws of
// one distribution.
func KID(x, y *mat.Dense) (float64, error) {
	if err := checkFeatures(x, y, 2); err != nil {
		return 0, err
	}
	return kernelMeanWithin(x) + kernelMeanWithin(y) - 2*kernelMeanBetween(x, y), nil
}

// kernelMeanWithin is 1/(n(n−1)) Σ_{i≠j} k(xᵢ, xⱼ).
func kernelMeanWithin(x *mat.Dense) float64 {
	n, d := x.Dims()
	var s float64
	forGramBlocks(x, x, func(i0 int, g *mat.Dense) {
		r, _ := g.Dims()
		for i := 0; i < r; i++ {
			for j, v := range g.RawRowView(i) {
				if j != i0+i {
					s += cubicKernel(v, d)
				}
			}
		}
	})
	return s / float64(n*(n-1))
}

// kernelMeanBetween is 1/(mn) Σ_{i,j} k(xᵢ, yⱼ).
func kernelMeanBetween(x, y *mat.Dense) float64 {
	m, d := x.Dims()
	n, _ := y.Dims()
	var s float64
	forGramBlocks(x, y, func(_ int, g *mat.Dense) {
		r, _ := g.Dims()
		for i := 0; i < r; i++ {
			for _, v := range g.RawRowView(i) {
				s += cubicKernel(v, d)
			}
		}
	})
	return s / float64(m*n)
}

// checkFeatures reports sets that are too small or of different widths.
func checkFeatures(x, y *mat.Dense, minRows int) error {
	if x == nil || y == nil {
		return fmt.Errorf("metrics: missing feature set")
	}
	m, d := x.Dims()
	n, e := y.Dims()
	switch {
	case d != e:
		return fmt.Errorf("metrics: feature sets of width %d and %d", d, e)
	case m < minRows || n < minRows:
		return fmt.Errorf("metrics: feature sets of %d and %d vectors, need at least %d each", m, n, minRows)
	}
	return nil
}
