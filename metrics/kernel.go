package metrics

import (
	"math"

	"github.com/pfgm/pfgm/data"
)

// The O(n²) kernel sums are the hot loops of this package.

func sqDist(x, y []float64) float64 {
	s := 0.0
	for k, v := range x {
		d := v - y[k]
		s += d * d
	}
	return s
}

// meanKernelWithin is the mean of exp(−g‖pᵢ−pⱼ‖²) over pairs i ≠ j.
func meanKernelWithin(p *data.Points, g float64) float64 {
	n, d := p.N(), p.Dim
	s := 0.0
	for i := range n {
		xi := p.X[i*d : (i+1)*d]
		for j := i + 1; j < n; j++ {
			s += math.Exp(-g * sqDist(xi, p.X[j*d:(j+1)*d]))
		}
	}
	return 2 * s / float64(n*(n-1))
}

// meanKernelBetween is the mean of exp(−g‖aᵢ−bⱼ‖²) over all i, j.
func meanKernelBetween(a, b *data.Points, g float64) float64 {
	na, nb, d := a.N(), b.N(), a.Dim
	s := 0.0
	for i := range na {
		xi := a.X[i*d : (i+1)*d]
		for j := range nb {
			s += math.Exp(-g * sqDist(xi, b.X[j*d:(j+1)*d]))
		}
	}
	return s / float64(na*nb)
}
