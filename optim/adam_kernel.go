package optim

import "math"

// adamCoeffs are one step's scalars, already rounded to float32 the way ATen
// rounds Python scalars applied to float32 tensors.
type adamCoeffs struct {
	beta1, oneMinB1 float32
	beta2, oneMinB2 float32
	bc2Sqrt, eps    float32
	negStep         float32 // −lr / (1 − β₁ᵗ)
	l2              float32 // Adam's L2 weight decay, added to the gradient
	decoupled       bool    // AdamW: multiply the weights by shrink first
	shrink          float32 // 1 − lr·wd
}

// adamUpdate is the hot loop. Each line mirrors one ATen call of PyTorch
// 1.13's _single_tensor_adam(w) in the same order and precision:
//
//	param.mul_(1 - lr*wd)                           (AdamW)
//	grad = grad.add(param, alpha=wd)                (Adam with L2)
//	exp_avg.mul_(beta1).add_(grad, alpha=1-beta1)
//	exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1-beta2)
//	denom = (exp_avg_sq.sqrt() / bc2_sqrt).add_(eps)
//	param.addcdiv_(exp_avg, denom, value=-step_size)
//
// ATen's vectorised add with alpha and its addcmul are fused multiply-adds
// (addcmul as fma(value·t1, t2, self)); fma32 gives the same result, since a
// float32 product is exact in float64. With these, the trajectories in
// testdata from PyTorch 1.13 are reproduced bit for bit. The L2 and AdamW
// branches are predictable (the same for the whole loop), so one loop serves
// all three variants.
func adamUpdate(p, g, m, v []float32, c *adamCoeffs) {
	n := len(p)
	g, m, v = g[:n], m[:n], v[:n]
	for i := range n {
		pi, gi := p[i], g[i]
		if c.decoupled {
			pi *= c.shrink
		}
		if c.l2 != 0 {
			gi = fma32(pi, c.l2, gi)
		}
		mi := fma32(gi, c.oneMinB1, m[i]*c.beta1)
		vi := fma32(float32(c.oneMinB2*gi), gi, v[i]*c.beta2)
		denom := float32(math.Sqrt(float64(vi)))/c.bc2Sqrt + c.eps
		// The conversion keeps the compiler from fusing this into an FMA
		// (Go may on GOAMD64=v3): ATen rounds the quotient first.
		p[i] = pi + float32(float32(c.negStep*mi)/denom)
		m[i], v[i] = mi, vi
	}
}

// fma32 is a*b + c with a single rounding to float32 (up to the rare double
// rounding through float64, which ATen's FMA would not have).
func fma32(a, b, c float32) float32 {
	return float32(float64(a)*float64(b) + float64(c))
}
