package process

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// The Gamma(a, 1) sample mean and variance must both equal a, within 5
// standard errors (SE of the mean √(a/n), of the variance a·√((2 + 6/a)/n)
// from the fourth cumulant 6a).
func TestGammaMoments(t *testing.T) {
	const n = 200000
	for _, a := range []float64{0.05, 0.5, 1, 3.7, 1e3, 1e6, 1e9} {
		t.Run(fmt.Sprint(a), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, uint64(a*100)))
			xs := make([]float64, n)
			for i := range xs {
				xs[i] = Gamma(rng, a)
				if !(xs[i] >= 0) || math.IsInf(xs[i], 0) {
					t.Fatalf("draw %d = %v", i, xs[i])
				}
			}
			m, v := meanVar(xs)
			seM := math.Sqrt(a / n)
			seV := a * math.Sqrt((2+6/a)/n)
			if math.Abs(m-a) > 5*seM {
				t.Errorf("mean %v, want %v ± %v", m, a, 5*seM)
			}
			if math.Abs(v-a) > 5*seV {
				t.Errorf("variance %v, want %v ± %v", v, a, 5*seV)
			}
		})
	}
}

func TestGammaPanicsOnBadShape(t *testing.T) {
	for _, a := range []float64{0, -1, math.NaN(), math.Inf(1)} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Gamma(%v) did not panic", a)
				}
			}()
			Gamma(rand.New(rand.NewPCG(1, 2)), a)
		}()
	}
}

// Beta and BetaPrime against the exact Beta(a, b) CDF, including shapes of
// 10⁵–10⁶ and a case where B is within ~10⁻⁴ of 1; plus a negative control
// showing the test rejects a slightly wrong shape.
func TestBetaKS(t *testing.T) {
	const n = 20000
	cases := [][2]float64{{0.5, 0.5}, {1, 64}, {392, 64}, {392, 5e4}, {5e5, 5e5}, {5000, 0.5}}
	for k, c := range cases {
		a, b := c[0], c[1]
		t.Run(fmt.Sprint(a, ",", b), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(7, uint64(k)))
			xs := make([]float64, n)
			om := make([]float64, n) // 1 − B via the ratio, checked against I_{1−x}(b, a)
			for i := range xs {
				xs[i] = Beta(rng, a, b)
				q := BetaPrime(rng, a, b)
				om[i] = 1 / (1 + q)
			}
			cdf := func(x float64) float64 { return betaInc(a, b, x) }
			if d := ksStat(xs, cdf); d > ksCrit(n) {
				t.Errorf("Beta: KS %v > %v", d, ksCrit(n))
			}
			cdf1m := func(x float64) float64 { return betaInc(b, a, x) }
			if d := ksStat(om, cdf1m); d > ksCrit(n) {
				t.Errorf("BetaPrime: KS of 1−B %v > %v", d, ksCrit(n))
			}
		})
	}
	t.Run("control", func(t *testing.T) {
		rng := rand.New(rand.NewPCG(7, 99))
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = Beta(rng, 1.5, 64)
		}
		if d := ksStat(xs, func(x float64) float64 { return betaInc(1, 64, x) }); d < ksCrit(n) {
			t.Errorf("KS %v did not reject Beta(1.5, 64) against Beta(1, 64)", d)
		}
	})
}

func TestBetaIncKnownValues(t *testing.T) {
	// I_x(1, b) = 1 − (1−x)^b; I_x(a, 1) = x^a; I_½(a, a) = ½.
	for _, c := range []struct{ a, b, x, want float64 }{
		{1, 64, 0.01, 1 - math.Pow(0.99, 64)},
		{7, 1, 0.3, math.Pow(0.3, 7)},
		{5e4, 5e4, 0.5, 0.5},
		{0.5, 0.5, 0.25, 1.0 / 3}, // arcsine law: (2/π)·asin(√x)
	} {
		if got := betaInc(c.a, c.b, c.x); math.Abs(got-c.want) > 1e-10 {
			t.Errorf("I_%v(%v, %v) = %v, want %v", c.x, c.a, c.b, got, c.want)
		}
	}
}
