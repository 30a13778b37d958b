package classic

// The hot loop of the field target: distances from a block of queries to all
// charges, the weights (ρ_min/ρ_i)^(N+1) and the weighted sum of ỹ_i − x̃.

import (
	"math"

	"github.com/pfgm/pfgm/gemm"
)

const (
	// cut: weights below e⁻⁴⁰ ≈ 4·10⁻¹⁸ of the largest are dropped.
	cut = 40.0
	// gemmBudget bounds the float32 distance block (queries × charges).
	gemmBudget = 4 << 20
	// u32 is the unit roundoff of float32.
	u32 = 1.0 / (1 << 24)
)

type workspace struct {
	d2   []float64 // squared augmented distances of one query to the charges
	idx  []int32   // charges surviving the GEMM screen
	acc  []float64 // Σ w_i (y_i − x)
	xc   []float64 // centred queries (GEMM path)
	xc32 []float32
	dots []float32 // (x − μ)·(y_i − μ), queries × charges
	bq   int       // queries per GEMM block
}

func newWorkspace(c *Charges, nq int) *workspace {
	ws := &workspace{d2: make([]float64, c.k), acc: make([]float64, c.dim)}
	if c.dim > directMaxDim {
		ws.bq = max(1, min(nq, gemmBudget/c.k))
		ws.idx = make([]int32, c.k)
		ws.xc = make([]float64, ws.bq*c.dim)
		ws.xc32 = make([]float32, ws.bq*c.dim)
		ws.dots = make([]float32, ws.bq*c.k)
	}
	return ws
}

// targetBlock computes Target for the queries x (nq×N), z (nq) into out.
func (c *Charges) targetBlock(ws *workspace, x, z []float64, gamma float64, out []float64) {
	n := c.dim
	// Weights below e^−cut of the largest have ρ²/ρ²_min above ratio.
	ratio := math.Exp(cut / (float64(n+1) / 2))
	if c.dim <= directMaxDim {
		for q := range z {
			xq := x[q*n : (q+1)*n]
			z2 := z[q] * z[q]
			dmin := math.Inf(1)
			for i := range c.k {
				s := augDist2(xq, c.y[i*n:(i+1)*n], z2)
				ws.d2[i] = s
				dmin = min(dmin, s)
			}
			c.finish(ws, xq, z[q], dmin, ratio, nil, gamma, out[q*(n+1):(q+1)*(n+1)])
		}
		return
	}
	for lo := 0; lo < len(z); lo += ws.bq {
		hi := min(lo+ws.bq, len(z))
		nb := hi - lo
		for q := lo; q < hi; q++ {
			for j := range n {
				v := x[q*n+j] - c.mu[j]
				ws.xc[(q-lo)*n+j] = v
				ws.xc32[(q-lo)*n+j] = float32(v)
			}
		}
		gemm.Sgemm(false, true, nb, c.k, n, 1, ws.xc32, n, c.yc32, n, 0, ws.dots, c.k)
		for q := lo; q < hi; q++ {
			xq, xcq := x[q*n:(q+1)*n], ws.xc[(q-lo)*n:(q-lo+1)*n]
			var nx float64
			for _, v := range xcq {
				nx += v * v
			}
			z2 := z[q] * z[q]
			// Worst-case error of the float32 dot products (conversion of
			// both operands plus n accumulations), doubled in ‖x−y‖².
			eps := 2*float64(n+3)*u32*math.Sqrt(nx)*c.ymax*1.01 + 1e-300
			dots := ws.dots[(q-lo)*c.k : (q-lo+1)*c.k]
			amin := math.Inf(1)
			for i, d := range dots {
				s := max(nx-2*float64(d)+c.ync[i], 0) + z2
				ws.d2[i] = s
				amin = min(amin, s)
			}
			// Every charge whose true weight can be within e^−cut of the
			// true largest passes this screen.
			thr := (amin+eps)*ratio + eps
			cand := ws.idx[:0]
			dmin := math.Inf(1)
			for i, s := range ws.d2[:c.k] {
				if s > thr {
					continue
				}
				e := augDist2(xq, c.y[i*n:(i+1)*n], z2)
				ws.d2[i] = e
				dmin = min(dmin, e)
				cand = append(cand, int32(i))
			}
			c.finish(ws, xq, z[q], dmin, ratio, cand, gamma, out[q*(n+1):(q+1)*(n+1)])
		}
	}
}

// augDist2 is the squared augmented distance ‖x − y‖² + z² in float64.
func augDist2(x, y []float64, z2 float64) float64 {
	s := z2
	for j, yj := range y {
		d := x[j] - yj
		s += d * d
	}
	return s
}

// finish forms the weights from the squared distances ws.d2 (of the charges
// in cand, or of all when cand is nil), the field E and the target.
func (c *Charges) finish(ws *workspace, xq []float64, z, dmin, ratio float64, cand []int32, gamma float64, out []float64) {
	n := c.dim
	clear(ws.acc)
	lim := dmin * ratio
	var sum float64
	add := func(i int) {
		s := ws.d2[i]
		if s > lim {
			return
		}
		w := powHalf(dmin/s, n+1)
		sum += w
		for j, yj := range c.y[i*n : (i+1)*n] {
			ws.acc[j] += w * (yj - xq[j])
		}
	}
	if cand == nil {
		for i := range c.k {
			add(i)
		}
	} else {
		for _, i := range cand {
			add(int(i))
		}
	}
	// E = (Σ w_i (y_i − x) / Σ w_i, −z)
	e2 := z * z
	for j := range ws.acc {
		ws.acc[j] /= sum
		e2 += ws.acc[j] * ws.acc[j]
	}
	f := math.Sqrt(float64(n)) / (math.Sqrt(e2) + gamma)
	for j, v := range ws.acc {
		out[j] = f * v
	}
	out[n] = -f * z
}

// powHalf returns t^(e/2) for t ∈ [0, 1] by repeated squaring: no log or exp
// in the inner loop. Underflow to 0 is harmless: the largest weight is 1.
func powHalf(t float64, e int) float64 {
	r := 1.0
	if e&1 == 1 {
		r = math.Sqrt(t)
	}
	for k, b := e>>1, t; k > 0; k >>= 1 {
		if k&1 == 1 {
			r *= b
		}
		b *= b
	}
	return r
}
