package tuned

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/pfgm/pfgm/data"
)

// Two charges at ±1 in 1-D, query at 0: equal weights, so 1/Σw² = 2 and
// Var(y | x) = 1, for every D.
func TestPosteriorAtSymmetricPair(t *testing.T) {
	ch := &data.Points{Dim: 1, X: []float64{-1, 1}}
	for _, D := range []float64{1, 8, math.Inf(1)} {
		p := posteriorAt(ch, []float64{0}, 0.7, D, make([]float64, 2), make([]float64, 1))
		if math.Abs(p.ess-2) > 1e-12 || math.Abs(p.variance-1) > 1e-12 {
			t.Errorf("D=%v: ess %v, variance %v; want 2 and 1", D, p.ess, p.variance)
		}
	}
	// Query at the charge +1 with σ → 0: all weight on it.
	p := posteriorAt(ch, []float64{1}, 1e-3, 4, make([]float64, 2), make([]float64, 1))
	if math.Abs(p.ess-1) > 1e-9 || p.variance > 1e-9 {
		t.Errorf("σ → 0 at a charge: ess %v, variance %v; want 1 and 0", p.ess, p.variance)
	}
	// D = ∞ against the Gaussian closed form: w₊/w₋ = e^(2x/σ²).
	x, s := 0.3, 0.8
	wp := 1 / (1 + math.Exp(-2*x/(s*s)))
	p = posteriorAt(ch, []float64{x}, s, math.Inf(1), make([]float64, 2), make([]float64, 1))
	if want := 1 / (wp*wp + (1-wp)*(1-wp)); math.Abs(p.ess-want) > 1e-12 {
		t.Errorf("D=∞: ess %v, want %v", p.ess, want)
	}
}

// For D = ∞ the input norm is ‖ε‖ with ε ~ N(0, I_N); for N = 1 that is
// |ε|, whose quantiles are 2.5758 (0.99) and 0.6745 (0.5). For D = 1 the
// spread is far larger (heavy tail), and it shrinks as D grows.
func TestTailSpread(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	got := tailSpread(rng, 1, math.Inf(1), 200000)
	if want := 2.5758 / 0.6745; math.Abs(got-want) > 0.03*want {
		t.Errorf("N=1, D=∞: %v, want %v", got, want)
	}
	prev := math.Inf(1)
	for _, D := range []float64{1, 4, 16, 256} {
		s := tailSpread(rng, 8, D, 50000)
		if !(s < prev) {
			t.Errorf("N=8: spread %v at D=%v not below %v", s, D, prev)
		}
		prev = s
	}
}

// The rule: the lowest L*·(1 + ln T/T_min) wins, ties within 10 % go to
// the lowest W2Noisy.
func TestScoreRule(t *testing.T) {
	cs := []Candidate{
		{D: "1", TargetLoss: 3, TailSpread: 50, W2Noisy: 0.01},
		{D: "16", TargetLoss: 1.05, TailSpread: 2, W2Noisy: 0.2},
		{D: "64", TargetLoss: 1, TailSpread: 2, W2Noisy: 0.3},
		{D: "inf", TargetLoss: 1.5, TailSpread: 2, W2Noisy: 0.1},
	}
	pick, reason := score(cs)
	if cs[pick].D != "16" {
		t.Errorf("picked D=%s, want 16 (tied with 64 and more robust): %s", cs[pick].D, reason)
	}
	if want := 3 * (1 + math.Log(25)); math.Abs(cs[0].Score-want) > 1e-12 {
		t.Errorf("score of D=1 = %v, want %v", cs[0].Score, want)
	}
	if cs[2].Score != 1 {
		t.Errorf("best score %v, want 1", cs[2].Score)
	}
}

// On an 8-D mixture the exact-field measurements rank D = 1 last: its
// targets are the noisiest and its inputs the widest spread.
func TestTuneAvoidsHeavyTail(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	pts := data.NewPoints(600, 8)
	for i := range 600 {
		k := rng.IntN(3)
		for j := range 8 {
			pts.X[i*8+j] = 3*float64(k*(j%2)) + 0.5*rng.NormFloat64()
		}
	}
	o := DefaultOptions()
	o.Candidates = []float64{1, 16, math.Inf(1)}
	o.Draws, o.Samples, o.SampleSteps = 300, 200, 10
	r, err := Tune(context.Background(), pts, o)
	if err != nil {
		t.Fatal(err)
	}
	if r.D == "1" {
		t.Errorf("picked D=1: %s", r.Reason)
	}
	c1 := r.Candidates[0]
	for _, c := range r.Candidates[1:] {
		if !(c1.TargetLoss > c.TargetLoss && c1.TailSpread > c.TailSpread && c1.Score > c.Score) {
			t.Errorf("D=1 %+v not worse than D=%s %+v", c1, c.D, c)
		}
	}
	if _, err := Tune(context.Background(), data.NewPoints(5, 2), o); err == nil {
		t.Error("5 points: no error")
	}
}

// Prescaled points keep their values (an image's constant border pixels
// stay at −1); otherwise every column is standardised to mean 0.
func TestSplitPrescaled(t *testing.T) {
	pts := data.NewPoints(100, 2)
	rng := rand.New(rand.NewPCG(2, 2))
	for i := range 100 {
		pts.X[2*i] = -1
		pts.X[2*i+1] = 0.5 + 0.1*rng.NormFloat64()
	}
	o := DefaultOptions()
	o.Prescaled = true
	ch, held, err := split(pts, o, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	if ch.N()+held.N() != 100 {
		t.Fatalf("%d charges + %d held out, want 100", ch.N(), held.N())
	}
	for _, p := range []*data.Points{ch, held} {
		for i := range p.N() {
			if r := p.Row(i); r[0] != -1 || math.Abs(r[1]-0.5) > 0.6 {
				t.Fatalf("prescaled point %v changed", r)
			}
		}
	}
	o.Prescaled = false
	ch, _, err = split(pts, o, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	if r := ch.Row(0); r[0] != 0 {
		t.Errorf("standardised constant column = %v, want 0", r[0])
	}
}
