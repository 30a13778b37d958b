// Package train fits a PFGM++ denoiser to data and keeps a run directory
// that a user can trust: the configuration, atomic checkpoints that resume
// bit for bit, the loss curve, sample grids and the final EMA weights.
//
// The objective is the one of DESIGN §3.6: ln σ ~ N(P_mean, P_std²), a draw
// of the PFGM++ kernel at r = σ√D (or Gaussian noise for D = ∞), EDM
// preconditioning and the weight λ(σ) = (σ² + σ_d²)/(σ·σ_d)².
package train
