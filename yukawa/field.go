package yukawa

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"

	"github.com/pfgm/pfgm/process"
)

// Field is the exact Yukawa field of a fixed set of K charges y_1…y_K of
// dimension N (the training set). At an augmented point (x, t) it gives
//
//	D_Y(x, t) = Σ_i w_i y_i,   w_i ∝ −G'(ρ_i)/ρ_i = ρ_i^(−d)·h(mρ_i),
//	λ(x, t)   = m²φ/E_t = (1/t)·Σ_i w_i·r(mρ_i),   r(z) = z·K_ν(z)/K_(ν+1)(z),
//
// with ρ_i = √(‖x − y_i‖² + t²), normalised by log-sum-exp, and the log
// ratio of the Yukawa and Coulomb flux densities of the whole charge set
// (the sampler's initial log-weights). A Field is safe for concurrent use.
type Field struct {
	k   *Kernel
	dim int
	nc  int
	y   []float64
}

// NewField returns the exact field of the charges (K = len(charges)/dim
// points, row-major; copied) under process p.
func NewField(charges []float64, dim int, p Process) (*Field, error) {
	if dim < 1 {
		return nil, fmt.Errorf("yukawa: dimension must be ≥ 1, got %d", dim)
	}
	if len(charges) == 0 || len(charges)%dim != 0 {
		return nil, fmt.Errorf("yukawa: %d charge values do not make whole points of dimension %d", len(charges), dim)
	}
	for i, v := range charges {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("yukawa: charge %d has a non-finite coordinate %v", i/dim, v)
		}
	}
	k, err := p.Kernel(dim)
	if err != nil {
		return nil, err
	}
	return &Field{k: k, dim: dim, nc: len(charges) / dim, y: append([]float64(nil), charges...)}, nil
}

// NewFieldOf is NewField on an existing kernel, which saves tabulating the
// Bessel profiles again (a training loop builds a field every step).
func NewFieldOf(k *Kernel, charges []float64) (*Field, error) {
	f := &Field{k: k, dim: k.n}
	if err := f.SetCharges(charges); err != nil {
		return nil, err
	}
	return f, nil
}

// SetCharges replaces the charges (copied, reusing the field's storage).
// A field whose charges change is not safe for concurrent use meanwhile.
func (f *Field) SetCharges(charges []float64) error {
	if len(charges) == 0 || len(charges)%f.dim != 0 {
		return fmt.Errorf("yukawa: %d charge values do not make whole points of dimension %d", len(charges), f.dim)
	}
	for i, v := range charges {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("yukawa: charge %d has a non-finite coordinate %v", i/f.dim, v)
		}
	}
	f.y = append(f.y[:0], charges...)
	f.nc = len(charges) / f.dim
	return nil
}

// Dim is the data dimension N.
func (f *Field) Dim() int { return f.dim }

// Len is the number of charges K.
func (f *Field) Len() int { return f.nc }

// Kernel is the perturbation kernel the field's weights use.
func (f *Field) Kernel() *Kernel { return f.k }

// Eval evaluates the field at augmented radius t > 0 for the len(x)/N
// queries of x (row-major): the denoiser into den (length of x), and, when
// the slices are non-nil (length len(x)/N), the death rate into lambda and
// log p_Yukawa(x, t) − log p_Coulomb(x, t) into logRatio, both flux
// densities being those of the whole charge set with the kernels normalised
// alike (Coulomb: ρ^(−d)). The work is split over GOMAXPROCS goroutines;
// ctx is checked between blocks of queries.
func (f *Field) Eval(ctx context.Context, x []float64, t float64, den, lambda, logRatio []float64) error {
	if !(t > 0) || math.IsInf(t, 0) {
		return fmt.Errorf("yukawa: t must be positive and finite, got %v", t)
	}
	return f.eval(ctx, x, []float64{t}, den, lambda, logRatio)
}

