package data

import (
	"fmt"
	"math"
)

// Standardizer maps each column to zero mean and unit variance: Apply
// computes (x − Mean)/Std and Invert undoes it. A column whose spread is
// zero (or too small to divide by safely) gets Std 1, so it is only
// centred and Invert still restores it exactly.
type Standardizer struct {
	Mean []float64 `json:"mean"`
	Std  []float64 `json:"std"`
}

// FitStandardizer returns the per-column mean and (population) standard
// deviation of p. Values near the float64 limit (|x| ≳ 1e154, whose
// squares overflow) are handled by rescaling the column, so the mean and
// deviation stay finite for any finite data.
func FitStandardizer(p *Points) Standardizer {
	d, n := p.Dim, p.N()
	s := Standardizer{Mean: make([]float64, d), Std: make([]float64, d)}
	if n == 0 {
		for k := range s.Std {
			s.Std[k] = 1
		}
		return s
	}
	for i := range n {
		for k, v := range p.Row(i) {
			s.Mean[k] += v
		}
	}
	for k := range s.Mean {
		s.Mean[k] /= float64(n)
	}
	// Two-pass variance: no cancellation for data far from the origin.
	for i := range n {
		for k, v := range p.Row(i) {
			dv := v - s.Mean[k]
			s.Std[k] += dv * dv
		}
	}
	for k := range s.Std {
		sd := math.Sqrt(s.Std[k] / float64(n))
		if math.IsInf(s.Mean[k], 0) || math.IsInf(sd, 0) || math.IsNaN(sd) {
			s.Mean[k], sd = scaledMoments(p, k)
		}
		if !(sd > 1e-12*math.Max(1, math.Abs(s.Mean[k]))) {
			sd = 1
		}
		s.Std[k] = sd
	}
	return s
}

// scaledMoments is the mean and standard deviation of column k computed
// on the values divided by the column's largest magnitude, for columns
// whose sums overflow.
func scaledMoments(p *Points, k int) (mean, sd float64) {
	n, c := p.N(), 0.0
	for i := range n {
		c = math.Max(c, math.Abs(p.X[i*p.Dim+k]))
	}
	for i := range n {
		mean += p.X[i*p.Dim+k] / c
	}
	mean /= float64(n)
	var ss float64
	for i := range n {
		dv := p.X[i*p.Dim+k]/c - mean
		ss += dv * dv
	}
	return mean * c, math.Sqrt(ss/float64(n)) * c
}

// Dim is the number of columns s was fitted on.
func (s Standardizer) Dim() int { return len(s.Mean) }

// Apply standardises p in place. A value whose distance from its
// column's mean overflows float64 (possible only for data spanning nearly
// the whole float64 range) is an error naming the point and column, and p
// is then left partly standardised.
func (s Standardizer) Apply(p *Points) error {
	if err := s.check(p); err != nil {
		return err
	}
	d := p.Dim
	for i, v := range p.X {
		k := i % d
		z := (v - s.Mean[k]) / s.Std[k]
		if math.IsInf(z, 0) || math.IsNaN(z) {
			return fmt.Errorf("standardize: point %d, column %d: (%g − mean %g)/std %g overflows float64; rescale the data", i/d, k, v, s.Mean[k], s.Std[k])
		}
		p.X[i] = z
	}
	return nil
}

// Invert maps standardised points back to data units, in place.
func (s Standardizer) Invert(p *Points) error {
	if err := s.check(p); err != nil {
		return err
	}
	d := p.Dim
	for i, v := range p.X {
		k := i % d
		p.X[i] = v*s.Std[k] + s.Mean[k]
	}
	return nil
}

func (s Standardizer) check(p *Points) error {
	if len(s.Mean) != len(s.Std) {
		return fmt.Errorf("standardizer has %d means but %d standard deviations", len(s.Mean), len(s.Std))
	}
	if p.Dim != len(s.Mean) {
		return fmt.Errorf("standardizer fitted on %d-D points, got %d-D", len(s.Mean), p.Dim)
	}
	for k, v := range s.Std {
		if !(v > 0) || math.IsInf(v, 0) {
			return fmt.Errorf("standardizer: column %d has standard deviation %v (want finite and > 0)", k, v)
		}
		if m := s.Mean[k]; math.IsInf(m, 0) || math.IsNaN(m) {
			return fmt.Errorf("standardizer: column %d has mean %v (want finite)", k, m)
		}
	}
	return nil
}
