package yukawa

import (
	"context"
	"math"
	"testing"
)

// pointField is the exact field with the initial log-ratio of a point
// charge at the origin: what a network sampler has (DESIGN §3.8).
type pointField struct {
	*Field
	center []float64
}

func (p pointField) Eval(ctx context.Context, x []float64, t float64, den, lambda, logRatio []float64) error {
	if err := p.Field.Eval(ctx, x, t, den, lambda, nil); err != nil {
		return err
	}
	if logRatio != nil {
		p.Kernel().PointLogRatio(x, p.center, t, logRatio)
	}
	return nil
}

// The point-charge prior and ratio around the data mean must still give
// the 80/20 split at t_max = 20 (at t_max = 200, m = 1 gave 0.84 with 18
// and with 60 steps, seed 8: logged in the report, not understood yet). Tolerance as in TestTwoClustersProportions.
func TestPointChargePrior(t *testing.T) {
	ys := twoClusters(t, 200)
	var mean [2]float64
	for i := 0; i < len(ys.X); i += 2 {
		mean[0] += ys.X[i] / 200
		mean[1] += ys.X[i+1] / 200
	}
	for _, m := range []float64{0.3, 1} {
		f, err := NewField(ys.X, 2, Process{M: m, D: 1})
		if err != nil {
			t.Fatal(err)
		}
		opt := DefaultOptions()
		opt.TMax = 20
		rng := newRNG(8)
		x := f.Kernel().PointPrior(rng, 2000, mean[:], opt.TMax)
		res, err := Sample(context.Background(), pointField{f, mean[:]}, x, rng, opt)
		if err != nil {
			t.Fatal(err)
		}
		frac := leftFraction(res.Samples, 2)
		t.Logf("m=%v: left %.3f, ESS final %.2f min %.2f, resamplings %d (mean %.3f,%.3f)", m, frac, res.FinalESS, res.MinESS, res.Resamplings, mean[0], mean[1])
		if math.Abs(frac-0.8) > 0.04 {
			t.Errorf("m=%v: point-charge prior gives %.3f in the 80%% cluster, want 0.80 ± 0.04", m, frac)
		}
	}
}
