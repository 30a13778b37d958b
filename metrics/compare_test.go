package metrics

import (
	"math/rand/v2"
	"testing"

	"github.com/pfgm/pfgm/data"
)

// A sample of the reference's own distribution reads as about 1× the floor,
// and a sample shifted by a fraction of the moons' noise clearly does not.
// SW2 of 1,000 points fluctuates by about ±30 % from sample to sample (the
// moon proportions alone vary by ±1.1 %), so the band is wide; averaging
// the floor over splits removes most of the floor's own share.
func TestCompareRatioOfSameDistributionIsNearOne(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		ref, _ := data.Toy("moons", 2000, rand.New(rand.NewPCG(seed, 1)))
		s, _ := data.Toy("moons", 1000, rand.New(rand.NewPCG(seed, 2)))
		r, err := Compare(ref, s, Options{Seed: seed, MaxMMDPoints: 100, Projections: 64})
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < len(s.X); i += 2 {
			s.X[i] += 0.4
		}
		shifted, err := Compare(ref, s, Options{Seed: seed, MaxMMDPoints: 100, Projections: 64})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("seed %d: ratio %.3f, shifted by 0.4: %.3f", seed, r.SW2Ratio, shifted.SW2Ratio)
		if r.SW2Ratio < 0.6 || r.SW2Ratio > 1.5 {
			t.Errorf("seed %d: sw2 ratio %.3f for same-distribution samples, want 0.6–1.5", seed, r.SW2Ratio)
		}
		if shifted.SW2Ratio < 2.5 {
			t.Errorf("seed %d: sw2 ratio %.3f for samples shifted by 0.4, want > 2.5", seed, shifted.SW2Ratio)
		}
	}
}
