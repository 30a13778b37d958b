package field

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
)

var testDs = []float64{1, 4, 128, math.Inf(1)}

// bruteLog returns log w_i for every charge in float64 with math.Log.
func bruteLog(ys []float64, dim int, D float64, x []float64, sigma float64) []float64 {
	k := len(ys) / dim
	lw := make([]float64, k)
	for i := range k {
		var d2 float64
		for j := range dim {
			d := x[j] - ys[i*dim+j]
			d2 += d * d
		}
		if math.IsInf(D, 1) {
			lw[i] = -d2 / (2 * sigma * sigma)
		} else {
			lw[i] = -(float64(dim) + D) / 2 * math.Log(d2+sigma*sigma*D)
		}
	}
	return lw
}

// bruteMean is the posterior mean by two-pass log-sum-exp, and log Σ w_i.
func bruteMean(ys []float64, dim int, D float64, x []float64, sigma float64) ([]float64, float64) {
	lw := bruteLog(ys, dim, D, x, sigma)
	m := math.Inf(-1)
	for _, v := range lw {
		m = max(m, v)
	}
	mean := make([]float64, dim)
	var s float64
	for i, v := range lw {
		w := math.Exp(v - m)
		s += w
		for j := range dim {
			mean[j] += w * ys[i*dim+j]
		}
	}
	for j := range mean {
		mean[j] /= s
	}
	return mean, m + math.Log(s)
}

func randomCharges(rng *rand.Rand, k, dim int) []float64 {
	ys := make([]float64, k*dim)
	for i := range ys {
		ys[i] = rng.NormFloat64()
	}
	return ys
}

// seenCharges are the charges as the field holds them (float32-rounded
// about their mean on the GEMM path): the float64 reference uses these.
func seenCharges(t testing.TB, ys []float64, dim int) []float64 {
	e, err := New(ys, dim, 1)
	if err != nil {
		t.Fatal(err)
	}
	return e.charges64()
}

// queriesNear puts queries at charges plus Gaussian noise of scale sigma, so
// that the posterior has a few to many charges with real weight.
func queriesNear(rng *rand.Rand, ys []float64, dim, n int, sigma float64) []float64 {
	k := len(ys) / dim
	x := make([]float64, n*dim)
	for q := range n {
		i := rng.IntN(k)
		for j := range dim {
			x[q*dim+j] = ys[i*dim+j] + sigma*rng.NormFloat64()
		}
	}
	return x
}

// maxErr is the largest absolute difference.
func maxErr(got, want []float64) float64 {
	var e float64
	for i := range got {
		e = max(e, math.Abs(got[i]-want[i]))
	}
	return e
}

// TestDenoiseMatchesBruteForce compares against float64 sums. The direct
// path (dim ≤ 16) keeps float64 charges: tolerance 1e-10. The GEMM path
// (dim 40) is checked against the float32-rounded charges on unit-scale
// data; its float32 weighted sums (relative error ~1e-6 over a block) give a
// tolerance of 2e-5 (observed: 3e-6 at σ = 2, ≤ 1e-7 elsewhere).
func TestDenoiseMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct {
		dim, k int
		shift  float64 // added to every coordinate: large norms, same distances
		tol    float64
	}{
		{1, 700, 0, 1e-10},
		{2, 2500, 0, 1e-10},
		{5, 900, 0, 1e-10},
		{40, 1300, 0, 2e-5},
		{40, 1300, 30, 2e-5},
	} {
		ys := randomCharges(rng, tc.k, tc.dim)
		for i := range ys {
			ys[i] += tc.shift
		}
		ref := seenCharges(t, ys, tc.dim)
		for _, D := range testDs {
			e, err := New(ys, tc.dim, D)
			if err != nil {
				t.Fatal(err)
			}
			for _, sigma := range []float64{0.01, 0.1, 0.5, 2, 20} {
				nq := 70 // more than one query block
				x := queriesNear(rng, ys, tc.dim, nq, sigma)
				got := make([]float64, len(x))
				if err := e.Denoise(context.Background(), x, sigma, got); err != nil {
					t.Fatal(err)
				}
				var worst float64
				for q := range nq {
					want, _ := bruteMean(ref, tc.dim, D, x[q*tc.dim:(q+1)*tc.dim], sigma)
					worst = max(worst, maxErr(got[q*tc.dim:(q+1)*tc.dim], want))
				}
				if !(worst <= tc.tol) {
					t.Errorf("dim %d K %d D %v σ %v: max error %.3g > %.3g", tc.dim, tc.k, D, sigma, worst, tc.tol)
				}
			}
		}
	}
}

