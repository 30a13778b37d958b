// Package classic is the original Poisson flow generative model (PFGM, Xu et
// al. 2022; DESIGN §3.7): D = 1 augmented dimension, a network trained to
// predict the normalised Poisson field of a large batch of charges, sampled by
// following the field from the hyperplane z = z_max down to z ≈ 0.
//
// It holds the physics only, on plain []float64 batches, and never imports
// the neural engine:
//
//   - Params: σ₀, τ, M, z_max, upper and γ, derived from the data norm with
//     the formulas of the reference code (hyperparam_calculator.py).
//   - Perturb: the training perturbation m ~ U[0, M), z = |ε|·σ₀(1+τ)^m,
//     x = y + ‖ε'‖σ₀(1+τ)^m·u.
//   - Charges.Target: the regression target √N·E/(‖E‖+γ), E the empirical
//     field of a batch of charges at augmented points (x, z).
//   - Prior: the draw on the hyperplane z = z_max.
//   - Sample: the backward ODE dx/dz = E_x/E_z in ln z with adaptive RK45 (or
//     any solver of package sampler), driven by a Field — the exact field of
//     a set of charges (ExactField) or a trained network — with the
//     reference code's substitution of E_z below z = 5.
//
// Conventions follow the reference implementation (github.com/Newbeeer/
// Poisson_flow, losses.py, models/utils_poisson.py, methods.py, sampling.py);
// where this package departs from it, the comment says so and why.
package classic
