package train

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/pfgm/pfgm/process"
	"github.com/pfgm/pfgm/sampler"
)

// Model.PriorQuantile cuts the prior's radius at its quantile: every
// starting point (frame 0 of the trajectory) lies within r·√t_q, while the
// full prior of D = 1 goes beyond it for about 1 − q of the points.
func TestPriorQuantileTruncatesThePrior(t *testing.T) {
	c := tinyConfig(1, 1)
	dir := t.TempDir()
	if _, err := Train(context.Background(), c, Options{Dir: dir}); err != nil {
		t.Fatal(err)
	}
	m, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	opt := sampler.DefaultOptions()
	opt.Steps, opt.Record = 2, true
	const q, n = 0.9, 2000
	cut := m.Proc.R(opt.SigmaMax) * math.Sqrt(process.RatioQuantile(1, 0.5, q))
	beyond := func() int {
		_, res, err := m.Sample(context.Background(), n, n, opt, rand.New(rand.NewPCG(1, 1)))
		if err != nil {
			t.Fatal(err)
		}
		k := 0
		x0 := res.Trajectory[0]
		for i := 0; i < len(x0); i += 2 {
			if math.Hypot(x0[i], x0[i+1]) > cut {
				k++
			}
		}
		return k
	}
	if k := beyond(); math.Abs(float64(k)/n-(1-q)) > 5*math.Sqrt(q*(1-q)/n) {
		t.Errorf("full prior: %d/%d beyond the %v-quantile", k, n, q)
	}
	m.PriorQuantile = q
	if k := beyond(); k != 0 {
		t.Errorf("truncated prior: %d/%d beyond the cut", k, n)
	}
	m.PriorQuantile = 1.5
	if _, _, err := m.Sample(context.Background(), 1, 1, opt, rand.New(rand.NewPCG(1, 1))); err == nil {
		t.Error("prior quantile 1.5: no error")
	}
}