// TestExtremeStability: N+D = 10⁶ at σ = 0.002 and σ = 80. The weights are
// then e^(−5·10⁵·log(…)) — far outside float64 without log-sum-exp. Checks
// no NaN, the mean against brute force, and log Σ w_i in log space.
func TestExtremeStability(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, tc := range []struct {
		dim     int
		tolMean float64
		tolLogZ float64 // relative
	}{
		{2, 1e-9, 1e-13},
		{40, 2e-5, 1e-9},
	} {
		const k = 600
		ys := randomCharges(rng, k, tc.dim)
		ref := seenCharges(t, ys, tc.dim)
		for _, D := range []float64{1e6 - float64(tc.dim), math.Inf(1)} {
			e, err := New(ys, tc.dim, D)
			if err != nil {
				t.Fatal(err)
			}
			for _, sigma := range []float64{0.002, 80} {
				x := queriesNear(rng, ys, tc.dim, 20, sigma)
				// And some far from everything.
				for j := range tc.dim {
					x[j] = 50
				}
				w := weighting{inf: true, inv2s2: 1 / (2 * sigma * sigma)}
				if !math.IsInf(D, 1) {
					w = weighting{a: (float64(tc.dim) + D) / 2, r2: sigma * sigma * D}
				}
				got := make([]float64, len(x))
				st := make([]queryState, len(x)/tc.dim)
				if err := e.run(context.Background(), x, w, got, st); err != nil {
					t.Fatal(err)
				}
				for q := range st {
					xq := x[q*tc.dim : (q+1)*tc.dim]
					want, logZ := bruteMean(ref, tc.dim, D, xq, sigma)
					gotQ := got[q*tc.dim : (q+1)*tc.dim]
					for _, v := range gotQ {
						if math.IsNaN(v) || math.IsInf(v, 0) {
							t.Fatalf("dim %d D %v σ %v: non-finite mean %v", tc.dim, D, sigma, gotQ)
						}
					}
					if d := maxErr(gotQ, want); !(d <= tc.tolMean) {
						t.Errorf("dim %d D %v σ %v query %d: mean error %.3g", tc.dim, D, sigma, q, d)
					}
					gotZ := st[q].m + math.Log(st[q].s)
					if rel := math.Abs(gotZ-logZ) / math.Max(1, math.Abs(logZ)); !(rel <= tc.tolLogZ) {
						t.Errorf("dim %d D %v σ %v query %d: log Z %v, brute %v", tc.dim, D, sigma, q, gotZ, logZ)
					}
				}
			}
		}
	}
}

// TestLimits: a huge σ gives the mean of the data, a tiny σ near a charge
// gives that charge.
func TestLimits(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, dim := range []int{2, 40} {
		const k = 300
		ys := randomCharges(rng, k, dim)
		ref := seenCharges(t, ys, dim)
		dataMean := make([]float64, dim)
		for i := range k {
			for j := range dim {
				dataMean[j] += ref[i*dim+j] / k
			}
		}
		for _, D := range testDs {
			e, err := New(ys, dim, D)
			if err != nil {
				t.Fatal(err)
			}
			// σ = 10⁴: weights differ from uniform by about (N+D)/(2D)·d²/σ² ≲ 10⁻⁶.
			x := queriesNear(rng, ys, dim, 5, 1)
			got := make([]float64, len(x))
			if err := e.Denoise(context.Background(), x, 1e4, got); err != nil {
				t.Fatal(err)
			}
			for q := range 5 {
				if d := maxErr(got[q*dim:(q+1)*dim], dataMean); !(d <= 1e-4) {
					t.Errorf("dim %d D %v: σ=1e4 mean off the data mean by %.3g", dim, D, d)
				}
			}
			// 10⁻⁴ from charge i, σ = 10⁻⁴: the other charges (at distance
			// ≳ 0.1) carry relative weight ≲ (1.4·10⁻³)^(N+D) or e^(−10⁵).
			const off = 1e-4
			idx := []int{0, 17, 123}
			x = make([]float64, len(idx)*dim)
			for q, i := range idx {
				for j := range dim {
					x[q*dim+j] = ys[i*dim+j] + off/math.Sqrt(float64(dim))
				}
			}
			got = make([]float64, len(x))
			if err := e.Denoise(context.Background(), x, off, got); err != nil {
				t.Fatal(err)
			}
			for q, i := range idx {
				if d := maxErr(got[q*dim:(q+1)*dim], ref[i*dim:(i+1)*dim]); !(d <= 1e-6) {
					t.Errorf("dim %d D %v: tiny σ next to charge %d gives a point %.3g away", dim, D, i, d)
				}
			}
		}
	}
}

