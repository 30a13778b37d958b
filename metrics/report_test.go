package metrics

import (
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/pfgm/pfgm/classifier"
	"github.com/pfgm/pfgm/data"
)

func randomImages(rng *rand.Rand, n int) *data.Images {
	im := &data.Images{N: n, C: 1, H: 28, W: 28, X: make([]float32, n*28*28)}
	for i := range im.X {
		im.X[i] = float32(2*rng.Float64() - 1)
	}
	return im
}

func TestEvalImagesReportJSON(t *testing.T) {
	// End to end without a data set: an untrained network and random
	// images stand in for the classifier and the splits.
	rng := rand.New(rand.NewPCG(1, 1))
	opt := ImageEvalOptions{
		Ref: "mnist", Net: classifier.New(rng), FloorDraws: 2,
		Train: randomImages(rng, 300), Test: randomImages(rng, 200), Samples: randomImages(rng, 50),
	}
	rep, err := EvalImages(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "\n") {
		t.Fatalf("report is not one line: %s", b)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"fd", "fd_floor", "kid", "kid_floor", "precision", "recall", "classes", "n_samples"} {
		if _, ok := m[k]; !ok {
			t.Errorf("key %q missing from %s", k, b)
		}
	}
	var sum float64
	for _, s := range rep.Classes {
		sum += s
	}
	if len(rep.Classes) != 10 || math.Abs(sum-1) > 1e-12 || rep.NSamples != 50 || rep.FloorN != 50 {
		t.Errorf("classes %v (sum %g), n_samples %d, floor_n %d; want 10 shares summing to 1 and 50, 50", rep.Classes, sum, rep.NSamples, rep.FloorN)
	}
	// Same distribution (uniform noise) for samples and floor: the scores
	// are of one size.
	if rep.FD > 3*rep.FDFloor || rep.FDFloor > 3*rep.FD {
		t.Errorf("random images against random images: FD %.4g, floor %.4g, want within 3× of each other", rep.FD, rep.FDFloor)
	}

	opt.Samples = randomImages(rng, 3)
	if _, err := EvalImages(context.Background(), opt); err == nil {
		t.Error("3 samples with k = 3: no error")
	}
	opt.Samples, opt.Ref, opt.Net = randomImages(rng, 10), "cifar10", nil
	if _, err := EvalImages(context.Background(), opt); err == nil || !strings.Contains(err.Error(), "cifar10") {
		t.Errorf("unknown reference: error %v", err)
	}
}

func TestDefaultFloorDraws(t *testing.T) {
	for _, c := range [][2]int{{1, 20}, {100, 20}, {250, 20}, {500, 10}, {1000, 5}, {60000, 5}} {
		if got := DefaultFloorDraws(c[0]); got != c[1] {
			t.Errorf("DefaultFloorDraws(%d) = %d, want %d", c[0], got, c[1])
		}
	}
}
