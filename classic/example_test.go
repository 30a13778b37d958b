package classic_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/pfgm/pfgm/classic"
)

// The hyper-parameters of CIFAR-10 (N = 3072) with a typical data norm of 30.
func ExampleNewParams() {
	p, _ := classic.NewParams(3072, 30)
	fmt.Printf("M = %d, z_max = %.2f, upper = %.0f\n", p.M, p.ZMax, p.Upper)
	// Output: M = 287, z_max = 38.57, upper = 2679
}

// Sampling with the exact field of three charges: every sample ends on one.
func ExampleSample() {
	y := []float64{-1, 0, 1, 0, 0, 1.5}
	charges, _ := classic.NewCharges(y, 2)
	norm, _ := classic.TypicalNorm(y, 2)
	p, _ := classic.NewParams(2, norm)
	x := p.Prior(rand.New(rand.NewPCG(1, 2)), 50)
	res, err := classic.Sample(context.Background(), classic.ExactField{Charges: charges, Gamma: p.Gamma}, p, x, classic.DefaultOptions())
	if err != nil {
		fmt.Println(err)
		return
	}
	worst := 0.0
	for q := range 50 {
		best := math.Inf(1)
		for i := range 3 {
			best = min(best, math.Hypot(x[2*q]-y[2*i], x[2*q+1]-y[2*i+1]))
		}
		worst = max(worst, best)
	}
	fmt.Printf("NFE > 0: %v, every sample within 1e-3 of a charge: %v\n", res.NFE > 0, worst < 1e-3)
	// Output: NFE > 0: true, every sample within 1e-3 of a charge: true
}
