package optim_test

import (
	"fmt"

	"github.com/pfgm/pfgm/optim"
)

// Minimise f(θ) = (θ − 3)² with Adam, warm-up, clipping and an EMA.
func Example() {
	theta := []float32{0}
	grad := []float32{0}
	params := []optim.Param{{Name: "theta", Data: theta, Grad: grad}}

	opt := optim.NewAdam(params, optim.AdamConfig{LR: 0.1, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8})
	ema := optim.NewEMA(params, 0.9)
	for step := range 300 {
		opt.ZeroGrad()
		grad[0] = 2 * (theta[0] - 3) // df/dθ
		optim.ClipGradNorm(params, 1)
		opt.Step(optim.WarmupLR(opt.LR, step, 10))
		ema.Update(params)
	}
	fmt.Printf("θ = %.2f, EMA θ = %.2f\n", theta[0], ema.Shadow()[0].Data[0])
	// Output: θ = 3.00, EMA θ = 3.00
}
