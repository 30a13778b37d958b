// Package sampler integrates the backward probability-flow ODE shared by the
// whole PFGM family (DESIGN §3.5):
//
//	dx/dσ = (x − D(x, σ)) / σ
//
// from the prior at σ_max down to σ = 0, where D is a Denoiser — the exact
// posterior mean of a data set or a trained network; with the alignment
// r = σ√D the ODE is the same for every number of augmented dimensions D.
//
// Solvers: Euler and Heun on the EDM time grid, and adaptive Dormand–Prince
// 5(4) in s = ln σ. For the diffusion (D = ∞) model there are two stochastic
// samplers as baselines: the reverse-time SDE (Euler–Maruyama with the score
// (D(x, σ) − x)/σ²) and EDM's stochastic sampler with churn. Every run
// reports its exact number of function (denoiser) evaluations, NFE. Optional noise injection x += α·σ_i·ε before each step
// supports robustness studies.
//
// The package works on plain []float64 batches and must never import the
// neural engine, so the exact field and a network are interchangeable.
package sampler
