// Package likelihood computes the log-density a PFGM++ (or diffusion) model
// assigns to data points, through the probability-flow ODE (DESIGN §3.10).
//
// With f(x, σ) = (x − D(x, σ))/σ the flow of the family (DESIGN §3.5) is
// integrated forward, from the data at σ_min to the prior at σ_max,
// together with the change of log-density:
//
//	dx/dσ = f,   dℓ/dσ = ∇·f = (N − ∇·D(x, σ))/σ,   ℓ(σ_min) = 0,
//	log p_σmin(x₀) = log p_prior(x(σ_max)) + ℓ(σ_max).
//
// The sign follows from the continuity equation: along a trajectory
// d log p_σ(x(σ))/dσ = −∇·f, so the density at the start is the prior's
// density at the end times the volume the flow squeezed away. A single
// charge at 0 checks it: D = 0, x ∝ σ, ℓ = N log(σ_max/σ_min), and the
// answer is the PFGM++ kernel at r = σ_min√D (see the tests).
//
// The ODE runs in s = ln σ, where it reads dx/ds = x − D and
// dℓ/ds = N − ∇·D, with the adaptive Dormand–Prince 5(4) solver of package
// sampler (rtol/atol; the error of ℓ is controlled on its own, not diluted
// among the N coordinates of x).
//
// Prior densities (N = data dimension, r = σ_max√D) are closed forms: for
// finite D the normalised PFGM++ kernel around 0,
//
//	log p(x) = −(N+D)/2 · log(‖x‖² + r²) + D log r
//	           + log Γ((N+D)/2) − log Γ(D/2) − (N/2) log π,
//
// and for D = ∞ the Gaussian N(0, σ_max² I).
//
// The divergence ∇·D comes from the denoiser when it can give it: a
// [DivDenoiser] returns it exactly, a [VJPDenoiser] returns vector-Jacobian
// products vᵀ∂D/∂x, used either per coordinate (exact, N products) or with
// K Rademacher probes (Hutchinson's estimator, unbiased; the probes are
// drawn once per point from a fixed seed and kept along the trajectory, so
// the ODE stays deterministic). A plain sampler.Denoiser falls back on
// central finite differences with step h = Options.FDStep·σ (default
// 10⁻³·σ) per coordinate or along the probe: truncation error O(h²·∂³D),
// rounding error O(ε·|D|/h) — ε is 10⁻¹⁶ for a float64 denoiser but
// 6·10⁻⁸ for a float32 network, which wants a larger step.
//
// Units. The model works in standardised units x with x_data = μ + s ⊙ x;
// Options.Scale holds s and the result adds the log-Jacobian −Σ log s_i, so
// the NLL is in the data's own units. For 8-bit images scaled to [−1, 1]
// with uniform dequantisation, u = (k + U)/256 and y = 2u − 1, set
// Options.Bits = 8: bits/dim = nll_y/(N ln 2) + 7, the usual convention
// (the density of k + U on [0, 256)^N is p_y·(2/256)^N). With Bits = 0 the
// bits/dim are those of the continuous density, nll/(N ln 2).
//
// The package is on the physics side: it never imports the neural engine.
package likelihood
