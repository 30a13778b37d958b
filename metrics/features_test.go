package metrics

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func sym(d int, v ...float64) *mat.SymDense { return mat.NewSymDense(d, v) }

func TestFrechetDistanceIdentical(t *testing.T) {
	// A non-diagonal covariance: rounding in the square roots must not
	// leave a visible residue.
	g := Gaussian{Mean: []float64{1, -2, 3}, Cov: sym(3, 4, 1, 0.5, 1, 3, -0.7, 0.5, -0.7, 2)}
	fd, err := FrechetDistance(g, g)
	if err != nil {
		t.Fatal(err)
	}
	if fd > 1e-9 {
		t.Fatalf("FD of a Gaussian with itself = %g, want 0", fd)
	}
}

func TestFrechetDistanceDiagonal(t *testing.T) {
	// Commuting covariances: FD = ‖Δμ‖² + Σ (√aᵢ − √bᵢ)².
	a := Gaussian{Mean: []float64{0, 1, 2}, Cov: sym(3, 4, 0, 0, 0, 1, 0, 0, 0, 9)}
	b := Gaussian{Mean: []float64{1, 1, 0}, Cov: sym(3, 1, 0, 0, 0, 16, 0, 0, 0, 9)}
	want := (1.0 + 0 + 4) + (1 + 9 + 0)
	fd, err := FrechetDistance(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(fd-want) > 1e-9 {
		t.Fatalf("FD = %.12g, want %g", fd, want)
	}
}

func TestFrechetDistanceNonCommuting2D(t *testing.T) {
	// For 2×2 matrices tr √M = √(tr M + 2√det M), and M = Σ₁^½ Σ₂ Σ₁^½
	// has tr M = tr Σ₁Σ₂ and det M = det Σ₁ det Σ₂, so
	// FD = ‖Δμ‖² + tr Σ₁ + tr Σ₂ − 2 √(tr Σ₁Σ₂ + 2 √(det Σ₁ det Σ₂)).
	s1 := [4]float64{2, 0.8, 0.8, 1}
	s2 := [4]float64{1, -0.6, -0.6, 3}
	a := Gaussian{Mean: []float64{0.5, -1}, Cov: sym(2, s1[:]...)}
	b := Gaussian{Mean: []float64{-0.5, 1}, Cov: sym(2, s2[:]...)}
	trProd := s1[0]*s2[0] + s1[1]*s2[2] + s1[2]*s2[1] + s1[3]*s2[3]
	det1, det2 := s1[0]*s1[3]-s1[1]*s1[2], s2[0]*s2[3]-s2[1]*s2[2]
	want := 1 + 4 + (s1[0] + s1[3]) + (s2[0] + s2[3]) - 2*math.Sqrt(trProd+2*math.Sqrt(det1*det2))
	fd, err := FrechetDistance(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(fd-want) > 1e-9 {
		t.Fatalf("FD = %.12g, want %.12g", fd, want)
	}
}

func TestFitGaussian(t *testing.T) {
	x := mat.NewDense(4, 2, []float64{1, 2, 3, 2, 1, 4, 3, 4})
	g, err := FitGaussian(x)
	if err != nil {
		t.Fatal(err)
	}
	// Mean (2, 3); deviations (∓1, ∓1) independent: variances 4/3, covariance 0.
	if g.Mean[0] != 2 || g.Mean[1] != 3 || math.Abs(g.Cov.At(0, 0)-4.0/3) > 1e-12 ||
		math.Abs(g.Cov.At(1, 1)-4.0/3) > 1e-12 || math.Abs(g.Cov.At(0, 1)) > 1e-12 {
		t.Fatalf("got mean %v cov %v", g.Mean, mat.Formatted(g.Cov))
	}
	if _, err := FitGaussian(mat.NewDense(1, 2, nil)); err == nil {
		t.Fatal("one vector: no error")
	}
}

// rademacher returns n rows of d independent ±c entries.
func rademacher(rng *rand.Rand, n, d int, c float64) *mat.Dense {
	x := mat.NewDense(n, d, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			if rng.IntN(2) == 0 {
				x.Set(i, j, c)
			} else {
				x.Set(i, j, -c)
			}
		}
	}
	return x
}

func TestKIDKnownValue(t *testing.T) {
	// x Rademacher, y = c × Rademacher in d dimensions. With S the mean of
	// d independent signs, E S = E S³ = 0 and E S² = 1/d, so
	// E k(x,x') = 1 + 3/d, E k(y,y') = 1 + 3c⁴/d, E k(x,y) = 1 + 3c²/d and
	// MMD² = 3(1 − c²)²/d. The estimator is unbiased: averaged over draws it
	// must match (its standard error here is about 0.05).
	const d, c, n, reps = 4, 2.0, 500, 4
	want := 3 * (1 - c*c) * (1 - c*c) / d
	rng := rand.New(rand.NewPCG(1, 2))
	var mean float64
	for r := 0; r < reps; r++ {
		k, err := KID(rademacher(rng, n, d, 1), rademacher(rng, n, d, c))
		if err != nil {
			t.Fatal(err)
		}
		mean += k / reps
	}
	if math.Abs(mean-want) > 0.2 {
		t.Fatalf("KID = %.4f, want %.4f ± 0.2", mean, want)
	}
}

func TestKIDSameDistribution(t *testing.T) {
	// Two draws of one Gaussian: the unbiased estimate is 0 up to noise,
	// while a mean shift of 0.5σ per coordinate is far above it.
	rng := rand.New(rand.NewPCG(3, 4))
	gauss := func(n, d int, shift float64) *mat.Dense {
		x := mat.NewDense(n, d, nil)
		for i := 0; i < n; i++ {
			for j := 0; j < d; j++ {
				x.Set(i, j, rng.NormFloat64()+shift)
			}
		}
		return x
	}
	same, err := KID(gauss(800, 16, 0), gauss(800, 16, 0))
	if err != nil {
		t.Fatal(err)
	}
	shifted, err := KID(gauss(800, 16, 0), gauss(800, 16, 0.5))
	if err != nil {
		t.Fatal(err)
	}
	// Population MMD² of a shift δ in every one of d coordinates, from the
	// moments of u = a·b/d + 1 (as in TestKIDKnownValue):
	//   E k(x,x') = 1 + 3/d,
	//   E k(y,y') = c³ + 3c(2δ²+1)/d + 6δ²/d² with c = 1 + δ²,
	//   E k(x,y)  = 1 + 3(δ²+1)/d;
	// for δ = 0.5, d = 16 that is 1.0293. The noise at n = 800 is a few
	// hundredths.
	const d, delta = 16, 0.5
	c := 1 + delta*delta
	want := (1 + 3.0/d) + (c*c*c + 3*c*(2*delta*delta+1)/d + 6*delta*delta/(d*d)) - 2*(1+3*(delta*delta+1)/d)
	if math.Abs(same) > 0.01 || math.Abs(shifted-want) > 0.15 {
		t.Fatalf("KID same = %.4f (want |·| < 0.01), shifted = %.4f (want %.4f ± 0.15)", same, shifted, want)
	}
}

func modes(rng *rand.Rand, n int, which []int) *mat.Dense {
	x := mat.NewDense(n, 2, nil)
	for j := 0; j < n; j++ {
		m := which[j%len(which)]
		x.Set(j, 0, 10*float64(m)+0.1*rng.NormFloat64())
		x.Set(j, 1, 0.1*rng.NormFloat64())
	}
	return x
}

func TestPrecisionRecallHalfModes(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	all := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
	real := modes(rng, 2000, all)
	p, r, err := PrecisionRecall(real, modes(rng, 1000, []int{0, 2, 4, 6, 8}), 3)
	if err != nil {
		t.Fatal(err)
	}
	// Every fake point sits in a real mode (precision ≈ 1, up to the few
	// points beyond the 3-NN balls); only the 5 covered modes' real points
	// can be recalled (recall ≈ 0.5).
	if p < 0.9 || math.Abs(r-0.5) > 0.05 {
		t.Fatalf("half the modes: precision %.3f (want ≥ 0.9), recall %.3f (want 0.5 ± 0.05)", p, r)
	}
	p, r, err = PrecisionRecall(real, modes(rng, 2000, all), 3)
	if err != nil {
		t.Fatal(err)
	}
	if p < 0.9 || r < 0.9 {
		t.Fatalf("same distribution: precision %.3f, recall %.3f, want both ≥ 0.9", p, r)
	}
	// Fake points off every mode: precision 0.
	off := modes(rng, 500, []int{20, 21})
	if p, _, _ = PrecisionRecall(real, off, 3); p != 0 {
		t.Fatalf("points far from every real mode: precision %.3f, want 0", p)
	}
	if _, _, err := PrecisionRecall(real, modes(rng, 3, all), 3); err == nil {
		t.Fatal("3 fake points with k = 3: no error")
	}
}
