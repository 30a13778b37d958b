package process

import (
	"math"
	"math/rand/v2"
	"testing"
)

// At image scale — N = 3·256·256 = 196,608 data dimensions, D = 128 — the
// ratio B/(1−B) = R²/r² of B ~ Beta(N/2, D/2) has mean (N/2)/(D/2 − 1) ≈ 1560,
// far above the reference code's cap 999 (B ≤ 1 − 10⁻³). Practically every draw there
// lies beyond the cap (all but about 1 in 10⁴), so the reference's clip would replace the whole
// kernel by the single radius r·√999 (about 0.8 of the typical norm). pfgm's
// unclipped draws must instead follow Beta(N/2, D/2): KS at α = 0.001, and
// E[R²]/r² = N/(D−2) within 5 standard errors.
func TestRadiusKeepsTailAtImageScale(t *testing.T) {
	const (
		N = 196608
		D = 128
		n = 20000
	)
	a, b := float64(N)/2, float64(D)/2
	rng := rand.New(rand.NewPCG(21, 1))
	bs := make([]float64, n)
	var sum, sum2 float64
	clipped := 0
	for i := range bs {
		R := RadiusAt(rng, N, D, 1, false)
		ratio := R * R
		bs[i] = ratio / (1 + ratio)
		sum += ratio
		sum2 += ratio * ratio
		if bs[i] > clipHi {
			clipped++
		}
	}
	// P(B > 1 − 10⁻³) = 1 − I_0.999(N/2, D/2) ≈ 0.9998: practically every draw.
	p := 1 - betaInc(a, b, clipHi)
	if frac := float64(clipped) / n; p < 0.999 || math.Abs(frac-p) > 5*math.Sqrt(p*(1-p)/n)+1/float64(n) {
		t.Errorf("%d/%d draws beyond the reference's clip, want a fraction %v (> 0.999)", clipped, n, p)
	}
	t.Logf("fraction beyond the clip: %v (theory %v)", float64(clipped)/n, p)
	if d := ksStat(bs, func(x float64) float64 { return betaInc(a, b, x) }); d > ksCrit(n) {
		t.Errorf("KS %v > %v: unclipped draws do not follow Beta(N/2, D/2)", d, ksCrit(n))
	}
	mean := sum / n
	want := a / (b - 1)
	sd := math.Sqrt(a*(a+1)/((b-1)*(b-2)) - want*want)
	if math.Abs(mean-want) > 5*sd/math.Sqrt(n) {
		t.Errorf("E[R²]/r² = %v, want %v ± %v", mean, want, 5*sd/math.Sqrt(n))
	}
	// The clipped kernel has no spread at all there.
	for range 100 {
		if R := RadiusAt(rng, N, D, 1, true); math.Abs(R*R-clipHi/(1-clipHi)) > 1e-9*R*R {
			t.Fatalf("clipped R²/r² = %v, want the cap %v", R*R, clipHi/(1-clipHi))
		}
	}
}
