package sampler

import (
	"context"
	"fmt"
	"math"
)

// ODEFunc writes the right-hand side dy/ds of an ODE at (s, y) into dy.
type ODEFunc func(s float64, y, dy []float64) error

// ErrorNorm scales the embedded error estimate e of a step from y to yNew
// into one number; the step is accepted when it is ≤ 1.
type ErrorNorm func(y, yNew, e []float64) float64

// ODEStats counts the work of a DormandPrince run.
type ODEStats struct {
	Evals    int // calls of the right-hand side
	Steps    int // accepted steps
	Rejected int // rejected steps
}

// DormandPrince integrates dy/ds = f(s, y) in place from s0 to s1 (either
// direction) with adaptive Dormand–Prince 5(4) steps: the tableau and the
// step-size control of the RK45 sampler, for any state vector (the
// likelihood integrates x together with its log-density change). h0 is
// the magnitude of the first trial step. ctx is checked before every step.
func DormandPrince(ctx context.Context, f ODEFunc, y []float64, s0, s1, h0 float64, norm ErrorNorm) (ODEStats, error) {
	var st ODEStats
	if s0 == s1 {
		return st, nil
	}
	if !(h0 > 0) || math.IsInf(h0, 0) {
		return st, fmt.Errorf("sampler: first step must be > 0, got %v", h0)
	}
	dir := 1.0
	if s1 < s0 {
		dir = -1
	}
	span := math.Abs(s1 - s0)
	h := dir * min(h0, span)
	minH := 1e-12 * span

	n := len(y)
	var k [7][]float64
	for i := range k {
		k[i] = make([]float64, n)
	}
	ys := make([]float64, n) // stage input
	yn := make([]float64, n) // 5th-order proposal
	e := make([]float64, n)  // embedded error estimate
	eval := func(s float64, y, dy []float64) error {
		st.Evals++
		if err := f(s, y, dy); err != nil {
			return err
		}
		if j := firstNonFinite(dy); j >= 0 {
			return fmt.Errorf("sampler: right-hand side is %v at s=%g (component %d)", dy[j], s, j)
		}
		return nil
	}

	s := s0
	if err := eval(s, y, k[0]); err != nil {
		return st, err
	}
	rejectedLast := false
	for attempts := 0; dir*(s1-s) > 0; attempts++ {
		if attempts == maxAttempts {
			return st, fmt.Errorf("sampler: Dormand–Prince gave up after %d attempts at s=%g", attempts, s)
		}
		if err := ctx.Err(); err != nil {
			return st, fmt.Errorf("sampler: stopped at s=%g: %w", s, err)
		}
		// The last step lands on s1 exactly; don't leave a sliver behind.
		last := dir*(s+h-s1) >= -1e-6*math.Abs(h)
		if last {
			h = s1 - s
		}
		if err := dpStages(y, s, h, &k, ys, yn, eval); err != nil {
			return st, err
		}
		for j := range e {
			acc := 0.0
			for i := range k {
				acc += dpE[i] * k[i][j]
			}
			e[j] = h * acc
		}
		errNorm := norm(y, yn, e)
		if math.IsNaN(errNorm) || math.IsInf(errNorm, 0) {
			return st, fmt.Errorf("sampler: Dormand–Prince error estimate is %v at s=%g", errNorm, s)
		}
		if errNorm <= 1 {
			if last {
				s = s1
			} else {
				s += h
			}
			copy(y, yn)
			k[0], k[6] = k[6], k[0] // FSAL
			st.Steps++
			h *= dpGrowth(errNorm, rejectedLast)
			rejectedLast = false
			continue
		}
		st.Rejected++
		rejectedLast = true
		h *= dpShrink(errNorm)
		if math.Abs(h) < minH {
			return st, fmt.Errorf("sampler: Dormand–Prince step size underflow at s=%g (tolerance too tight?)", s)
		}
	}
	return st, nil
}
