package process

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestParseD(t *testing.T) {
	for in, want := range map[string]float64{
		"1": 1, "128": 128, " 2048 ": 2048, "inf": math.Inf(1), "INF": math.Inf(1),
		"Inf": math.Inf(1), "1e6": 1e6, "2E5": 2e5,
	} {
		got, err := ParseD(in)
		if err != nil || got != want {
			t.Errorf("ParseD(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"0", "-3", "2.5", "1e-3", "abc", "", "nan", "infinity", "0x10", "-inf", "1e400", "12x"} {
		_, err := ParseD(in)
		if err == nil {
			t.Errorf("ParseD(%q) gave no error", in)
			continue
		}
		if want := fmt.Sprintf("D must be an integer ≥ 1 or inf, got %q", in); err.Error() != want {
			t.Errorf("ParseD(%q) error %q, want %q", in, err, want)
		}
	}
}

func TestFormatDRoundTrip(t *testing.T) {
	for _, D := range []float64{1, 4, 128, 1e6, math.Inf(1)} {
		s := FormatD(D)
		if strings.ContainsAny(s, "e+") {
			t.Errorf("FormatD(%v) = %q, want plain digits", D, s)
		}
		if got, err := ParseD(s); err != nil || got != D {
			t.Errorf("ParseD(FormatD(%v)=%q) = %v, %v", D, s, got, err)
		}
	}
	if _, err := New(0.5); err == nil {
		t.Error("New(0.5) gave no error")
	}
	if _, err := New(math.NaN()); err == nil {
		t.Error("New(NaN) gave no error")
	}
}

// E[R²] = r²·N/(D−2): R²/r² = G₁/G₂ with G₁ ~ Gamma(N/2), G₂ ~ Gamma(D/2),
// E[G₁] = N/2, E[1/G₂] = 2/(D−2). Tolerance: 5 standard errors from the exact
// variance a(a+1)/((b−1)(b−2)) − m²; for D = 4 that variance is infinite, so
// a fixed 5% (≈ 9× the √(ln n / n) spread of a tail-index-2 mean) is used.
func TestRadiusSecondMoment(t *testing.T) {
	const n = 200000
	const sigma = 1.7
	for k, c := range [][2]float64{{2, 4}, {2, 128}, {784, 128}, {784, 4096}, {10, 2e5}} {
		N, D := int(c[0]), c[1]
		t.Run(fmt.Sprint(N, ",", D), func(t *testing.T) {
			p, err := New(D)
			if err != nil {
				t.Fatal(err)
			}
			r := p.R(sigma)
			rng := rand.New(rand.NewPCG(3, uint64(k)))
			var sum float64
			for range n {
				R := p.Radius(rng, N, sigma, false)
				sum += R * R
			}
			got := sum / n / (r * r)
			a, b := float64(N)/2, D/2
			want := a / (b - 1)
			tol := 0.05 * want
			if b > 2 {
				tol = 5 * math.Sqrt((a*(a+1)/((b-1)*(b-2))-want*want)/n)
			}
			if math.Abs(got-want) > tol {
				t.Errorf("E[R²]/r² = %v, want N/(D−2) = %v ± %v", got, want, tol)
			}
		})
	}
}

// B = R²/(R²+r²) must be Beta(N/2, D/2) (KS at α = 0.001).
func TestRadiusKS(t *testing.T) {
	const n = 20000
	for k, c := range [][2]float64{{1, 1}, {2, 4}, {2, 128}, {784, 128}, {784, 1e5}, {1e4, 1e6}} {
		N, D := int(c[0]), c[1]
		t.Run(fmt.Sprint(N, ",", D), func(t *testing.T) {
			p, _ := New(D)
			const sigma = 0.3
			r := p.R(sigma)
			rng := rand.New(rand.NewPCG(11, uint64(k)))
			bs := make([]float64, n)
			for i := range bs {
				R := p.Radius(rng, N, sigma, false)
				bs[i] = R * R / (R*R + r*r)
			}
			a, b := float64(N)/2, D/2
			if d := ksStat(bs, func(x float64) float64 { return betaInc(a, b, x) }); d > ksCrit(n) {
				t.Errorf("KS %v > %v", d, ksCrit(n))
			}
		})
	}
}

// The finite-D kernel is a multivariate Student t with D degrees of freedom
// and scale σ (with r = σ√D): per coordinate variance σ²·D/(D−2) and kurtosis
// 3 + 6/(D−4). Checked through Noise, so the direction's normalisation is
// tested too. Tolerances ≈ 5 SE for ~10⁶ coordinates.
func TestNoiseStudentT(t *testing.T) {
	const sigma = 2.5
	for k, c := range []struct {
		D          float64
		dim, n     int
		tolV, tolK float64
	}{
		{20, 3, 300000, 0.02, 0.15},
		{128, 3, 300000, 0.01, 0.04},
		{1e6, 10, 100000, 0.01, 0.03},
	} {
		t.Run(FormatD(c.D), func(t *testing.T) {
			p, _ := New(c.D)
			rng := rand.New(rand.NewPCG(5, uint64(k)))
			sig := make([]float64, c.n)
			for i := range sig {
				sig[i] = sigma
			}
			out := make([]float64, c.n*c.dim)
			Noise(p, rng, c.dim, sig, false, out)
			var m2, m4 float64
			for _, x := range out {
				m2 += x * x
				m4 += x * x * x * x
			}
			m2 /= float64(len(out))
			m4 /= float64(len(out))
			v := m2 / (sigma * sigma)
			kurt := m4 / (m2 * m2)
			wantV, wantK := c.D/(c.D-2), 3+6/(c.D-4)
			if math.Abs(v-wantV) > c.tolV*wantV {
				t.Errorf("variance/σ² = %v, want %v (±%v relative)", v, wantV, c.tolV)
			}
			if math.Abs(kurt-wantK) > c.tolK {
				t.Errorf("kurtosis = %v, want %v ± %v", kurt, wantK, c.tolK)
			}
		})
	}
}

// D = ∞: per coordinate N(0, σ²), each row at its own σ.
func TestNoiseGaussian(t *testing.T) {
	p, err := New(math.Inf(1))
	if err != nil || !p.Gaussian() || p.String() != "D=inf" {
		t.Fatalf("New(inf) = %v, %v", p, err)
	}
	const n, dim = 100000, 4
	sig := make([]float64, n)
	for i := range sig {
		sig[i] = float64(1 + i%3) // σ ∈ {1, 2, 3}
	}
	out := make([]float32, n*dim)
	Noise(p, rand.New(rand.NewPCG(2, 2)), dim, sig, true, out)
	var z2, z4 float64
	for i, x := range out {
		z := float64(x) / sig[i/dim]
		z2 += z * z
		z4 += z * z * z * z
	}
	z2 /= n * dim
	z4 /= n * dim
	// SE of the mean of z² is √(2/(n·dim)) ≈ 0.0022; of z⁴ about √(96/(n·dim)) ≈ 0.015.
	if math.Abs(z2-1) > 0.011 || math.Abs(z4-3) > 0.08 {
		t.Errorf("E[z²] = %v (want 1), E[z⁴] = %v (want 3)", z2, z4)
	}
}

// Noise(row) and Radius consume the stream in the same order, so with equal
// seeds the row norm is the radius: this checks u is a unit vector.
func TestNoiseRowNormIsRadius(t *testing.T) {
	p, _ := New(64)
	for _, dim := range []int{1, 2, 784} {
		out := make([]float32, dim)
		Noise(p, rand.New(rand.NewPCG(9, 9)), dim, []float64{0.7}, false, out)
		R := p.Radius(rand.New(rand.NewPCG(9, 9)), dim, 0.7, false)
		var ss float64
		for _, x := range out {
			ss += float64(x) * float64(x)
		}
		if math.Abs(math.Sqrt(ss)-R) > 1e-6*R {
			t.Errorf("dim %d: ‖n‖ = %v, radius %v", dim, math.Sqrt(ss), R)
		}
	}
}

func TestNoisePanicsOnLength(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Noise with a short out did not panic")
		}
	}()
	p, _ := New(8)
	Noise(p, rand.New(rand.NewPCG(1, 1)), 3, []float64{1, 2}, false, make([]float64, 5))
}

