package sampler

// The fixed-grid solvers. Each step reads as DESIGN §3.5:
// d_i = (x − D(x, σ_i))/σ_i, x_{i+1} = x_i + (σ_{i+1} − σ_i)·d_i, and Heun
// corrects with the slope at the predicted point (step.go).

// fixedGrid steps x along the grid: Euler, one evaluation a step, or, with
// heun, the trapezoid corrector with the slope at the Euler-predicted point,
// except on the last step where σ = 0 has no slope. Either way the last step
// (to σ = 0) lands on D(x, σ_min). churn, if not nil, may add noise to x
// before a step and returns the noise level σ̂ ≥ σ_i the step then starts
// from (EDM's stochastic sampler).
func fixedGrid(in *integrator, x []float64, grid []float64, heun bool, churn func(x []float64, sigma float64) float64) error {
	den := make([]float64, len(x))
	var work []float64
	if heun {
		work = make([]float64, 3*len(x))
	}
	for i := range len(grid) - 1 {
		sigma, next := grid[i], grid[i+1]
		if _, err := in.beginStep(x, sigma); err != nil {
			return err
		}
		if churn != nil {
			sigma = churn(x, sigma)
		}
		if err := in.denoise(x, sigma, den); err != nil {
			return err
		}
		if heun && next > 0 {
			if err := HeunStep(x, den, sigma, next, in.denoise, work); err != nil {
				return err
			}
		} else {
			EulerStep(x, den, sigma, next)
		}
		in.record(x)
	}
	return nil
}
