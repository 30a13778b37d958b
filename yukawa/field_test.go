package yukawa

import (
	"context"
	"math"
	"testing"

	"github.com/pfgm/pfgm/field"
	"github.com/pfgm/pfgm/internal/bessel"
)

func randomPoints(seed uint64, k, dim int, scale float64) []float64 {
	rng := newRNG(seed)
	y := make([]float64, k*dim)
	for i := range y {
		y[i] = scale * rng.NormFloat64()
	}
	return y
}

// brute evaluates D_Y, λ and the flux log-ratio straight from the Bessel
// functions (or, for d = 3, from the elementary closed forms).
func brute(ys []float64, dim, D int, m float64, x []float64, t float64, closedD3 bool) (den []float64, lam, logRatio float64) {
	d := float64(dim + D)
	nu := d/2 - 1
	lg, _ := math.Lgamma(nu + 1)
	k := len(ys) / dim
	lw := make([]float64, k)
	lc := make([]float64, k)
	rt := make([]float64, k)
	for i := range k {
		var d2 float64
		for j := range dim {
			e := x[j] - ys[i*dim+j]
			d2 += e * e
		}
		rho := math.Sqrt(d2 + t*t)
		z := m * rho
		lc[i] = -d * math.Log(rho)
		if closedD3 {
			lw[i] = -m*rho + math.Log1p(z) - 3*math.Log(rho)
			rt[i] = m * m * rho * rho / (t * (1 + z))
		} else {
			lk, lk1 := bessel.LogKPair(nu, z)
			lw[i] = lc[i] + (nu+1)*math.Log(z) + lk1 - nu*math.Ln2 - lg
			rt[i] = z * math.Exp(lk-lk1) / t
		}
	}
	lse := func(v []float64) float64 {
		mx := math.Inf(-1)
		for _, a := range v {
			mx = math.Max(mx, a)
		}
		var s float64
		for _, a := range v {
			s += math.Exp(a - mx)
		}
		return mx + math.Log(s)
	}
	zw := lse(lw)
	den = make([]float64, dim)
	for i := range k {
		w := math.Exp(lw[i] - zw)
		for j := range dim {
			den[j] += w * ys[i*dim+j]
		}
		lam += w * rt[i]
	}
	return den, lam, zw - lse(lc)
}

func TestFieldMatchesBruteForce(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		dim, D  int
		m       float64
		closed  bool
		queries float64
	}{
		{2, 1, 0.3, true, 2}, {2, 1, 1, true, 2}, {2, 1, 3, true, 2}, // d = 3 closed forms
		{2, 1, 1, false, 2},   // same, general Bessel path
		{2, 2, 0.7, false, 2}, // ν = 1
		{3, 4, 2, false, 1},   // ν = 2.5
		{5, 60, 0.5, false, 3},
		{10, 990, 0.05, false, 3}, // d = 1000: orders in the Debye regime
	}
	for _, c := range cases {
		ys := randomPoints(7, 40, c.dim, 1)
		f, err := NewField(ys, c.dim, Process{M: c.m, D: c.D})
		if err != nil {
			t.Fatal(err)
		}
		xs := randomPoints(8, 9, c.dim, c.queries)
		for _, tt := range []float64{0.01, 0.3, 2, 20} {
			den := make([]float64, len(xs))
			lam := make([]float64, 9)
			lr := make([]float64, 9)
			if err := f.Eval(ctx, xs, tt, den, lam, lr); err != nil {
				t.Fatal(err)
			}
			for q := range 9 {
				wd, wl, wr := brute(ys, c.dim, c.D, c.m, xs[q*c.dim:(q+1)*c.dim], tt, c.closed)
				for j := range wd {
					if math.Abs(den[q*c.dim+j]-wd[j]) > 1e-8 {
						t.Errorf("%+v t=%v q=%d: D_Y[%d] = %.12g, want %.12g", c, tt, q, j, den[q*c.dim+j], wd[j])
					}
				}
				if math.Abs(lam[q]-wl) > 1e-8*math.Max(1, wl) || math.Abs(lr[q]-wr) > 1e-8*math.Max(1, math.Abs(wr)) {
					t.Errorf("%+v t=%v q=%d: λ = %.12g, log-ratio %.12g; want %.12g, %.12g", c, tt, q, lam[q], lr[q], wl, wr)
				}
				if math.IsNaN(lam[q]) || math.IsInf(lam[q], 0) || math.IsNaN(lr[q]) {
					t.Errorf("%+v: non-finite λ %v or ratio %v", c, lam[q], lr[q])
				}
			}
		}
	}
}

