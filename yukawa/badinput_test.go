package yukawa

import (
	"context"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestTMaxTooLargeIsAnError(t *testing.T) {
	f, err := NewField([]float64{-1, 0, 1, 0}, 2, Process{M: 1, D: 1})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	opt := DefaultOptions()
	opt.TMax = 1e100
	x := f.Prior(rng, 10, opt.TMax)
	if _, err := Sample(context.Background(), f, x, rng, opt); err == nil || !strings.Contains(err.Error(), "t-max") {
		t.Fatalf("t-max 1e100: %v", err)
	}
	// At the limit the run must end in samples or in a one-line error.
	opt.TMax = MaxTMax
	x = f.Prior(rng, 200, opt.TMax)
	if _, err := Sample(context.Background(), f, x, rng, opt); err != nil && strings.Contains(err.Error(), "\n") {
		t.Fatalf("t-max %g: %q", MaxTMax, err)
	}
	x[3] = math.Inf(1)
	if _, err := Sample(context.Background(), f, x, rng, opt); err == nil || !strings.Contains(err.Error(), "prior draw 1") {
		t.Fatalf("infinite prior draw: %v", err)
	}
}

// Far outside the table (z = e^s → ∞) the profile must not index out of
// range: log h → −∞ and r → z.
func TestProfileBeyondTable(t *testing.T) {
	p := newProfile(0.5)
	for _, s := range []float64{math.Inf(1), 1e300, 1e20} {
		lh, r := p.eval(s)
		if lh != math.Inf(-1) || !(r > 1e8) {
			t.Errorf("s = %g: log h = %v, r = %v; want −Inf and huge", s, lh, r)
		}
	}
	// Just past the table's end: r(z) ≈ z, log h ≈ −z.
	s := sHi + 1
	lh, r := p.eval(s)
	z := math.Exp(s)
	if math.Abs(r/z-1) > 1e-4 || math.Abs(lh/(-z)-1) > 1e-3 {
		t.Errorf("z = %g: log h = %v, r = %v", z, lh, r)
	}
	k, _ := Process{M: 1, D: 1}.Kernel(2)
	if lh, _ := k.LogH(math.Inf(1)); lh != math.Inf(-1) {
		t.Errorf("LogH(∞) = %v", lh)
	}
}
