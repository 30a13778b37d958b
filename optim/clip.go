package optim

import "math"

// clipEps is torch.nn.utils.clip_grad_norm_'s guard against dividing by a
// zero norm; keeping it makes clipped gradients match PyTorch's.
const clipEps = 1e-6

// ClipGradNorm scales all gradients together so that their global L2 norm
// is at most maxNorm, as torch.nn.utils.clip_grad_norm_ does (scale factor
// maxNorm/(norm+1e-6) when that is below 1), and returns the norm before
// clipping. The norm is accumulated in float64.
//
// If the norm is NaN or ±Inf the gradients are left untouched and the
// non-finite norm is returned, so the caller can stop or skip the step
// instead of spreading NaN into every weight.
func ClipGradNorm(params []Param, maxNorm float64) (norm float64) {
	norm = GradNorm(params)
	if math.IsNaN(norm) || math.IsInf(norm, 0) {
		return norm
	}
	coef := maxNorm / (norm + clipEps)
	if coef >= 1 {
		return norm
	}
	c := float32(coef)
	for _, p := range params {
		scale(p.Grad, c)
	}
	return norm
}

// GradNorm is the global L2 norm of all gradients.
func GradNorm(params []Param) float64 {
	var ss float64
	for _, p := range params {
		ss += sumSquares(p.Grad)
	}
	return math.Sqrt(ss)
}
