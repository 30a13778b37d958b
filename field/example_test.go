package field_test

import (
	"context"
	"fmt"
	"math"

	"github.com/pfgm/pfgm/field"
)

// The ideal denoiser of two charges at ±1 in 1-D. At σ = 1000 every D
// returns their mean; at σ = 0.05 D = 128 and D = ∞ pick the nearer charge,
// while D = 1 (N+D = 2: weights ∝ 1/(d² + r²)) still averages the query at
// 0.2 with weights 1/0.6425 and 1/1.4425.
func ExampleExact_Denoise() {
	charges := []float64{-1, 1}
	for _, D := range []float64{1, 128, math.Inf(1)} {
		e, err := field.New(charges, 1, D)
		if err != nil {
			panic(err)
		}
		x := []float64{0.2, 0.9}
		out := make([]float64, 2)
		if err := e.Denoise(context.Background(), x, 0.05, out); err != nil {
			panic(err)
		}
		big := make([]float64, 2)
		if err := e.Denoise(context.Background(), x, 1000, big); err != nil {
			panic(err)
		}
		fmt.Printf("D=%v  σ=0.05: %.4f %.4f   σ=1000: %.4f %.4f\n", D, out[0], out[1], big[0], big[1])
	}
	// Output:
	// D=1  σ=0.05: 0.3837 0.9931   σ=1000: 0.0000 0.0000
	// D=128  σ=0.05: 1.0000 1.0000   σ=1000: 0.0000 0.0000
	// D=+Inf  σ=0.05: 1.0000 1.0000   σ=1000: 0.0000 0.0000
}