// EvalEach is Eval with an augmented radius of its own for each query
// (len(t) = len(x)/N), as a training batch has: the denoiser into den and,
// when lambda is non-nil, the death rate.
func (f *Field) EvalEach(ctx context.Context, x, t []float64, den, lambda []float64) error {
	if len(t)*f.dim != len(x) {
		return fmt.Errorf("yukawa: EvalEach needs one t per query: %d values for %d inputs of dimension %d", len(t), len(x), f.dim)
	}
	for _, v := range t {
		if !(v > 0) || math.IsInf(v, 0) {
			return fmt.Errorf("yukawa: t must be positive and finite, got %v", v)
		}
	}
	return f.eval(ctx, x, t, den, lambda, nil)
}

// eval is Eval with t either one value for all queries or one per query.
func (f *Field) eval(ctx context.Context, x, t []float64, den, lambda, logRatio []float64) error {
	if len(x) == 0 || len(x)%f.dim != 0 || len(den) != len(x) {
		return fmt.Errorf("yukawa: Eval needs len(x) a positive multiple of %d and len(den) = len(x), got %d and %d", f.dim, len(x), len(den))
	}
	nq := len(x) / f.dim
	if (lambda != nil && len(lambda) != nq) || (logRatio != nil && len(logRatio) != nq) {
		return fmt.Errorf("yukawa: Eval needs lambda and logRatio of length %d", nq)
	}
	const block = 64
	nblocks := (nq + block - 1) / block
	workers := min(runtime.GOMAXPROCS(0), nblocks)
	var (
		wg   sync.WaitGroup
		next = make(chan int, nblocks)
		errs = make([]error, workers)
	)
	for b := range nblocks {
		next <- b
	}
	close(next)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ws := f.newWorkspace(logRatio != nil)
			for b := range next {
				if err := ctx.Err(); err != nil {
					errs[w] = fmt.Errorf("yukawa: field evaluation stopped: %w", err)
					return
				}
				lo, hi := b*block, min((b+1)*block, nq)
				f.evalBlock(ws, x, t, den, lambda, logRatio, lo, hi)
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// Prior draws n points from the Coulomb (m = 0, PFGM++) flux of the whole
// charge set at augmented radius t: a charge chosen uniformly, plus a draw
// of the D-augmented Coulomb kernel at radius t (DESIGN §3.1). That flux is
// the mixture of the per-charge kernels, so this draw is exact, and its
// density is the one the initial log-weights divide by.
func (f *Field) Prior(rng *rand.Rand, n int, t float64) []float64 {
	// The Coulomb kernel at radius t is PFGM++'s at σ = t/√D.
	p := process.Poisson{D: float64(f.k.p.D)}
	sigma := make([]float64, n)
	for i := range sigma {
		sigma[i] = t / math.Sqrt(p.D)
	}
	out := make([]float64, n*f.dim)
	process.Noise(p, rng, f.dim, sigma, false, out)
	for i := range n {
		y := f.y[rng.IntN(f.nc)*f.dim:]
		for j, v := range out[i*f.dim : (i+1)*f.dim] {
			out[i*f.dim+j] = y[j] + v
		}
	}
	return out
}

// Denoiser adapts the field to the sampler.Denoiser interface, reading the
// sampler's σ as the augmented radius t: the Yukawa ODE dx/dt = (x − D_Y)/t
// has the same form as dx/dσ = (x − D)/σ, so sampler.Sample with σ_max =
// t_max integrates it. That is the unweighted flow only; Sample adds the
// weights.
func (f *Field) Denoiser() Denoiser { return Denoiser{f} }

// Denoiser is the field seen as a plain denoiser (σ read as t).
type Denoiser struct{ f *Field }

// Dim is the data dimension.
func (d Denoiser) Dim() int { return d.f.dim }

// Denoise writes D_Y(x, t = sigma) into out.
func (d Denoiser) Denoise(ctx context.Context, x []float64, sigma float64, out []float64) error {
	return d.f.Eval(ctx, x, sigma, out, nil, nil)
}
