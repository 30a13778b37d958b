// Package train fits a PFGM++ denoiser to data and keeps a run directory
// that a user can trust: the configuration, atomic checkpoints that resume
// bit for bit, the loss curve, sample grids and the final EMA weights.
//
// The objective is the one of DESIGN §3.6: ln σ ~ N(P_mean, P_std²), a draw
// of the PFGM++ kernel at r = σ√D (or Gaussian noise for D = ∞), EDM
// preconditioning and the weight λ(σ) = (σ² + σ_d²)/(σ·σ_d)².
//
// A run directory holds only what the run writes: config.json (snake_case
// keys; the data path absolute and the data's SHA-256, so that a resume
// from anywhere refuses changed data), ckpt-STEP.safetensors, loss.csv,
// samples-STEP.png, model.safetensors, for a Yukawa run prior.safetensors
// (the charges its sampler needs: Open and Sample never reload the
// training data), and .lock, which a trainer holds with flock(2) while it
// works so that a second one is refused. Train refuses a directory holding
// other files, removes the temporary files of interrupted writes, resumes
// a run that stopped before its first checkpoint from step 0, and skips a
// newest checkpoint that does not read for the previous one with a
// warning.
package train
