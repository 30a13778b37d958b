package classic

import (
	"fmt"
	"math"
	"runtime"
	"sync"
)

// directMaxDim is the largest dimension whose distances are formed directly
// in float64; above it they come from one float32 GEMM, refined in float64
// where they matter.
const directMaxDim = 16

// Charges is a batch of charges y₁…y_K ∈ R^N on the plane z = 0, against
// which Target computes the field. Set reuses its buffers, so one value can
// serve every training step. It is not safe for concurrent use while Set
// runs; Target only reads it.
type Charges struct {
	dim, k int
	y      []float64 // K×N, as given
	// GEMM path (dim > directMaxDim) only:
	mu   []float64 // mean of the charges, subtracted before the GEMM
	yc32 []float32 // K×N, the centred charges in float32
	ync  []float64 // ‖y_i − μ‖² (float64)
	ymax float64   // max_i ‖y_i − μ‖
}

// NewCharges copies the K = len(y)/dim charges of y (row-major).
func NewCharges(y []float64, dim int) (*Charges, error) {
	c := &Charges{}
	return c, c.Set(y, dim)
}

// Dim is N, the data dimension.
func (c *Charges) Dim() int { return c.dim }

// Len is K, the number of charges.
func (c *Charges) Len() int { return c.k }

// Set replaces the charges by those of y (row-major, dim numbers each).
func (c *Charges) Set(y []float64, dim int) error {
	if dim < 1 || len(y) == 0 || len(y)%dim != 0 {
		return fmt.Errorf("classic: %d charge values are not whole points of dimension %d", len(y), dim)
	}
	for i, v := range y {
		if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > math.MaxFloat32/4 {
			return fmt.Errorf("classic: charge %d has a non-finite or huge coordinate %v", i/dim, v)
		}
	}
	c.dim, c.k = dim, len(y)/dim
	c.y = append(c.y[:0], y...)
	if dim <= directMaxDim {
		return nil
	}
	// Centring shrinks the norms and with them the cancellation error of
	// ‖x‖² − 2x·y + ‖y‖² (for images the mean is a large part of every norm).
	c.mu = resize(c.mu, dim)
	clear(c.mu)
	for i, v := range y {
		c.mu[i%dim] += v
	}
	for j := range c.mu {
		c.mu[j] /= float64(c.k)
	}
	c.yc32 = resize(c.yc32, len(y))
	c.ync = resize(c.ync, c.k)
	c.ymax = 0
	for i := range c.k {
		var s float64
		for j := range dim {
			d := y[i*dim+j] - c.mu[j]
			c.yc32[i*dim+j] = float32(d)
			s += d * d
		}
		c.ync[i] = s
		c.ymax = max(c.ymax, math.Sqrt(s))
	}
	return nil
}

func resize[F any](b []F, n int) []F {
	if cap(b) < n {
		return make([]F, n)
	}
	return b[:n]
}

// Target writes the normalised field of PFGM's loss (losses.py) at the
// augmented points (x_q, z_q), q = 1…n (x: n×N row-major, z: n values > 0),
// into out (n×(N+1): the N data components, then the z component):
//
//	E = Σ_i w_i (ỹ_i − x̃),  w_i ∝ ρ_i^−(N+1),  ρ_i = ‖x̃ − ỹ_i‖ = √(‖x − y_i‖² + z²)
//	target = √N·E / (‖E‖ + γ)
//
// The weights are normalised to sum 1 (the reference's
// (min_j ρ_j / ρ_i)^(N+1) / Σ …), so E_z = −z exactly and E_x = D − x with
// D the posterior mean of the charges — PFGM++'s D = 1 field. Weights below
// e⁻⁴⁰ of the largest are dropped. The reference adds 1e-7 to ρ_i and to
// Σ w_i; at the scales involved (ρ ≥ z ≥ 10⁻⁵·σ₀) that changes nothing
// visible and is left out.
//
// Precision: in up to 16 dimensions distances are formed in float64.
// Above, ‖x − y_i‖² comes from a float32 GEMM of the centred points; every
// charge whose weight could be within e⁻⁴⁰ of the largest under the GEMM's
// worst-case rounding bound has its distance recomputed in float64, so the
// target agrees with a float64 computation to rounding.
func (c *Charges) Target(x, z []float64, gamma float64, out []float64) error {
	if err := c.check(x, z, out); err != nil {
		return err
	}
	if !(gamma >= 0) || math.IsInf(gamma, 0) {
		return fmt.Errorf("classic: γ must be ≥ 0 and finite, got %v", gamma)
	}
	n := len(z)
	workers := min(runtime.GOMAXPROCS(0), (n+minChunk-1)/minChunk)
	chunk := (n + workers - 1) / workers
	var wg sync.WaitGroup
	for lo := 0; lo < n; lo += chunk {
		hi := min(lo+chunk, n)
		wg.Go(func() {
			ws := newWorkspace(c, hi-lo)
			c.targetBlock(ws, x[lo*c.dim:hi*c.dim], z[lo:hi], gamma, out[lo*(c.dim+1):hi*(c.dim+1)])
		})
	}
	wg.Wait()
	return nil
}

// minChunk is the smallest number of queries worth a goroutine.
const minChunk = 8

func (c *Charges) check(x, z, out []float64) error {
	if c.k == 0 {
		return fmt.Errorf("classic: no charges")
	}
	n := len(z)
	if len(x) != n*c.dim || len(out) != n*(c.dim+1) {
		return fmt.Errorf("classic: field of %d points needs x of %d and out of %d values, got %d and %d",
			n, n*c.dim, n*(c.dim+1), len(x), len(out))
	}
	for q, v := range z {
		if !(v > 0) || math.IsInf(v, 0) {
			return fmt.Errorf("classic: z of point %d must be positive and finite, got %v", q, v)
		}
	}
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("classic: point %d has a non-finite coordinate %v", i/c.dim, v)
		}
	}
	return nil
}
