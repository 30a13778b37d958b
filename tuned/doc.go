// Package tuned chooses the number of augmented dimensions D for a point
// set from measurements on the set's exact field, without training
// (`pfgm tune-d`).
//
// Per candidate D it measures, on the EDM training distribution
// (ln σ ~ N(P_mean, P_std²), x = y + kernel noise):
//
//   - the effective number of charges behind each training target,
//     1/Σ w_i² of the posterior weights w_i ∝ p_σ(x | y_i), and the
//     irreducible training loss L* = E[λ(σ) Var(y | x)]/N — how noisy the
//     targets are that the network must average from finite data;
//   - the tail spread T = q_0.99/q_0.5 of the network's input norm at large
//     σ, where the prior starts: how far beyond its typical inputs the
//     network must be right (small D's heavy tail);
//   - robustness: the sliced W2 to held-out points of exact-field samples
//     with and without a field error (noise injection α).
//
// The rule combining them is in score (and docs/STUDIES.md): the lowest
// L*·(1 + ln T/T_min) wins; ties within 10 % go to the most robust D.
package tuned
