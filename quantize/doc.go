// Package quantize rounds a trained network's weights to B bits for the
// robustness protocol of the PFGM++ paper (DESIGN §3.9): per-tensor min-max
// affine quantisation of the weights only,
//
//	Δ = (max w − min w)/(2^B − 1),   q(w) = min w + Δ·round((w − min w)/Δ),
//
// so that |w − q(w)| ≤ Δ/2 = (max − min)/(2(2^B − 1)) for every entry. Weights
// are the tensors of rank ≥ 2 (linear matrices, convolution kernels);
// rank-1 tensors — biases and normalisation scales and shifts — are left
// untouched. The values stay float32: the model simulates a B-bit model.
package quantize
