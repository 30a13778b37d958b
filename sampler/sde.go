package sampler

import "math"

// The stochastic samplers of the diffusion (D = ∞) model. With σ(t) = t the
// variance-exploding forward SDE is dx = √(dσ²/dt) dw, and its reverse is
//
//	dx = −(dσ²) ∇ log p_σ(x) + √(dσ²) dw̄,   ∇ log p_σ(x) = (D(x, σ) − x)/σ².
//
// Both samplers need Gaussian noise along the way, which is what the D = ∞
// kernel is; a finite-D model's kernel is not Gaussian, so for it they are
// heuristics only (the ODE of Sample is the one that is exact for every D).

// eulerMaruyama is the reverse SDE discretised in σ² on the grid: from σ_i
// to σ_{i+1}, with Δ = σ_i² − σ_{i+1}²,
//
//	x ← x + Δ·(D(x, σ_i) − x)/σ_i² + √Δ·z,   z ~ N(0, I),
//
// one evaluation a step. The last step to σ = 0 is the denoise
// x ← D(x, σ_min) without noise, as in the score-SDE reference (Song et al.
// 2021); it is also what Δ = σ_min² gives for the drift.
func eulerMaruyama(in *integrator, x []float64, grid []float64) error {
	den := make([]float64, len(x))
	rng := in.opt.Rng
	for i := range len(grid) - 1 {
		sigma, next := grid[i], grid[i+1]
		if _, err := in.beginStep(x, sigma); err != nil {
			return err
		}
		if err := in.denoise(x, sigma, den); err != nil {
			return err
		}
		if next == 0 {
			copy(x, den)
			in.record(x)
			continue
		}
		delta := sigma*sigma - next*next
		drift, noise := delta/(sigma*sigma), math.Sqrt(delta)
		for j := range x {
			x[j] += drift*(den[j]-x[j]) + noise*rng.NormFloat64()
		}
		in.record(x)
	}
	return nil
}

// edmStochastic is Algorithm 2 of Karras et al. (2022): before step i, if
// S_min ≤ σ_i ≤ S_max, raise the noise level to σ̂ = σ_i(1 + γ) with
// γ = min(S_churn/n, √2 − 1) by adding fresh noise √(σ̂² − σ_i²)·S_noise·ε,
// then take the Heun step from σ̂ to σ_{i+1} (Euler on the last step to 0).
// n is the number of steps. With S_churn = 0 it is the Heun sampler.
func edmStochastic(in *integrator, x []float64, grid []float64) error {
	opt := in.opt
	gamma := min(opt.SChurn/float64(len(grid)-1), math.Sqrt2-1)
	churn := func(x []float64, sigma float64) float64 {
		if !(gamma > 0 && sigma >= opt.SMin && sigma <= opt.SMax) {
			return sigma
		}
		hat := sigma * (1 + gamma)
		s := math.Sqrt(hat*hat-sigma*sigma) * opt.SNoise
		for j := range x {
			x[j] += s * opt.Rng.NormFloat64()
		}
		return hat
	}
	return fixedGrid(in, x, grid, true, churn)
}
