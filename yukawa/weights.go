package yukawa

import (
	"math"
	"math/rand/v2"
)

// logWeights is the weight side of Sample: the particles' log-weights and
// the terms of their ∫λ dt (rayIncrement) at the current accepted point,
// with room for the next one.
type logWeights struct {
	logW  []float64 // log W, starting at log p_Yukawa − log p_Coulomb
	ahead []float64 // look-ahead log-weights logW − H
	cur   rayTerms  // at the current accepted point
	next  rayTerms  // at the next one, filled by step
}

// rayTerms are, per particle at one point (x, t): the death rate λ, and
// with ρ* = √(‖x − D_Y‖² + t²), H = log h(mρ*), r* = r(mρ*) and log ρ*.
type rayTerms struct {
	lam, h, r, logRho []float64
}

func newRayTerms(n int) rayTerms {
	return rayTerms{lam: make([]float64, n), h: make([]float64, n), r: make([]float64, n), logRho: make([]float64, n)}
}

func newLogWeights(n int) *logWeights {
	return &logWeights{logW: make([]float64, n), ahead: make([]float64, n), cur: newRayTerms(n), next: newRayTerms(n)}
}

// ray fills H, r* and log ρ* for the particles x with denoised den at t
// (λ is filled by the field evaluation).
func (rt *rayTerms) ray(k *Kernel, dim int, x, den []float64, t float64) {
	for p := range rt.h {
		var d2 float64
		for j := p * dim; j < (p+1)*dim; j++ {
			e := x[j] - den[j]
			d2 += e * e
		}
		rho := math.Sqrt(d2 + t*t)
		rt.h[p], rt.r[p] = k.LogH(k.p.M * rho)
		rt.logRho[p] = math.Log(rho)
	}
}

// step adds ∫λ dt from t down to tn, the next point's λ being in next.lam
// and its position and denoised value in x and den, and makes it current.
func (w *logWeights) step(k *Kernel, dim int, x, den []float64, t, tn float64) {
	w.next.ray(k, dim, x, den, tn)
	L := math.Log(t / tn)
	c, nx := &w.cur, &w.next
	for p := range w.logW {
		w.logW[p] += rayIncrement(L, t, tn, c.lam[p], nx.lam[p], c.h[p], nx.h[p], c.r[p], nx.r[p], c.logRho[p], nx.logRho[p])
	}
	w.cur, w.next = w.next, w.cur
}

// denoise adds ∫_0^t_min λ dt for the last step: the denoise is a straight
// ray to D_Y, along which ∫λ dt = −log h(mρ*) exactly (see rayIncrement).
func (w *logWeights) denoise() {
	for p := range w.logW {
		w.logW[p] -= w.cur.h[p]
	}
}

// lookAhead returns the look-ahead log-weights logW − H. Along a ray the
// rest of the path adds −H exactly, so this is what the weight is heading
// for. The raw logW carries the transient factor h(mρ*) (for one charge,
// logW = H at every t), and resampling on it would kill particles whose
// weight the λ integral is about to restore.
func (w *logWeights) lookAhead() []float64 {
	for p := range w.ahead {
		w.ahead[p] = w.logW[p] - w.cur.h[p]
	}
	return w.ahead
}

// resample draws the particles (rows of x and den, and their ray terms)
// by the look-ahead weights: auxiliary resampling, so an offspring keeps
// the ratio W/exp(ahead) = exp(H).
func (w *logWeights) resample(rng *rand.Rand, x, den []float64) {
	c := &w.cur
	systematicResample(rng, w.ahead, x, den, c.lam, c.h, c.r, c.logRho)
	copy(w.logW, c.h)
}
