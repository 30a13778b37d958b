package yukawa

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/pfgm/pfgm/internal/bessel"
)

func newRNG(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed^0x51ed27)) }

// The interpolated profiles must match direct Bessel evaluation between the
// nodes, for orders from d = 2 to d ~ 2·10⁴.
func TestProfileMatchesBessel(t *testing.T) {
	rng := newRNG(1)
	for _, nu := range []float64{0, 0.5, 1, 12.5, 24.5, 25, 100, 499.5, 5000} {
		p := newProfile(nu)
		lg, _ := math.Lgamma(nu + 1)
		var worstH, worstR float64
		for range 3000 {
			s := sLo - 2 + rng.Float64()*(sHi-sLo+2) // z from 1.4e-13 to 1e5
			z := math.Exp(s)
			lk, lk1 := bessel.LogKPair(nu, z)
			wantH := (nu+1)*s + lk1 - nu*math.Ln2 - lg
			wantR := z * math.Exp(lk-lk1)
			gotH, gotR := p.eval(s)
			// log h is compared relative to max(1, |log h|), r relatively.
			worstH = math.Max(worstH, math.Abs(gotH-wantH)/math.Max(1, math.Abs(wantH)))
			worstR = math.Max(worstR, math.Abs(gotR-wantR)/wantR)
		}
		if worstH > 2e-10 || worstR > 5e-10 {
			t.Errorf("ν=%v: worst error log h %.2g, r %.2g (want < 2e-10, 5e-10)", nu, worstH, worstR)
		}
	}
}

// h ≤ 1 (the rejection sampler's bound) and decreasing, r ≥ 0.
func TestProfileBound(t *testing.T) {
	for _, nu := range []float64{0, 0.5, 3, 40, 1000} {
		p := newProfile(nu)
		prev := 0.0
		for s := sLo - 3; s < sHi+3; s += 0.01 {
			lh, r := p.eval(s)
			if lh > 0 || lh > prev+1e-13*(1+nu) || r < 0 {
				t.Fatalf("ν=%v s=%v: log h = %v (previous %v), r = %v", nu, s, lh, prev, r)
			}
			prev = lh
		}
	}
}

// d = 3: h(z) = e^(−z)(1+z) and r(z) = z²/(1+z) in closed form.
func TestProfileD3(t *testing.T) {
	k, err := Process{M: 1, D: 1}.Kernel(2)
	if err != nil {
		t.Fatal(err)
	}
	for _, z := range []float64{1e-9, 1e-4, 0.3, 1, 7, 60, 1e3, 5e6} {
		lh, r := k.LogH(z)
		wantH, wantR := -z+math.Log1p(z), z*z/(1+z)
		if math.Abs(lh-wantH) > 2e-10*math.Max(1, math.Abs(wantH)) || math.Abs(r-wantR) > 2e-10*wantR {
			t.Errorf("z=%v: log h = %.15g, r = %.15g; want %.15g, %.15g", z, lh, r, wantH, wantR)
		}
	}
}
