// Package process holds the forward processes of the PFGM family: the
// PFGM++ perturbation kernel for a finite number D of augmented dimensions,
// its Gaussian (diffusion, D = ∞) limit, and the priors drawn from them.
//
// Notation follows DESIGN §3: data y ∈ R^N, noise level σ, augmented radius
// r = σ√D. With that alignment every D shares EDM's σ schedule, so training
// and sampling code only ever talks about σ.
//
// The finite-D kernel p_r(x|y) ∝ (‖x−y‖² + r²)^(−(N+D)/2) is sampled exactly:
// B ~ Beta(N/2, D/2), R = r·√(B/(1−B)), x = y + R·u with u uniform on the
// sphere. N can be 10⁴ and D 10⁶, so the radius is computed in float64 from
// the ratio of two Gamma variates, B/(1−B) = G₁/G₂, which never forms 1−B.
//
// The package depends on nothing but the standard library; it must never
// import the neural engine.
package process
