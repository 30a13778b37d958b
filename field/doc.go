// Package field computes the exact field of an empirical data set: the ideal
// denoiser (posterior mean) of the PFGM++ process for any number D of
// augmented dimensions, its diffusion limit D = ∞, and the electric field in
// the augmented space that field-line pictures draw (DESIGN §3.4).
//
// For K charges y₁…y_K ∈ R^N the posterior mean at noise level σ is
// D*(x, σ) = Σ_i w_i y_i with, up to a constant,
//
//	finite D: log w_i = −((N+D)/2)·log(‖x − y_i‖² + r²),  r = σ√D,
//	D = ∞:    log w_i = −‖x − y_i‖² / (2σ²),
//
// normalised with a streaming log-sum-exp, so it stays finite for N+D of 10⁶
// and σ of 0.002. An *Exact is a sampler.Denoiser: with no training at all it
// turns the samplers into a check of the physics (samples land on the data).
//
// Precision. Charges are held in float32 for the distance GEMM
// ‖x−y‖² = ‖x‖² − 2x·y + ‖y‖² (norms in float64, negative results of
// cancellation clamped to 0). Where that rounding could move a log-weight by
// more than 10⁻³ (small σ, large norms) the distance is recomputed directly in
// float64 from the float32 charge, so the weights are those of the
// float32-rounded charges to about 10⁻³ in log space or better. Data of at
// most 16 dimensions skip the GEMM and keep float64 charges throughout.
// Charges whose log-weight lies more than 40 below the current maximum are
// skipped: each carries less than e⁻⁴⁰ ≈ 4·10⁻¹⁸ of the mass.
package field
