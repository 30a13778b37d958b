package process_test

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/pfgm/pfgm/process"
)

func ExampleParseD() {
	for _, s := range []string{"128", "inf", "0"} {
		D, err := process.ParseD(s)
		if err != nil {
			fmt.Println("error:", err)
			continue
		}
		fmt.Println(process.FormatD(D))
	}
	// Output:
	// 128
	// inf
	// error: D must be an integer ≥ 1 or inf, got "0"
}

// Perturb a batch of two 3-D points at different noise levels, the way
// training does (float32), then draw a prior at σ_max = 80.
func ExampleNoise() {
	p, _ := process.New(128)
	rng := rand.New(rand.NewPCG(1, 2))
	y := []float32{0, 0, 0, 1, 1, 1}
	n := make([]float32, len(y))
	process.Noise(p, rng, 3, []float64{0.5, 2}, true, n)
	for i := range y {
		y[i] += n[i] // x = y + n is a draw of the kernel around y
	}
	prior := p.Prior(rng, 1000, 3, 80)
	var ss float64
	for _, v := range prior {
		ss += v * v
	}
	fmt.Printf("r(σ=80) = %.1f, prior rms per coordinate ≈ %.0f\n", p.R(80), math.Sqrt(ss/3000))
	// Output: r(σ=80) = 905.1, prior rms per coordinate ≈ 80
}
