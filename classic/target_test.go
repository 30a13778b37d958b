package classic

import (
	"math"
	"math/rand/v2"
	"testing"
)

// bruteTarget is the reference's loss target written out in float64 with
// math.Pow, one charge at a time.
func bruteTarget(y []float64, dim int, x []float64, z, gamma float64) []float64 {
	k := len(y) / dim
	rho := make([]float64, k)
	rmin := math.Inf(1)
	for i := range k {
		s := z * z
		for j := range dim {
			d := x[j] - y[i*dim+j]
			s += d * d
		}
		rho[i] = math.Sqrt(s)
		rmin = min(rmin, rho[i])
	}
	w := make([]float64, k)
	var sum float64
	for i := range k {
		w[i] = math.Pow(rmin/rho[i], float64(dim+1))
		sum += w[i]
	}
	e := make([]float64, dim+1)
	for i := range k {
		for j := range dim {
			e[j] += w[i] / sum * (y[i*dim+j] - x[j])
		}
		e[dim] += w[i] / sum * (0 - z)
	}
	var n2 float64
	for _, v := range e {
		n2 += v * v
	}
	for j := range e {
		e[j] *= math.Sqrt(float64(dim)) / (math.Sqrt(n2) + gamma)
	}
	return e
}

func TestTargetMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, c := range []struct {
		name   string
		dim, k int
		offset float64 // common offset of the data: stresses the GEMM's cancellation
	}{
		{"direct 2-D", 2, 50, 0},
		{"direct 16-D", 16, 40, 3},
		{"gemm 40-D", 40, 64, 0},
		{"gemm 200-D offset", 200, 300, 5},
	} {
		y := make([]float64, c.dim*c.k)
		for i := range y {
			y[i] = c.offset + rng.NormFloat64()
		}
		ch, err := NewCharges(y, c.dim)
		if err != nil {
			t.Fatal(err)
		}
		// Queries near a charge (small z, small displacement) and far out.
		var xs, zs []float64
		for q := range 24 {
			i := rng.IntN(c.k)
			s := 0.01 * math.Pow(1.03, float64(q*12)) // σ₀(1+τ)^m, m = 0…276
			for j := range c.dim {
				xs = append(xs, y[i*c.dim+j]+s*rng.NormFloat64())
			}
			zs = append(zs, s*math.Abs(rng.NormFloat64())+1e-6)
		}
		out := make([]float64, len(zs)*(c.dim+1))
		if err := ch.Target(xs, zs, 5, out); err != nil {
			t.Fatal(err)
		}
		worst := 0.0
		for q := range zs {
			want := bruteTarget(y, c.dim, xs[q*c.dim:(q+1)*c.dim], zs[q], 5)
			for j, w := range want {
				worst = max(worst, math.Abs(out[q*(c.dim+1)+j]-w))
			}
		}
		// The target's norm is below √N; agreement to 1e-10 is float64 rounding.
		if worst > 1e-10 {
			t.Errorf("%s: worst |target − brute force| = %.3g", c.name, worst)
		}
	}
}

func TestTargetOneCharge(t *testing.T) {
	// One charge: E = y − x̃ exactly, so the target is √N·(y−x, −z)/(ρ+γ).
	ch, _ := NewCharges([]float64{1, -2}, 2)
	out := make([]float64, 3)
	if err := ch.Target([]float64{4, 2}, []float64{12}, 5, out); err != nil {
		t.Fatal(err)
	}
	f := math.Sqrt2 / (13 + 5) // ρ = √(3² + 4² + 12²) = 13
	want := []float64{-3 * f, -4 * f, -12 * f}
	for j := range want {
		if math.Abs(out[j]-want[j]) > 1e-15 {
			t.Errorf("component %d: %v, want %v", j, out[j], want[j])
		}
	}
}

func TestTargetRejectsBadInput(t *testing.T) {
	ch, _ := NewCharges([]float64{0, 0}, 2)
	out := make([]float64, 3)
	if err := ch.Target([]float64{1, 1}, []float64{0}, 5, out); err == nil {
		t.Error("z = 0 accepted")
	}
	if err := ch.Target([]float64{1, math.NaN()}, []float64{1}, 5, out); err == nil {
		t.Error("NaN accepted")
	}
	if err := ch.Target([]float64{1, 1}, []float64{1}, 5, out[:2]); err == nil {
		t.Error("short output accepted")
	}
	if _, err := NewCharges([]float64{1, 2, 3}, 2); err == nil {
		t.Error("ragged charges accepted")
	}
}
