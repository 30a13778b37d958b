package yukawa

import (
	"math"
	"testing"
)

// k̂ of exactly Pareto-tailed weights recovers the tail index: weights
// w = U^(−ξ) (U uniform) have a generalised Pareto tail of shape ξ.
// Tolerance: 3√n = 425 tail draws give k̂ a standard error of about
// (1+ξ)/√425 ≤ 0.11 (seen: a bias of about −0.04 as well); the mean of
// four samples has an error ≤ 0.055, so 0.12 is about 2σ plus the bias.
func TestParetoKRecoversShape(t *testing.T) {
	rng := newRNG(3)
	for _, xi := range []float64{0.2, 0.5, 0.8, 1.2} {
		var mean float64
		for range 4 {
			lw := make([]float64, 20000)
			for i := range lw {
				lw[i] = -xi * math.Log(rng.Float64())
			}
			mean += paretoK(lw) / 4
		}
		if math.Abs(mean-xi) > 0.12 {
			t.Errorf("ξ = %v: mean k̂ = %.3f", xi, mean)
		}
	}
	// Bounded weights (uniform on [0, 1]) have a negative shape, and equal
	// weights have no tail at all.
	lw := make([]float64, 20000)
	for i := range lw {
		lw[i] = math.Log(rng.Float64())
	}
	if k := paretoK(lw); !(k < 0) {
		t.Errorf("uniform weights: k̂ = %.3f, want < 0", k)
	}
	if k := paretoK(make([]float64, 100)); !math.IsNaN(k) {
		t.Errorf("equal weights: k̂ = %v, want NaN", k)
	}
	if k := paretoK(lw[:10]); !math.IsNaN(k) {
		t.Errorf("10 weights: k̂ = %v, want NaN (too few to fit)", k)
	}
}