// TestFieldMatchesPotential checks Field against central differences of the
// potential φ = Σ_i ρ_i^−(N+D−2) in (x, r), E = −∇φ/((N+D−2)·K), both the
// direction and log‖E‖.
func TestFieldMatchesPotential(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, tc := range []struct {
		dim    int
		tolDir float64
	}{{1, 1e-6}, {2, 1e-6}, {24, 1e-4}} {
		const k = 50
		ys := randomCharges(rng, k, tc.dim)
		ref := seenCharges(t, ys, tc.dim)
		for _, D := range []float64{1, 4} {
			e, err := New(ys, tc.dim, D)
			if err != nil {
				t.Fatal(err)
			}
			p := float64(tc.dim) + D - 2 // φ exponent; N+D = 2 uses −log ρ
			// log φ by log-sum-exp; φ can be enormous for large N+D.
			phi := func(x []float64, r float64) float64 {
				var terms []float64
				for i := range k {
					var d2 float64
					for j := range tc.dim {
						d := x[j] - ref[i*tc.dim+j]
						d2 += d * d
					}
					terms = append(terms, d2+r*r)
				}
				if p == 0 {
					var s float64
					for _, q := range terms {
						s -= 0.5 * math.Log(q)
					}
					return s
				}
				var s float64
				for _, q := range terms {
					s += math.Pow(q, -p/2)
				}
				return s
			}
			for trial := range 6 {
				x := make([]float64, tc.dim)
				for j := range x {
					x[j] = 1.5 * rng.NormFloat64()
				}
				r := 0.2 + float64(trial)*0.3
				dir := make([]float64, tc.dim+1)
				logN, err := e.Field(x, r, dir)
				if err != nil {
					t.Fatal(err)
				}
				// −∇φ by central differences, h = 1e-6.
				const h = 1e-6
				grad := make([]float64, tc.dim+1)
				xp := append([]float64(nil), x...)
				for j := range tc.dim {
					xp[j] = x[j] + h
					a := phi(xp, r)
					xp[j] = x[j] - h
					b := phi(xp, r)
					xp[j] = x[j]
					grad[j] = -(a - b) / (2 * h)
				}
				grad[tc.dim] = -(phi(x, r+h) - phi(x, r-h)) / (2 * h)
				var gn float64
				for _, v := range grad {
					gn += v * v
				}
				gn = math.Sqrt(gn)
				var dev float64
				for j := range grad {
					dev = max(dev, math.Abs(grad[j]/gn-dir[j]))
				}
				if !(dev <= tc.tolDir) {
					t.Errorf("N %d D %v trial %d: direction %v vs finite differences %v", tc.dim, D, trial, dir, grad)
				}
				if dir[tc.dim] < 0 {
					t.Errorf("N %d D %v: radial component %v points into the data plane", tc.dim, D, dir[tc.dim])
				}
				c := p
				if c == 0 {
					c = 1
				}
				wantLog := math.Log(gn / (c * k))
				if d := math.Abs(logN - wantLog); !(d <= 1e-5) {
					t.Errorf("N %d D %v trial %d: log‖E‖ %v, finite differences %v", tc.dim, D, trial, logN, wantLog)
				}
			}
		}
	}
}

func TestFastMath(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	v := make([]float64, 10000)
	for i := range v {
		v[i] = -60 * rng.Float64()
	}
	v[0], v[1], v[2] = 0, -708, 3
	w := append([]float64(nil), v...)
	expInPlace(w)
	for i, x := range v {
		if rel := math.Abs(w[i]-math.Exp(x)) / math.Exp(x); !(rel <= 4e-16) {
			t.Fatalf("exp(%v) = %v, want %v", x, w[i], math.Exp(x))
		}
	}
	for range 10000 {
		x := math.Exp(100 * (rng.Float64() - 0.5))
		if d := math.Abs(fastLog(x) - math.Log(x)); !(d <= 4e-16*math.Max(1, math.Abs(math.Log(x)))) {
			t.Fatalf("log(%v) = %v, want %v", x, fastLog(x), math.Log(x))
		}
	}
	if !math.IsInf(fastLog(0), -1) || !math.IsNaN(fastLog(-1)) {
		t.Fatal("fastLog edge cases")
	}
}

func TestNewRejectsBadInput(t *testing.T) {
	for _, tc := range []struct {
		ys  []float64
		dim int
		D   float64
	}{
		{[]float64{1, 2, 3}, 2, 1},
		{nil, 2, 1},
		{[]float64{1, 2}, 0, 1},
		{[]float64{1, 2}, 2, 0},
		{[]float64{1, 2}, 2, 1.5},
		{[]float64{1, math.NaN()}, 2, 1},
		{[]float64{1, 1e300}, 2, 1},
	} {
		if _, err := New(tc.ys, tc.dim, tc.D); err == nil {
			t.Errorf("New(%v, %d, %v) accepted", tc.ys, tc.dim, tc.D)
		}
	}
	e, _ := New([]float64{0, 0, 1, 1}, 2, 4)
	out := make([]float64, 2)
	if err := e.Denoise(context.Background(), []float64{0, 0}, 0, out); err == nil {
		t.Error("σ = 0 accepted")
	}
	if err := e.Denoise(context.Background(), []float64{0, 0, 1}, 1, make([]float64, 3)); err == nil {
		t.Error("ragged batch accepted")
	}
	if err := e.Denoise(context.Background(), []float64{0, math.NaN()}, 1, out); err == nil {
		t.Error("NaN query accepted")
	}
	if _, err := e.Field([]float64{0, 0}, 0, make([]float64, 3)); err == nil {
		t.Error("field on a charge accepted")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := e.Denoise(ctx, []float64{0, 0}, 1, out); err == nil {
		t.Error("cancelled context ignored")
	}
}
