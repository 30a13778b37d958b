package sampler

import (
	"context"
	"math"
	"testing"
)

// DormandPrince on y' = A·y with A a rotation plus growth, forward and
// backward, against the closed form; the error must be of the order of
// the tolerance.
func TestDormandPrinceLinear(t *testing.T) {
	const a, w = 0.3, 2.0 // y = e^(a s)·(cos ws, sin ws)
	f := func(_ float64, y, dy []float64) error {
		dy[0] = a*y[0] - w*y[1]
		dy[1] = w*y[0] + a*y[1]
		return nil
	}
	for _, tol := range []float64{1e-4, 1e-8} {
		norm := func(y, yn, e []float64) float64 {
			var m float64
			for i := range e {
				m = max(m, math.Abs(e[i])/(tol+tol*max(math.Abs(y[i]), math.Abs(yn[i]))))
			}
			return m
		}
		for _, span := range [][2]float64{{0, 5}, {5, 0}} {
			s0, s1 := span[0], span[1]
			y := []float64{math.Exp(a*s0) * math.Cos(w*s0), math.Exp(a*s0) * math.Sin(w*s0)}
			st, err := DormandPrince(context.Background(), f, y, s0, s1, 0.1, norm)
			if err != nil {
				t.Fatal(err)
			}
			want := []float64{math.Exp(a*s1) * math.Cos(w*s1), math.Exp(a*s1) * math.Sin(w*s1)}
			if e := maxAbsDiff(y, want); e > 100*tol*math.Exp(a*5) {
				t.Errorf("tol %g, %v→%v: error %.2e", tol, s0, s1, e)
			}
			if st.Evals != 1+6*(st.Steps+st.Rejected) {
				t.Errorf("evals %d, want 1 + 6·(%d + %d)", st.Evals, st.Steps, st.Rejected)
			}
		}
	}
	if _, err := DormandPrince(context.Background(), f, []float64{1, 0}, 0, 1, 0, nil); err == nil {
		t.Error("zero first step: no error")
	}
}
