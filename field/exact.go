package field

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/pfgm/pfgm/gemm"
	"github.com/pfgm/pfgm/process"
)

// directMaxDim is the largest data dimension handled by the direct
// (float64, no GEMM) loop. For 2-D toy data the direct loop is several times
// faster than a GEMM with k = 2, whose cost is all packing and overhead.
const directMaxDim = 16

// Exact is the exact field of a fixed set of charges (the training set).
// It is safe for concurrent use: Denoise and Field only read it.
type Exact struct {
	dim, k int
	d      float64 // augmented dimensions; +Inf for diffusion

	mu  []float64 // mean of the charges, subtracted on the GEMM path (nil on the direct path)
	y32 []float32 // K×N charges − mu, row-major, for Σ w_i y_i
	// The charges' transpose (N×K) packed once for the distance GEMM, which
	// multiplies every block of queries by it: repacking 4·N·K bytes per
	// block cost about a third of the field's time.
	yp    *gemm.PackedB
	ynorm []float64 // ‖y_i‖² of the float32 charges, in float64
	yn32  []float32 // ynorm in float32, for the row scan (GEMM path)
	ymax  float64   // max ynorm, for the GEMM distances' error model
	y64   []float64 // K×N charges in float64; only when dim ≤ directMaxDim

	// blocks holds *blockBuffers (kernel.go) for the GEMM path: its calls
	// reuse them instead of allocating and zeroing ~17 MB per worker, and
	// sync.Pool keeps concurrent calls apart and lets the GC reclaim them.
	blocks sync.Pool
}

// New returns the exact field of the charges, K = len(charges)/dim points of
// dimension dim stored row-major, for D augmented dimensions (an integer ≥ 1,
// or math.Inf(1) for the Gaussian/diffusion limit). The charges are copied.
func New(charges []float64, dim int, D float64) (*Exact, error) {
	if dim < 1 {
		return nil, fmt.Errorf("field: dimension must be ≥ 1, got %d", dim)
	}
	if len(charges) == 0 || len(charges)%dim != 0 {
		return nil, fmt.Errorf("field: %d charge values do not make whole points of dimension %d", len(charges), dim)
	}
	if !process.ValidD(D) {
		return nil, fmt.Errorf("field: D must be an integer ≥ 1 or +Inf, got %v", D)
	}
	e := &Exact{dim: dim, k: len(charges) / dim, d: D}
	for i, v := range charges {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("field: charge %d has a non-finite coordinate %v", i/dim, v)
		}
		if math.Abs(v) > math.MaxFloat32/2 {
			return nil, fmt.Errorf("field: charge %d coordinate %v overflows float32", i/dim, v)
		}
	}
	e.ynorm = make([]float64, e.k)
	if dim <= directMaxDim {
		e.y64 = append([]float64(nil), charges...)
		for i := range e.k {
			for _, v := range e.y64[i*dim : (i+1)*dim] {
				e.ynorm[i] += v * v
			}
		}
		return e, nil
	}
	// Centring shrinks the norms, and with them the cancellation error of
	// ‖x‖² − 2x·y + ‖y‖² (for images the mean is a large part of every norm).
	e.mu = make([]float64, dim)
	for i, v := range charges {
		e.mu[i%dim] += v
	}
	for j := range e.mu {
		e.mu[j] /= float64(e.k)
	}
	e.y32 = make([]float32, len(charges))
	for i := range e.k {
		for j := range dim {
			f := float32(charges[i*dim+j] - e.mu[j])
			e.y32[i*dim+j] = f
			e.ynorm[i] += float64(f) * float64(f)
		}
	}
	e.yn32 = make([]float32, e.k)
	for i, v := range e.ynorm {
		e.yn32[i] = float32(v)
		e.ymax = max(e.ymax, v)
	}
	e.yp = gemm.PackB(true, dim, e.k, e.y32, dim)
	return e, nil
}

// charges64 returns the charges as the field sees them (after float32
// rounding on the GEMM path), for tests.
func (e *Exact) charges64() []float64 {
	if e.y64 != nil {
		return e.y64
	}
	out := make([]float64, len(e.y32))
	for i, v := range e.y32 {
		out[i] = float64(v) + e.mu[i%e.dim]
	}
	return out
}

// Dim is the data dimension N.
func (e *Exact) Dim() int { return e.dim }

// Len is the number of charges K.
func (e *Exact) Len() int { return e.k }

// D is the number of augmented dimensions (+Inf for diffusion).
func (e *Exact) D() float64 { return e.d }

