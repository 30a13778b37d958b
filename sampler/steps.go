package sampler

// The fixed-grid solvers. Each step reads as DESIGN §3.5:
// d_i = (x − D(x, σ_i))/σ_i, x_{i+1} = x_i + (σ_{i+1} − σ_i)·d_i.

// slope writes dx/dσ = (x − D(x, σ))/σ into k.
func (in *integrator) slope(x []float64, sigma float64, k []float64) error {
	if err := in.denoise(x, sigma, k); err != nil {
		return err
	}
	for j := range k {
		k[j] = (x[j] - k[j]) / sigma
	}
	return nil
}

// fixedGrid steps x along the grid: Euler, one evaluation a step, or, with
// heun, the trapezoid corrector with the slope at the Euler-predicted point,
// except on the last step where σ = 0 has no slope. Either way the last step
// (to σ = 0) lands on D(x, σ_min).
func fixedGrid(in *integrator, x []float64, grid []float64, heun bool) error {
	d := make([]float64, len(x))
	xe := make([]float64, len(x))
	var d2 []float64
	if heun {
		d2 = make([]float64, len(x))
	}
	for i := range len(grid) - 1 {
		sigma, next := grid[i], grid[i+1]
		if _, err := in.beginStep(x, sigma); err != nil {
			return err
		}
		if err := in.slope(x, sigma, d); err != nil {
			return err
		}
		h := next - sigma
		for j := range x {
			xe[j] = x[j] + h*d[j]
		}
		if heun && next > 0 {
			if err := in.slope(xe, next, d2); err != nil {
				return err
			}
			for j := range x {
				xe[j] = x[j] + h*(d[j]+d2[j])/2
			}
		}
		copy(x, xe)
		in.record(x)
	}
	return nil
}
