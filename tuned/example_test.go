package tuned_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/pfgm/pfgm/data"
	"github.com/pfgm/pfgm/tuned"
)

// Choose between D = 1, 64 and ∞ for an 8-D Gaussian cloud: D = 1's heavy
// tail makes it the worst candidate.
func ExampleTune() {
	rng := rand.New(rand.NewPCG(1, 1))
	pts := data.NewPoints(500, 8)
	for i := range pts.X {
		pts.X[i] = rng.NormFloat64()
	}
	o := tuned.DefaultOptions()
	o.Candidates = []float64{1, 64, math.Inf(1)}
	o.Draws, o.Samples = 300, 200
	r, err := tuned.Tune(context.Background(), pts, o)
	if err != nil {
		fmt.Println(err)
		return
	}
	worst := r.Candidates[0]
	for _, c := range r.Candidates {
		if c.Score > worst.Score {
			worst = c
		}
	}
	fmt.Println("worst:", worst.D, "picked D=1:", r.D == "1")
	// Output: worst: 1 picked D=1: false
}