// Denoise writes the posterior mean D*(x, σ) of every point of the batch x
// (len(x)/Dim() points, row-major) into out, which must have the length of x.
// The work is split over GOMAXPROCS goroutines; ctx cancels it between
// blocks of charges.
func (e *Exact) Denoise(ctx context.Context, x []float64, sigma float64, out []float64) error {
	if !(sigma > 0) || math.IsInf(sigma, 0) {
		return fmt.Errorf("field: σ must be positive and finite, got %v", sigma)
	}
	var w weighting
	if math.IsInf(e.d, 1) {
		w = weighting{inf: true, inv2s2: 1 / (2 * sigma * sigma)}
	} else {
		w = weighting{a: (float64(e.dim) + e.d) / 2, r2: sigma * sigma * e.d}
	}
	return e.mean(ctx, x, w, out)
}

// Field writes the unit direction of the electric field at the augmented
// point (x, r) — x ∈ R^N a data-space point and r ≥ 0 the radius of its
// augmented part — into out (length N+1: the N data components, then the
// radial augmented component), and returns log‖E‖ for
//
//	E = (1/K)·Σ_i (x̃ − ỹ_i) / ‖x̃ − ỹ_i‖^(N+D),
//
// the field of K charges of total charge 1 in N+D dimensions (without the
// surface-area constant). Because E = (x − D*(x, σ), r)·Σ_i ‖x̃ − ỹ_i‖^−(N+D)
// with σ = r/√D, it is computed by the same weighted sum as Denoise. The
// radial component is never negative: the field points away from the data
// plane. D = ∞ has no augmented space, so Field returns an error for it.
func (e *Exact) Field(x []float64, r float64, out []float64) (logNorm float64, err error) {
	if math.IsInf(e.d, 1) {
		return 0, errors.New("field: the augmented field needs a finite D")
	}
	if len(x) != e.dim || len(out) != e.dim+1 {
		return 0, fmt.Errorf("field: Field needs x of length %d and out of length %d, got %d and %d", e.dim, e.dim+1, len(x), len(out))
	}
	if !(r >= 0) || math.IsInf(r, 0) {
		return 0, fmt.Errorf("field: radius must be ≥ 0 and finite, got %v", r)
	}
	w := weighting{a: (float64(e.dim) + e.d) / 2, r2: r * r}
	mean := make([]float64, e.dim)
	var st [1]queryState
	if err := e.run(context.Background(), x, w, mean, st[:]); err != nil {
		return 0, err
	}
	// E = (1/K)·e^m·S·(x − D*, r), where m and S are the log-sum-exp pieces.
	var n2 float64
	for j := range mean {
		out[j] = x[j] - mean[j]
		n2 += out[j] * out[j]
	}
	out[e.dim] = r
	n2 += r * r
	if !(n2 > 0) {
		return 0, errors.New("field: the field is singular on a charge")
	}
	n := math.Sqrt(n2)
	for j := range out {
		out[j] /= n
	}
	return st[0].m + math.Log(st[0].s) + math.Log(n) - math.Log(float64(e.k)), nil
}

// mean computes the weighted mean of the charges for every query of x.
func (e *Exact) mean(ctx context.Context, x []float64, w weighting, out []float64) error {
	if len(x)%e.dim != 0 {
		return fmt.Errorf("field: batch of %d values is not a whole number of %d-dimensional points", len(x), e.dim)
	}
	if len(out) != len(x) {
		return fmt.Errorf("field: output has %d values, input %d", len(out), len(x))
	}
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("field: query %d has a non-finite coordinate %v", i/e.dim, v)
		}
	}
	return e.run(ctx, x, w, out, nil)
}

// run splits the queries into blocks and hands them to GOMAXPROCS workers.
// If st is not nil it receives the final log-sum-exp state of each query.
func (e *Exact) run(ctx context.Context, x []float64, w weighting, out []float64, st []queryState) error {
	nq := len(x) / e.dim
	if nq == 0 {
		return nil
	}
	bq := e.queryBlock(nq, runtime.GOMAXPROCS(0))
	nblocks := (nq + bq - 1) / bq
	workers := min(runtime.GOMAXPROCS(0), nblocks)
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for wk := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ws := e.newWorkspace(bq)
			for {
				b := int(next.Add(1) - 1)
				if b >= nblocks {
					return
				}
				if err := ctx.Err(); err != nil {
					errs[wk] = err
					return
				}
				q0, q1 := b*bq, min((b+1)*bq, nq)
				var sst []queryState
				if st != nil {
					sst = st[q0:q1]
				}
				if err := e.block(ctx, ws, x[q0*e.dim:q1*e.dim], w, out[q0*e.dim:q1*e.dim], sst); err != nil {
					errs[wk] = err
					return
				}
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}
