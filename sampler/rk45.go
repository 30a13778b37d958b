package sampler

import (
	"fmt"
	"math"
)

// Dormand–Prince 5(4) tableau (Dormand & Prince 1980). The 5th-order weights
// are row 7 of a (first same as last: stage 7 is the next step's stage 1);
// e = b₅ − b₄ gives the embedded error estimate.
var (
	dpC = [7]float64{0, 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9, 1, 1}
	dpA = [7][6]float64{
		{},
		{1.0 / 5},
		{3.0 / 40, 9.0 / 40},
		{44.0 / 45, -56.0 / 15, 32.0 / 9},
		{19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729},
		{9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656},
		{35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84},
	}
	dpE = [7]float64{71.0 / 57600, 0, -71.0 / 16695, 71.0 / 1920, -17253.0 / 339200, 22.0 / 525, -1.0 / 40}
)

// Step-size control: h ← h·clamp(safety·err^(−1/5), minShrink, maxGrow).
const (
	safety    = 0.9
	minShrink = 0.2
	maxGrow   = 5.0
	// maxAttempts bounds a run that cannot meet its tolerance.
	maxAttempts = 100000
)

// dpStages computes stages 2…7 of a Dormand–Prince step of size h from y
// at s, with k[0] = f(s, y) already in place: ys is scratch for the stage
// inputs, and yn receives the 5th-order proposal y_{n+1}, at which stage 7
// (k[6]) is evaluated (first same as last).
func dpStages(y []float64, s, h float64, k *[7][]float64, ys, yn []float64, f func(s float64, y, dy []float64) error) error {
	for st := 1; st < 7; st++ {
		for j := range ys {
			acc := 0.0
			for m := range st {
				acc += dpA[st][m] * k[m][j]
			}
			ys[j] = y[j] + h*acc
		}
		if st == 6 {
			copy(yn, ys)
		}
		if err := f(s+dpC[st]*h, ys, k[st]); err != nil {
			return err
		}
	}
	return nil
}

// dpGrowth is the factor of the next step after an accepted one with the
// given error norm (≤ 1); after a rejection the step may not grow.
func dpGrowth(errNorm float64, rejectedLast bool) float64 {
	fac := maxGrow
	if errNorm > 0 {
		fac = min(maxGrow, max(minShrink, safety*math.Pow(errNorm, -0.2)))
	}
	if rejectedLast {
		fac = min(fac, 1)
	}
	return fac
}

// dpShrink is the factor of the retry after a rejected step (error norm > 1).
func dpShrink(errNorm float64) float64 { return max(minShrink, safety*math.Pow(errNorm, -0.2)) }

// dxds writes dx/ds = x − D(x, e^s) into k: the ODE in s = ln σ, where
// dσ = σ ds cancels the 1/σ of dx/dσ.
func (in *integrator) dxds(x []float64, s float64, k []float64) error {
	if err := in.denoise(x, math.Exp(s), k); err != nil {
		return err
	}
	for j := range k {
		k[j] = x[j] - k[j]
	}
	return nil
}

// rk45 integrates from s = ln σ_max to ln σ_min with adaptive Dormand–Prince
// steps, then takes the final Euler step to σ = 0, which lands on
// D(x, σ_min) = x − dx/ds(σ_min): the FSAL stage already holds it, so it
// costs no extra evaluation (unless noise was injected before it).
func rk45(in *integrator, x []float64) error {
	n := len(x)
	var k [7][]float64
	for i := range k {
		k[i] = make([]float64, n)
	}
	xs := make([]float64, n) // stage input
	xn := make([]float64, n) // 5th-order proposal
	opt := in.opt
	s, s1 := math.Log(opt.SigmaMax), math.Log(opt.SigmaMin)
	h := (s1 - s) / float64(opt.Steps) // negative: σ decreases
	minH := 1e-12 * (s - s1)

	in.res.Sigmas = append(in.res.Sigmas, opt.SigmaMax)
	in.record(x)
	if err := in.dxds(x, s, k[0]); err != nil {
		return err
	}
	rejectedLast := false
	for attempts := 0; s > s1; attempts++ {
		if attempts == maxAttempts {
			return fmt.Errorf("sampler: rk45 gave up after %d attempts at σ=%g", attempts, math.Exp(s))
		}
		if !rejectedLast {
			injected, err := in.beginStep(x, math.Exp(s))
			if err != nil {
				return err
			}
			if injected { // the FSAL stage was for the old x
				if err := in.dxds(x, s, k[0]); err != nil {
					return err
				}
			}
		} else if err := in.ctx.Err(); err != nil {
			return fmt.Errorf("sampler: stopped at σ=%g: %w", math.Exp(s), err)
		}
		// The last step lands on s1 exactly; don't leave a sliver behind.
		last := h <= s1-s || s+h-s1 < 1e-6*-h
		if last {
			h = s1 - s
		}
		if err := dpStages(x, s, h, &k, xs, xn, func(s float64, x, dx []float64) error { return in.dxds(x, s, dx) }); err != nil {
			return err
		}
		errNorm := in.errorNorm(x, xn, &k, h)
		if math.IsNaN(errNorm) || math.IsInf(errNorm, 0) {
			return fmt.Errorf("sampler: rk45 error estimate is %v at σ=%g", errNorm, math.Exp(s))
		}
		if errNorm <= 1 {
			if last {
				s = s1
			} else {
				s += h
			}
			copy(x, xn)
			k[0], k[6] = k[6], k[0] // FSAL
			sigma := math.Exp(s)
			if last {
				sigma = opt.SigmaMin
			}
			in.res.Sigmas = append(in.res.Sigmas, sigma)
			in.record(x)
			h *= dpGrowth(errNorm, rejectedLast)
			rejectedLast = false
			continue
		}
		in.res.Rejected++
		rejectedLast = true
		h *= dpShrink(errNorm)
		if -h < minH {
			return fmt.Errorf("sampler: rk45 step size underflow at σ=%g (tolerance too tight?)", math.Exp(s))
		}
	}
	// Final step σ_min → 0.
	injected, err := in.beginStep(x, opt.SigmaMin)
	if err != nil {
		return err
	}
	if injected {
		if err := in.dxds(x, s1, k[0]); err != nil {
			return err
		}
	}
	for j := range x {
		x[j] -= k[0][j]
	}
	in.res.Sigmas = append(in.res.Sigmas, 0)
	in.record(x)
	return nil
}

// errorNorm is the embedded error estimate h·Σ e_i k_i scaled by
// atol + rtol·max(|x|, |x_new|), RMS over each point's coordinates, max over
// the points of the batch (so every sample meets the tolerance).
func (in *integrator) errorNorm(x, xn []float64, k *[7][]float64, h float64) float64 {
	atol, rtol := in.opt.Atol, in.opt.Rtol
	worst := 0.0
	for p := 0; p < len(x); p += in.dim {
		ss := 0.0
		for j := p; j < p+in.dim; j++ {
			e := 0.0
			for i := range k {
				e += dpE[i] * k[i][j]
			}
			e *= h
			sc := atol + rtol*max(math.Abs(x[j]), math.Abs(xn[j]))
			ss += (e / sc) * (e / sc)
		}
		worst = max(worst, math.Sqrt(ss/float64(in.dim)))
	}
	return worst
}
