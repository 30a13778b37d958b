package sampler

import (
	"context"
	"errors"
	"math"
	"slices"
	"testing"
)

// The local error of one step against the exact Gaussian flow shrinks as
// h² for Euler and h³ for Heun: halving the step divides it by 4 and 8.
func TestStepLocalErrorOrder(t *testing.T) {
	g := &gaussDenoiser{mu: []float64{1, -2}, s2: []float64{0.5, 2}}
	x0 := []float64{3, 1.5}
	const sigma = 1.0
	stepErr := func(h float64, heun bool) float64 {
		x := slices.Clone(x0)
		den := make([]float64, len(x))
		g.Denoise(context.Background(), x, sigma, den)
		if heun {
			calls := g.calls
			f := func(x []float64, s float64, out []float64) error {
				return g.Denoise(context.Background(), x, s, out)
			}
			if err := HeunStep(x, den, sigma, sigma-h, f, nil); err != nil {
				t.Fatal(err)
			}
			if g.calls-calls != 1 {
				t.Fatalf("HeunStep made %d evaluations, want 1", g.calls-calls)
			}
		} else {
			EulerStep(x, den, sigma, sigma-h)
		}
		return maxAbsDiff(x, g.exactFlow(x0, sigma, sigma-h))
	}
	for _, tc := range []struct {
		heun  bool
		ratio float64
	}{{false, 4}, {true, 8}} {
		e1, e2 := stepErr(0.02, tc.heun), stepErr(0.01, tc.heun)
		if r := e1 / e2; math.Abs(r/tc.ratio-1) > 0.1 {
			t.Errorf("heun=%v: error ratio for h → h/2 is %.3f, want %v ± 10 %%", tc.heun, r, tc.ratio)
		}
	}
}

func TestHeunStepErrorLeavesXUnchanged(t *testing.T) {
	x := []float64{1, 2}
	boom := errors.New("boom")
	err := HeunStep(x, []float64{0, 0}, 1, 0.5, func([]float64, float64, []float64) error { return boom }, make([]float64, 6))
	if !errors.Is(err, boom) || !slices.Equal(x, []float64{1, 2}) {
		t.Fatalf("err %v, x %v", err, x)
	}
}
