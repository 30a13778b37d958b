package sampler

// DenoiseFunc writes D(x, σ) for the points of x into out (len(out) =
// len(x)). It is the form in which a step calls the denoiser, so that a
// caller can count or extend the evaluations (package yukawa does both).
type DenoiseFunc func(x []float64, sigma float64, out []float64) error

// EulerStep advances x in place by one Euler step of the probability-flow
// ODE dx/dσ = (x − D(x, σ))/σ from σ to next, given den = D(x, σ):
//
//	x ← x + (next − σ)·(x − den)/σ.
func EulerStep(x, den []float64, sigma, next float64) {
	h := next - sigma
	for j := range x {
		x[j] += h * ((x[j] - den[j]) / sigma)
	}
}

// HeunStep advances x in place by one Heun step of dx/dσ = (x − D(x, σ))/σ
// from σ to next > 0, given den = D(x, σ) (DESIGN §3.5):
//
//	d  = (x − den)/σ
//	x̃  = x + (next − σ)·d                 Euler predictor
//	d̃  = (x̃ − D(x̃, next))/next
//	x ← x + (next − σ)·(d + d̃)/2         trapezoid corrector
//
// It calls denoise once, at x̃. work is scratch space; if it holds fewer
// than 3·len(x) values, HeunStep allocates its own. On error x is
// unchanged.
func HeunStep(x, den []float64, sigma, next float64, denoise DenoiseFunc, work []float64) error {
	n := len(x)
	if len(work) < 3*n {
		work = make([]float64, 3*n)
	}
	d, xe, d2 := work[:n], work[n:2*n], work[2*n:3*n]
	h := next - sigma
	for j := range x {
		d[j] = (x[j] - den[j]) / sigma
		xe[j] = x[j] + h*d[j]
	}
	if err := denoise(xe, next, d2); err != nil {
		return err
	}
	for j := range x {
		d2[j] = (xe[j] - d2[j]) / next
		x[j] += h * (d[j] + d2[j]) / 2
	}
	return nil
}
