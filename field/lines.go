package field

import (
	"errors"
	"math"
)

// Field lines of one-dimensional charges in the (x, r) half-plane, for
// pictures: the lines start far away at angles of equal flux and, traced
// against the field, end on the charges with a density that follows the
// data — the principle of PFGM.

// EqualFluxAngles returns n angles θ ∈ (−π/2, π/2) from the r axis at the
// midpoints of n equal-flux bins of a point charge in 1+D dimensions, whose
// flux through the angle θ has density ∝ cos^(D−1) θ. Far from the data
// every charge set looks like that point charge.
func EqualFluxAngles(D float64, n int) []float64 {
	const m = 4096
	cdf := make([]float64, m+1)
	for i := 1; i <= m; i++ {
		th := -math.Pi/2 + (float64(i)-0.5)*math.Pi/m
		cdf[i] = cdf[i-1] + math.Pow(math.Cos(th), D-1)
	}
	out := make([]float64, n)
	j := 0
	for k := range n {
		target := (float64(k) + 0.5) / float64(n) * cdf[m]
		for cdf[j+1] < target {
			j++
		}
		f := (target - cdf[j]) / (cdf[j+1] - cdf[j])
		out[k] = -math.Pi/2 + (float64(j)+f)*math.Pi/m
	}
	return out
}

// TraceLine follows the field line of one-dimensional charges through
// (x, r) against the field, down to radius rEnd, with 400 Heun steps in
// s = ln r: dx/ds = E_x/E_r·r = x − D*(x, r). It returns the path as x, r
// pairs. Charges of more than one dimension give an error.
func (e *Exact) TraceLine(x, r, rEnd float64) ([]float64, error) {
	if e.dim != 1 {
		return nil, errors.New("field: TraceLine needs one-dimensional charges")
	}
	dir := make([]float64, 2)
	slope := func(x, r float64) (float64, error) {
		if _, err := e.Field([]float64{x}, r, dir); err != nil {
			return 0, err
		}
		return dir[0] / dir[1] * r, nil
	}
	path := []float64{x, r}
	const steps = 400
	h := (math.Log(rEnd) - math.Log(r)) / steps
	s := math.Log(r)
	for range steps {
		k1, err := slope(x, math.Exp(s))
		if err != nil {
			return nil, err
		}
		k2, err := slope(x+h*k1, math.Exp(s+h))
		if err != nil {
			return nil, err
		}
		x += h * (k1 + k2) / 2
		s += h
		path = append(path, x, math.Exp(s))
	}
	return path, nil
}