// m → 0 must reproduce the Poisson (PFGM++) exact field of the same D, with
// σ = t/√D, and a vanishing death rate.
func TestFieldMassZeroLimit(t *testing.T) {
	ctx := context.Background()
	for _, D := range []int{1, 3, 30} {
		ys := randomPoints(3, 50, 2, 1)
		xs := randomPoints(4, 20, 2, 2)
		y, err := NewField(ys, 2, Process{M: 1e-6, D: D})
		if err != nil {
			t.Fatal(err)
		}
		p, err := field.New(ys, 2, float64(D))
		if err != nil {
			t.Fatal(err)
		}
		for _, tt := range []float64{0.05, 1, 10} {
			got := make([]float64, len(xs))
			want := make([]float64, len(xs))
			lam := make([]float64, 20)
			if err := y.Eval(ctx, xs, tt, got, lam, nil); err != nil {
				t.Fatal(err)
			}
			if err := p.Denoise(ctx, xs, tt/math.Sqrt(float64(D)), want); err != nil {
				t.Fatal(err)
			}
			for j := range got {
				// field.Exact computes distances from float32 charges: 1e-6 agreement.
				if math.Abs(got[j]-want[j]) > 1e-5 {
					t.Fatalf("D=%d t=%v: D_Y[%d] = %.9g, Poisson %.9g", D, tt, j, got[j], want[j])
				}
			}
			for _, l := range lam {
				if l > 1e-9 {
					t.Fatalf("D=%d t=%v: λ = %v at m = 1e-6", D, tt, l)
				}
			}
		}
	}
}

// EvalEach with a radius per query must agree with Eval query by query, and
// a field rebuilt by SetCharges on the same kernel with NewField's.
func TestEvalEachMatchesEval(t *testing.T) {
	ctx := context.Background()
	p := Process{M: 1.5, D: 2}
	ys := randomPoints(3, 40, 3, 1)
	ref, err := NewField(ys, 3, p)
	if err != nil {
		t.Fatal(err)
	}
	f, err := NewFieldOf(ref.Kernel(), randomPoints(4, 7, 3, 1))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.SetCharges(ys); err != nil {
		t.Fatal(err)
	}
	const nq = 5
	x := randomPoints(5, nq, 3, 2)
	ts := []float64{0.01, 0.3, 1, 4, 30}
	den, lam := make([]float64, len(x)), make([]float64, nq)
	if err := f.EvalEach(ctx, x, ts, den, lam); err != nil {
		t.Fatal(err)
	}
	for q, tq := range ts {
		d1, l1 := make([]float64, 3), make([]float64, 1)
		if err := ref.Eval(ctx, x[3*q:3*q+3], tq, d1, l1, nil); err != nil {
			t.Fatal(err)
		}
		for j := range d1 {
			if den[3*q+j] != d1[j] {
				t.Errorf("t=%v: D_Y[%d] = %v, Eval gives %v", tq, j, den[3*q+j], d1[j])
			}
		}
		if lam[q] != l1[0] {
			t.Errorf("t=%v: λ = %v, Eval gives %v", tq, lam[q], l1[0])
		}
	}
	if err := f.EvalEach(ctx, x, ts[:4], den, lam); err == nil {
		t.Error("EvalEach accepted 4 radii for 5 queries")
	}
}
