package bessel

import (
	"fmt"
	"math"
	"testing"
)

func relDiff(a, b float64) float64 {
	return math.Abs(a-b) / math.Max(math.Abs(b), 1e-300)
}

func TestKnownValues(t *testing.T) {
	// Reference values: Abramowitz & Stegun tables / mpmath besselk.
	cases := []struct{ nu, x, want float64 }{
		{0, 1, 0.42102443824070834},
		{1, 1, 0.6019072301972346},
		{0, 0.1, 2.4270690247020166},
		{1, 10, 1.864877345382558e-05},
		{5, 2, 9.431049100596467},
	}
	for _, c := range cases {
		got := math.Exp(LogK(c.nu, c.x))
		if relDiff(got, c.want) > 1e-13 {
			t.Errorf("K_%v(%v) = %.17g, want %.17g (rel %.2g)", c.nu, c.x, got, c.want, relDiff(got, c.want))
		}
	}
}

// K_½ and K_(3/2) are elementary; checking them in log space covers
// arguments where K itself over- or underflows.
func TestHalfIntegerClosedForms(t *testing.T) {
	for _, x := range []float64{1e-6, 1e-3, 0.1, 0.5, 1, 1.9999, 2, 2.0001, 3, 10, 50, 300, 1e3, 1e4} {
		base := 0.5*math.Log(math.Pi/(2*x)) - x
		want := map[float64]float64{0.5: base, 1.5: base + math.Log1p(1/x), 2.5: base + math.Log(1+3/x+3/(x*x))}
		for nu, w := range want {
			got := LogK(nu, x)
			if math.Abs(got-w) > 1e-13*math.Max(1, math.Abs(w)) {
				t.Errorf("log K_%v(%v) = %.17g, want %.17g", nu, x, got, w)
			}
		}
	}
}

func TestSmallArgumentLimit(t *testing.T) {
	// K_ν(x) → Γ(ν)/2·(2/x)^ν as x → 0, relative correction O(x²/ν) for ν > 1.
	for _, nu := range []float64{3, 7.25, 20, 24.9, 30, 100, 1e4} {
		for _, x := range []float64{1e-6, 1e-250} { // 1e-250 takes the log-space recurrence
			lg, _ := math.Lgamma(nu)
			want := lg - math.Ln2 + nu*math.Log(2/x)
			got := LogK(nu, x)
			if math.Abs(got-want) > 1e-12*math.Abs(want) {
				t.Errorf("log K_%v(%v) = %.17g, want %.17g", nu, x, got, want)
			}
		}
	}
}

// The three-term recurrence is an identity the two methods do not use
// across orders in the Debye regime, so it checks the expansion there.
func TestRecurrenceInLogSpace(t *testing.T) {
	nus := []float64{0.3, 1, 2.5, 10, 23.7, 24.5, 25.5, 40, 99.5, 1000, 3000.25, 1e4}
	xs := []float64{1e-6, 1e-2, 0.7, 2, 5, 30, 200, 1e3, 1e4}
	for _, nu := range nus {
		for _, x := range xs {
			lm := LogK(nu-1, x) // K_(ν−1); |ν−1| for ν < 1
			l0 := LogK(nu, x)
			lp := LogK(nu+1, x)
			// log(K_(ν−1) + (2ν/x)K_ν) by log-sum-exp.
			a, b := lm, math.Log(2*nu/x)+l0
			hi := math.Max(a, b)
			rhs := hi + math.Log(math.Exp(a-hi)+math.Exp(b-hi))
			if math.Abs(lp-rhs) > 5e-14*math.Max(1, math.Abs(lp)) {
				t.Errorf("ν=%v x=%v: log K_(ν+1) = %.17g, recurrence gives %.17g (diff %.2g)", nu, x, lp, rhs, lp-rhs)
			}
		}
	}
}

// Both methods must agree around the switch order, where one replaces the other.
func TestContinuityAtSwitch(t *testing.T) {
	for _, nu := range []float64{SwitchOrder - 0.5, SwitchOrder, SwitchOrder + 0.3, SwitchOrder + 5} {
		for _, x := range []float64{1e-6, 0.01, 1, 2, 10, 25, 100, 1e3, 1e4} {
			ex, ex1 := logKRecurrence(nu, x)
			ex, ex1 = ex-x, ex1-x
			de, de1 := logKDebye(nu, x), logKDebye(nu+1, x)
			tol := 2e-14 * math.Max(1, math.Abs(ex))
			if math.Abs(ex-de) > tol || math.Abs(ex1-de1) > tol {
				t.Errorf("ν=%v x=%v: recurrence (%.17g, %.17g) vs Debye (%.17g, %.17g)", nu, x, ex, ex1, de, de1)
			}
		}
	}
	// And LogK is continuous across the switch point itself.
	for _, x := range []float64{1e-3, 1, 30, 1e4} {
		below := LogK(math.Nextafter(SwitchOrder, 0), x)
		at := LogK(SwitchOrder, x)
		if math.Abs(below-at) > 2e-14*math.Max(1, math.Abs(at)) {
			t.Errorf("x=%v: log K jumps at the switch: %.17g → %.17g", x, below, at)
		}
	}
}

// Near the Temme/Steed boundary x = 2 both small-order paths must agree.
func TestContinuityAtX2(t *testing.T) {
	for _, mu := range []float64{-0.5, -0.2, 0, 0.1, 0.4999} {
		a0, a1 := temmeSeries(mu, 2) // a1 is (x/2)·K_(μ+1) = K_(μ+1) at x = 2
		b0, b1 := steedCF2(mu, 2)
		b0 *= math.Exp(-2)
		b1 *= math.Exp(-2)
		if relDiff(a0, b0) > 1e-14 || relDiff(a1, b1) > 1e-14 {
			t.Errorf("μ=%v: Temme (%v, %v) vs Steed (%v, %v)", mu, a0, a1, b0, b1)
		}
	}
}

func TestSpecialInputs(t *testing.T) {
	if v := LogK(1, 0); !math.IsInf(v, 1) {
		t.Errorf("LogK(1, 0) = %v, want +Inf", v)
	}
	if v := LogK(1, -1); !math.IsNaN(v) {
		t.Errorf("LogK(1, −1) = %v, want NaN", v)
	}
	if v := LogK(-2.5, 3); v != LogK(2.5, 3) {
		t.Errorf("LogK(−2.5, 3) = %v, want LogK(2.5, 3) = %v", v, LogK(2.5, 3))
	}
	for _, nu := range []float64{0, 0.5, 10, 1e4} {
		for _, x := range []float64{1e-300, 1e-6, 1e4, 1e6} {
			if v := LogK(nu, x); math.IsNaN(v) || math.IsInf(v, 0) {
				t.Errorf("LogK(%v, %v) = %v, want finite", nu, x, v)
			}
		}
	}
}

func BenchmarkLogKPair(b *testing.B) {
	for _, nu := range []float64{0.5, 12, 500} {
		b.Run(fmt.Sprint("nu=", nu), func(b *testing.B) {
			var s float64
			for i := range b.N {
				a, c := LogKPair(nu, 0.1+float64(i%1000)*0.05)
				s += a + c
			}
			_ = s
		})
	}
}
