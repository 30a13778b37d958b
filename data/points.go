package data

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
)

// Points is a set of points in Dim dimensions stored row-major: point i is
// X[i*Dim : (i+1)*Dim].
type Points struct {
	Dim int
	X   []float64
}

// NewPoints returns n zero points in dim dimensions.
func NewPoints(n, dim int) *Points {
	return &Points{Dim: dim, X: make([]float64, n*dim)}
}

// N is the number of points.
func (p *Points) N() int {
	if p == nil || p.Dim <= 0 {
		return 0
	}
	return len(p.X) / p.Dim
}

// Row returns point i as a slice sharing p's storage.
func (p *Points) Row(i int) []float64 {
	return p.X[i*p.Dim : (i+1)*p.Dim : (i+1)*p.Dim]
}

// Clone returns a deep copy of p.
func (p *Points) Clone() *Points {
	return &Points{Dim: p.Dim, X: append([]float64(nil), p.X...)}
}

// Subset returns a new set holding the rows idx, in that order.
func (p *Points) Subset(idx []int) *Points {
	q := NewPoints(len(idx), p.Dim)
	for k, i := range idx {
		copy(q.Row(k), p.Row(i))
	}
	return q
}

// Sample returns n rows drawn without replacement (all rows, shuffled, if
// n ≥ N).
func (p *Points) Sample(n int, rng *rand.Rand) *Points {
	perm := rng.Perm(p.N())
	if n < len(perm) {
		perm = perm[:n]
	}
	return p.Subset(perm)
}

// Validate reports whether p is a well-formed, non-empty set of finite
// points.
func (p *Points) Validate() error {
	switch {
	case p == nil:
		return errors.New("no points")
	case p.Dim < 1:
		return fmt.Errorf("dimension %d < 1", p.Dim)
	case len(p.X)%p.Dim != 0:
		return fmt.Errorf("%d values is not a whole number of %d-D points", len(p.X), p.Dim)
	case len(p.X) == 0:
		return errors.New("no points")
	}
	for k, v := range p.X {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("point %d, column %d is %v", k/p.Dim, k%p.Dim, v)
		}
	}
	return nil
}
