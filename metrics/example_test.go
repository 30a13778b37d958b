package metrics_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/pfgm/pfgm/data"
	"github.com/pfgm/pfgm/metrics"
)

func ExampleCompare() {
	rng := rand.New(rand.NewPCG(1, 2))
	ref, _ := data.Toy("moons", 2000, rng)
	samples, _ := data.Toy("gaussian", 1000, rng)
	r, err := metrics.Compare(ref, samples, metrics.Options{Seed: 1})
	if err != nil {
		panic(err)
	}
	fmt.Println(r.NUsed, r.SW2 > 3*r.SW2Floor)
	// Output: 1000 true
}