// With clip, B is held in [1e-3, 1−1e-3]: for N = 2, D = 2·10⁵ (B ≈ 10⁻⁵)
// the radius is almost always the floor r·√(1e-3/0.999); for N = 10⁴, D = 1
// (1−B ≈ 10⁻⁴) the ceiling r·√999. Without clip they fall outside.
func TestRadiusClip(t *testing.T) {
	const n = 2000
	for _, c := range []struct {
		N     int
		D     float64
		bound float64
		low   bool
	}{
		{2, 2e5, math.Sqrt(1e-3 / (1 - 1e-3)), true},
		{10000, 1, math.Sqrt((1 - 1e-3) / 1e-3), false},
	} {
		p, _ := New(c.D)
		r := p.R(1.3)
		rng := rand.New(rand.NewPCG(4, 4))
		var atBound, outside int
		for range n {
			R := p.Radius(rng, c.N, 1.3, true) / r
			if (c.low && R < c.bound*(1-1e-12)) || (!c.low && R > c.bound*(1+1e-12)) {
				t.Fatalf("N=%d D=%v: clipped radius/r %v beyond bound %v", c.N, c.D, R, c.bound)
			}
			if math.Abs(R-c.bound) < 1e-12*c.bound {
				atBound++
			}
			R = p.Radius(rng, c.N, 1.3, false) / r
			if (c.low && R < c.bound) || (!c.low && R > c.bound) {
				outside++
			}
		}
		if atBound < n*95/100 || outside < n*95/100 {
			t.Errorf("N=%d D=%v: %d/%d clipped to the bound, %d/%d beyond it unclipped", c.N, c.D, atBound, n, outside, n)
		}
	}
}

