package yukawa_test

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/pfgm/pfgm/data"
	"github.com/pfgm/pfgm/yukawa"
)

// Sample two clusters holding 80 % and 20 % of the charges with the exact
// Yukawa field (m = 1, D = 1): weighted particles keep the proportions.
func ExampleSample() {
	pts, _ := data.Toy("2clusters", 500, rand.New(rand.NewPCG(1, 1)))
	f, err := yukawa.NewField(pts.X, pts.Dim, yukawa.Process{M: 1, D: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	rng := rand.New(rand.NewPCG(2, 2))
	opt := yukawa.DefaultOptions() // 18 Heun steps, t from 20 to 0
	x := f.Prior(rng, 1000, opt.TMax)
	res, err := yukawa.Sample(context.Background(), f, x, rng, opt)
	if err != nil {
		fmt.Println(err)
		return
	}
	left := 0
	for i := 0; i < len(res.Samples); i += 2 {
		if res.Samples[i] < 0 {
			left++
		}
	}
	fmt.Printf("NFE %d, share of the 80 %% cluster ≈ %.1f\n", res.NFE, float64(left)/1000)
	// Output: NFE 35, share of the 80 % cluster ≈ 0.8
}
