// Package demo is the toolkit in one call: it trains the MLP-toy denoiser on
// a built-in 2-D set for a small D, D = 128 and D = ∞, samples each with
// Heun's method, scores the samples against held-out data (sliced W2 with its
// noise floor) and draws them side by side.
package demo
