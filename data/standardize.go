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
// deviation of p.
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
		if !(sd > 1e-12*math.Max(1, math.Abs(s.Mean[k]))) {
			sd = 1
		}
		s.Std[k] = sd
	}
	return s
}

// Dim is the number of columns s was fitted on.
func (s Standardizer) Dim() int { return len(s.Mean) }

// Apply standardises p in place.
func (s Standardizer) Apply(p *Points) error {
	if err := s.check(p); err != nil {
		return err
	}
	d := p.Dim
	for i, v := range p.X {
		k := i % d
		p.X[i] = (v - s.Mean[k]) / s.Std[k]
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
	for _, v := range s.Std {
		if !(v > 0) || math.IsInf(v, 0) {
			return fmt.Errorf("standardizer has bad standard deviation %v", v)
		}
	}
	return nil
}
