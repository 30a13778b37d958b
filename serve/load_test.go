package serve

import (
	"context"
	"testing"
	"time"
)

// At 4× capacity the server sheds the excess with 429, keeps answering
// health checks, and fails no request it accepted; its heap stays bounded.
// These are the invariants of the load test, not its speed.
func TestLoadAtFourTimesCapacity(t *testing.T) {
	opt := DefaultLoadOptions()
	opt.Server = Options{Workers: 2, Queue: 2}
	opt.Request = `{"data": "toy:moons", "charges": 300, "n": 60, "steps": 6, "seed": 1}`
	opt.Levels, opt.Period, opt.MaxRequests = []float64{4}, 2*time.Second, 400
	rep, err := Load(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	lv := rep.Levels[0]
	t.Logf("service %.1f ms, capacity %.1f/s; at 4×: %+v", rep.ServiceMS, rep.CapacityRPS, lv)
	if lv.Failed != 0 {
		t.Errorf("%d requests failed (neither 200 nor 429)", lv.Failed)
	}
	if lv.OK+lv.Shed != lv.Sent || lv.OK == 0 {
		t.Errorf("sent %d, ok %d, shed %d", lv.Sent, lv.OK, lv.Shed)
	}
	if lv.Shed == 0 {
		t.Errorf("nothing shed at 4× capacity")
	}
	if lv.HealthFail != 0 {
		t.Errorf("%d health checks failed under load", lv.HealthFail)
	}
	if lv.PeakHeapMB > 1024 {
		t.Errorf("heap reached %.0f MB", lv.PeakHeapMB)
	}
}

func TestQuantile(t *testing.T) {
	x := []float64{5, 1, 4, 2, 3}
	for _, c := range []struct{ q, want float64 }{{0, 1}, {0.5, 3}, {0.99, 5}, {1, 5}, {0.2, 1}, {0.21, 2}} {
		if got := quantile(x, c.q); got != c.want {
			t.Errorf("quantile(%v) = %v, want %v", c.q, got, c.want)
		}
	}
	if quantile(nil, 0.5) != 0 {
		t.Error("quantile of nothing")
	}
}
