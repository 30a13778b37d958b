package field

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
)

// TestDenoiseConcurrentCallsAgree: the GEMM path's large buffers are pooled
// across calls, so concurrent calls on one field (different σ, D = 128 and
// batch sizes, so different block shapes) must still give exactly what the
// same calls give one at a time. Run with -race to check the sharing.
func TestDenoiseConcurrentCallsAgree(t *testing.T) {
	const n, k = 40, 900
	rng := rand.New(rand.NewPCG(31, 32))
	ys := randomCharges(rng, k, n)
	fields := make([]*Exact, 2)
	for i, D := range []float64{math.Inf(1), 128} {
		e, err := New(ys, n, D)
		if err != nil {
			t.Fatal(err)
		}
		fields[i] = e
	}
	type call struct {
		e     *Exact
		x     []float64
		sigma float64
	}
	var calls []call
	for i, sigma := range []float64{0.05, 0.5, 3, 30, 0.2, 8} {
		calls = append(calls, call{fields[i%2], queriesNear(rng, ys, n, 7+37*i, sigma), sigma})
	}
	want := make([][]float64, len(calls))
	for i, c := range calls {
		want[i] = make([]float64, len(c.x))
		if err := c.e.Denoise(context.Background(), c.x, c.sigma, want[i]); err != nil {
			t.Fatal(err)
		}
	}
	got := make([][]float64, len(calls))
	var wg sync.WaitGroup
	for rep := range 3 {
		for i, c := range calls {
			wg.Go(func() {
				out := make([]float64, len(c.x))
				if err := c.e.Denoise(context.Background(), c.x, c.sigma, out); err != nil {
					t.Error(err)
				}
				if rep == 0 {
					got[i] = out
				} else if !slices.Equal(out, want[i]) {
					t.Errorf("call %d (σ=%v) repeat %d differs from the sequential result", i, c.sigma, rep)
				}
			})
		}
	}
	wg.Wait()
	for i := range calls {
		if !slices.Equal(got[i], want[i]) {
			t.Errorf("call %d (σ=%v): concurrent result differs from the sequential one", i, calls[i].sigma)
		}
	}
}
