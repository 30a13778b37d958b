// Package yukawa is the screened-Poisson (Yukawa) member of the GenPhys
// family (DESIGN §3.8): the potential obeys (∇² − m²)φ = −ρ in d = N + D
// dimensions, with Green's function G(ρ) ∝ (m/ρ)^ν K_ν(mρ), ν = d/2 − 1.
//
// It provides
//   - Process and Kernel: the perturbation kernel p_t(x|y) ∝ −G'(ρ)/ρ,
//     ρ = √(‖x−y‖² + t²), normalised so that m → 0 gives the PFGM++
//     (Coulomb) kernel ρ^(−d); its radius sampled exactly (rejection from the
//     Coulomb kernel, or inverse CDF by quadrature for any m·t), and the
//     σ-equivalent √(E‖x−y‖²/N) of an augmented radius t;
//   - Field: the exact field of a set of charges, i.e. the posterior-mean
//     denoiser D_Y(x, t) and the death rate λ(x, t) = m²φ/E_t;
//   - Sample: the weighted-particle sampler, which integrates
//     dx/dt = (x − D_Y)/t backward from a Coulomb prior, grows each
//     particle's log-weight by ∫λ dt and resamples (at the end, or when the
//     effective sample size falls), so that cluster proportions come out
//     right. It reports the ESS and the Pareto-k̂ tail diagnostic of the
//     weights: the estimator is sound while m·L ≲ 3 (L the distance between
//     modes of the data); beyond, the screened field lines that leave one
//     mode towards another are squeezed into a thin sheet the Coulomb prior
//     almost never draws from, the weights' variance is effectively
//     infinite, and k̂ > 0.7 or a collapsed ESS says so.
//
// Everything is float64 and in log space: K_ν over- and underflows by
// hundreds of orders of magnitude for the orders real data needs, so the
// kernel profile log h(z) = log(z^(ν+1) K_(ν+1)(z)/(2^ν Γ(ν+1))) and the rate
// profile z·K_ν(z)/K_(ν+1)(z) are tabulated once per (N, D) from
// internal/bessel and interpolated (cubic Hermite, exact derivatives).
//
// The package never imports the neural engine; the exact field and the
// samplers work on plain []float64 batches.
package yukawa
