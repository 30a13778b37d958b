package field

import (
	"math"
	"testing"
)

// Equal-flux starting angles: symmetric about the r axis, increasing, and
// for D = 1 (uniform flux in angle) evenly spaced.
func TestEqualFluxAngles(t *testing.T) {
	for _, D := range []float64{1, 4, 64} {
		th := EqualFluxAngles(D, 9)
		for i := range th {
			if math.Abs(th[i]+th[len(th)-1-i]) > 1e-3 {
				t.Errorf("D %v: angles %v not symmetric", D, th)
			}
			if i > 0 && !(th[i] > th[i-1]) {
				t.Errorf("D %v: angles %v not increasing", D, th)
			}
		}
	}
	th := EqualFluxAngles(1, 4)
	for i, v := range th {
		want := -math.Pi/2 + (float64(i)+0.5)*math.Pi/4
		if math.Abs(v-want) > 1e-3 {
			t.Errorf("D 1: angle %d = %v, want %v", i, v, want)
		}
	}
}

// The field lines of a single charge are straight rays into it: x/r stays
// tan θ all the way down (Heun on dx/ds = x errs by about h²/6 ≈ 5e-5
// per unit of s here, 3.5e-4 over the ln 1000 of the path: the tolerance
// is 1e-3), and the line ends on the charge.
func TestTraceLineSingleChargeRays(t *testing.T) {
	const c = 0.7
	e, err := New([]float64{c}, 1, 4)
	if err != nil {
		t.Fatal(err)
	}
	for _, th := range []float64{-1.2, -0.3, 0, 0.8} {
		p, err := e.TraceLine(c+10*math.Sin(th), 10*math.Cos(th), 0.01)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < len(p); i += 2 {
			if got := (p[i] - c) / p[i+1]; math.Abs(got-math.Tan(th)) > 1e-3*(1+math.Abs(math.Tan(th))) {
				t.Fatalf("θ %v: point %d has (x−c)/r = %v, want tan θ = %v", th, i/2, got, math.Tan(th))
			}
		}
		if end := p[len(p)-1]; math.Abs(end-0.01) > 1e-12 {
			t.Errorf("θ %v: line ends at r = %v, want 0.01", th, end)
		}
	}
	two, _ := New([]float64{0, 1}, 2, 4)
	if _, err := two.TraceLine(0, 1, 0.1); err == nil {
		t.Error("TraceLine of 2-D charges: want an error")
	}
}
