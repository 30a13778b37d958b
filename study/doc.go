// Package study runs the grids behind the claims of the PFGM family on
// point sets (`pfgm study`):
//
//   - Robustness: models trained at several D with equal budget, degraded
//     at sampling time by noise injection α, weight quantisation and fewer
//     steps (DESIGN §3.9): quality against perturbation, one line per D.
//   - DataEfficiency: equal steps at each D on 1 %, 10 % and 100 % of the
//     training data: held-out sliced W2 and held-out denoising loss.
//   - Steps: quality against NFE for Heun at several D, and the diffusion
//     baselines on the D = ∞ model (Euler–Maruyama reverse SDE, EDM's
//     stochastic sampler).
//   - Limit: D = 10², 10⁴, 10⁶ against D = ∞, exact field and trained:
//     the distance between sample sets falls with D.
//
// Each study writes results.json, results.md (a markdown table) and charts
// (PNG and SVG) into its directory. Trained runs are kept under runs/ and
// grid cells already in results.json are skipped, so a stopped study
// resumes where it was. Quality is the sliced W2 of the samples to
// held-out points, in data units.
package study