// The prior is the unclipped kernel around 0 at σ_max: n rows of dim, with
// E‖x‖² = σ_max²·N·D/(D−2) (finite D) or σ_max²·N (D = ∞).
func TestPrior(t *testing.T) {
	const n, dim, smax = 50000, 2, 80.0
	for _, D := range []float64{2e5, 128, math.Inf(1)} {
		p, _ := New(D)
		x := p.Prior(rand.New(rand.NewPCG(8, 8)), n, dim, smax)
		if len(x) != n*dim {
			t.Fatalf("len = %d, want %d", len(x), n*dim)
		}
		var ss float64
		var belowClip int
		floor := p.R(smax) * math.Sqrt(1e-3/(1-1e-3))
		for i := range n {
			r2 := x[2*i]*x[2*i] + x[2*i+1]*x[2*i+1]
			ss += r2
			if math.Sqrt(r2) < floor {
				belowClip++
			}
		}
		got := ss / n / (smax * smax * dim)
		want := 1.0
		if !p.Gaussian() {
			want = D / (D - 2)
		}
		// Per coordinate z² has variance ≈ 2 (t with 128 dof: a bit more); n·dim = 10⁵ → SE ≈ 0.0045.
		if math.Abs(got-want) > 0.025 {
			t.Errorf("%v: E‖x‖²/(σ²N) = %v, want %v", p, got, want)
		}
		if D == 2e5 && belowClip < n*9/10 {
			t.Errorf("%v: only %d/%d prior radii below the training clip floor; the prior must not clip", p, belowClip, n)
		}
	}
}

func TestRadiusAtMatchesRadius(t *testing.T) {
	p, _ := New(16)
	a := p.Radius(rand.New(rand.NewPCG(1, 3)), 5, 0.5, true)
	b := RadiusAt(rand.New(rand.NewPCG(1, 3)), 5, 16, 0.5*4, true)
	if a != b {
		t.Errorf("Radius %v ≠ RadiusAt %v", a, b)
	}
}
