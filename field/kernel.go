package field

// The hot loop of the exact field. For a block of queries it forms the
// squared distances to all charges (one GEMM, or a direct loop for small
// dimension), so that each query's nearest charge and window are known
// before any weight is formed; then it keeps only the charges whose
// log-weight can matter and accumulates Σ w_i y_i. The GEMM path does this
// block by block of charges, folding them into a streaming log-sum-exp, with
// a second GEMM for Σ w_i y_i when the weights are dense and sparse float64
// updates when they are not.

import (
	"context"
	"math"

	"github.com/pfgm/pfgm/gemm"
)

const (
	// The GEMM path keeps the query block's distances to all K charges
	// (bq×K float32, at most distBudget values) so that the nearest charge
	// is known before any weight is formed; bq is as large as the budget
	// allows, up to maxQueryBlock, to amortise the GEMM's packing of the data.
	distBudget       = 4 << 20
	minQueryBlock    = 16
	maxQueryBlock    = 256
	gemmChargeBlock  = 512 // charges per block of weights and Σ w_i y_i
	directQueryBlock = 32

	// cut is how far below the running maximum a log-weight may lie before
	// its charge is skipped (e⁻⁴⁰ ≈ 4·10⁻¹⁸ of the mass per charge).
	cut = 40.0
	// refineTol is the log-weight error above which a GEMM distance is
	// recomputed in float64.
	refineTol = 1e-3
	// denseFrac: when more than this fraction of a block's weights survive,
	// Σ w_i y_i is done as a GEMM instead of scalar float64 updates.
	denseFrac = 1.0 / 16
	// u32 is the unit roundoff of float32.
	u32 = 1.0 / (1 << 24)
)

// weighting turns a squared distance into a log-weight.
type weighting struct {
	inf    bool
	inv2s2 float64 // D = ∞: 1/(2σ²)
	a, r2  float64 // finite D: (N+D)/2 and r²
}

// slope is |d log w / d d²| at d², used to turn distance errors into
// log-weight errors.
func (w weighting) slope(d2 float64) float64 {
	if w.inf {
		return w.inv2s2
	}
	return w.a / (d2 + w.r2)
}

// window is the largest d² whose log-weight is within cut of that at d2min.
func (w weighting) window(d2min float64) float64 {
	if w.inf {
		return d2min + cut/w.inv2s2
	}
	return d2min + (d2min+w.r2)*math.Expm1(cut/w.a)
}

// logWeights overwrites d2 with the log-weights of those squared distances.
func (w weighting) logWeights(d2 []float64) {
	if w.inf {
		for i, v := range d2 {
			d2[i] = -v * w.inv2s2
		}
		return
	}
	negLogShifted(d2, w.a, w.r2)
}

// queryState is the streaming log-sum-exp of one query: the total weight is
// e^m·s.
type queryState struct {
	m float64 // running maximum log-weight, −Inf before the first charge
	s float64 // Σ exp(log w_i − m)
}

type workspace struct {
	xc   []float64 // query block minus the charges' mean (GEMM path)
	xb32 []float32 // xc in float32 (GEMM path)
	nx   []float64 // ‖x‖² per query
	dist []float32 // −2·x·y for the query block × all charges (GEMM path)
	w32  []float32 // dense weights block (GEMM path)
	wy   []float32 // weights × charges block (GEMM path)
	acc  []float64 // Σ w_i y_i per query, relative to e^m
	st   []queryState
	d2   []float64 // one row of squared distances
	idx  []int32   // survivors of every query of the block
	lw   []float64 // their log-weights, then weights
	off  []int     // survivors of query q are idx[off[q]:off[q+1]]

	// The row scan (GEMM path, scan.go): charges that may fall in each
	// query's window, listed once per row, or per block of charges for rows
	// with too many to list.
	cand  []int32   // candidates of the listed rows, row after row
	cbeg  []int     // query q's candidates are cand[cbeg[q]:cend[q]] ...
	cend  []int     // ... or, if cend[q] < 0, every charge with t_i ≤ tmax[q]
	thr   []float64 // d² window of each query (plus the rounding margin)
	tmax  []float32 // float32 bound on t_i = ‖y_i‖² − 2x·y_i that keeps thr's charges
	sel   []int32   // one block's candidates of an unlisted row
	rowCp int       // most candidates listed per row

	bq  int           // queries per block
	big *blockBuffers // the pooled buffers behind the GEMM path's slices
}

// queryBlock is the number of queries a worker takes at a time.
func (e *Exact) queryBlock(nq, workers int) int {
	if e.y64 != nil {
		return directQueryBlock
	}
	bq := min(max(distBudget/e.k, minQueryBlock), maxQueryBlock)
	// Enough blocks to keep every worker busy, unless that makes them tiny.
	return max(min(bq, (nq+workers-1)/workers), minQueryBlock)
}

func (e *Exact) newWorkspace(bq int) *workspace {
	ws := &workspace{bq: bq}
	ws.nx = make([]float64, bq)
	ws.st = make([]queryState, bq)
	ws.off = make([]int, bq+1)
	if e.y64 != nil {
		ws.acc = make([]float64, bq*e.dim)
		ws.d2 = make([]float64, e.k)
		ws.idx = make([]int32, e.k)
		ws.lw = make([]float64, e.k)
		return ws
	}
	ws.rowCp = min(e.k, max(256, e.k/16))
	ws.cbeg = make([]int, bq)
	ws.cend = make([]int, bq)
	ws.thr = make([]float64, bq)
	ws.tmax = make([]float32, bq)
	return ws
}

// blockBuffers are the GEMM path's large buffers, about 17 MB for 256
// queries × 10,000 charges (mostly the distances). They come from a pool
// for each block instead of being allocated per call, where zeroing and
// faulting in fresh memory cost several per cent of the field's time.
// Their contents are stale on reuse: every buffer is written before it is
// read.
type blockBuffers struct {
	xc, acc, lw         []float64
	xb32, dist, w32, wy []float32
	idx, cand, sel      []int32
}

// attach gives a GEMM-path workspace its large buffers; detach returns them.
func (ws *workspace) attach(e *Exact) {
	b, _ := e.blocks.Get().(*blockBuffers)
	if b == nil {
		b = new(blockBuffers)
	}
	bq, n, kb := ws.bq, e.dim, gemmChargeBlock
	ws.big = b
	ws.xc = grow(&b.xc, bq*n)
	ws.acc = grow(&b.acc, bq*n)
	ws.lw = grow(&b.lw, bq*kb)
	ws.xb32 = grow(&b.xb32, bq*n)
	ws.dist = grow(&b.dist, bq*e.k)
	ws.w32 = grow(&b.w32, bq*kb)
	ws.wy = grow(&b.wy, bq*n)
	ws.idx = grow(&b.idx, bq*kb)
	ws.cand = grow(&b.cand, (bq+1)*ws.rowCp+scanSlack)
	ws.sel = grow(&b.sel, kb+scanSlack)
}

func (ws *workspace) detach(e *Exact) {
	e.blocks.Put(ws.big)
	ws.big = nil
	ws.xc, ws.acc, ws.lw = nil, nil, nil
	ws.xb32, ws.dist, ws.w32, ws.wy = nil, nil, nil, nil
	ws.idx, ws.cand, ws.sel = nil, nil, nil
}

// grow returns (*buf)[:n], reallocating *buf if it is too short.
func grow[T any](buf *[]T, n int) []T {
	if cap(*buf) < n {
		*buf = make([]T, n)
	}
	return (*buf)[:n]
}

// block computes the weighted means of one block of queries into out and,
// if st is not nil, leaves their log-sum-exp states there.
func (e *Exact) block(ctx context.Context, ws *workspace, x []float64, w weighting, out []float64, st []queryState) error {
	n := e.dim
	nq := len(x) / n
	if e.mu != nil {
		ws.attach(e)
		defer ws.detach(e)
		xc := ws.xc[:len(x)]
		for q := range nq {
			for j, m := range e.mu {
				xc[q*n+j] = x[q*n+j] - m
			}
		}
		x = xc
	}
	acc := ws.acc[:nq*n]
	clear(acc)
	qs := ws.st[:nq]
	for q := range qs {
		qs[q] = queryState{m: math.Inf(-1)}
		var s float64
		for _, v := range x[q*n : (q+1)*n] {
			s += v * v
		}
		ws.nx[q] = s
	}
	var err error
	if e.y64 != nil {
		err = e.directBlock(ctx, ws, x, w)
	} else {
		err = e.gemmBlock(ctx, ws, x, w)
	}
	if err != nil {
		return err
	}
	for q := range qs {
		inv := 1 / qs[q].s
		for j := range n {
			out[q*n+j] = acc[q*n+j] * inv
		}
		if e.mu != nil {
			for j, m := range e.mu {
				out[q*n+j] += m
			}
		}
	}
	if st != nil {
		copy(st, qs)
	}
	return nil
}

// absorb folds one query's survivors (charge indices idx, log-weights lw)
// into its state: it raises the running maximum if needed, rescaling the
// accumulator, and turns lw into weights relative to the new maximum.
func absorb(st *queryState, acc []float64, lw []float64) {
	bm := math.Inf(-1)
	for _, v := range lw {
		if v > bm {
			bm = v
		}
	}
	if bm > st.m {
		if st.s != 0 {
			sc := math.Exp(st.m - bm)
			st.s *= sc
			for j := range acc {
				acc[j] *= sc
			}
		}
		st.m = bm
	}
	for i := range lw {
		lw[i] -= st.m
	}
	expInPlace(lw)
	var s float64
	for _, v := range lw {
		s += v
	}
	st.s += s
}

// directBlock is the small-dimension path: exact float64 distances to all
// charges first (cheap for small N), so the nearest is known before any
// weight is formed; then the weights relative to the nearest charge, which
// for finite D are (q_min/q_i)^((N+D)/2) by repeated squaring (no log, no
// exp: N+D is an integer), and Σ w_i y_i.
func (e *Exact) directBlock(ctx context.Context, ws *workspace, x []float64, w weighting) error {
	n := e.dim
	nq := len(x) / n
	for q := range nq {
		if err := ctx.Err(); err != nil {
			return err
		}
		xq := x[q*n : (q+1)*n]
		d2 := ws.d2[:e.k]
		squaredDistances(d2, xq, e.y64)
		st := &ws.st[q]
		m := math.Inf(1)
		for _, v := range d2 {
			if v < m {
				m = v
			}
		}
		thr := w.window(m)
		idx, wt := ws.idx[:0], ws.lw[:0]
		if w.inf {
			for i, v := range d2 {
				if v <= thr {
					idx = append(idx, int32(i))
					wt = append(wt, (m-v)*w.inv2s2)
				}
			}
			expInPlace(wt)
			st.m = -m * w.inv2s2
		} else {
			qmin := m + w.r2
			for i, v := range d2 {
				if v <= thr {
					idx = append(idx, int32(i))
					wt = append(wt, qmin/(v+w.r2))
				}
			}
			powHalfInPlace(wt, int(2*w.a))
			st.m = -w.a * math.Log(qmin)
		}
		var s float64
		for _, v := range wt {
			s += v
		}
		st.s = s
		acc := ws.acc[q*n : (q+1)*n]
		if n == 2 {
			var a0, a1 float64
			for t, i := range idx {
				a0 += wt[t] * e.y64[2*i]
				a1 += wt[t] * e.y64[2*i+1]
			}
			acc[0], acc[1] = a0, a1
			continue
		}
		for t, i := range idx {
			y := e.y64[int(i)*n : int(i)*n+n]
			for j := range acc {
				acc[j] += wt[t] * y[j]
			}
		}
	}
	return nil
}

// powHalfInPlace replaces every v[i] ∈ [0, 1] by v[i]^(p/2) for an integer
// p ≥ 1, by binary exponentiation (relative error about log₂(p)·2⁻⁵³ for the
// integer part, plus one square root when p is odd).
func powHalfInPlace(v []float64, p int) {
	k := p / 2
	odd := p%2 == 1
	for i, t := range v {
		r := 1.0
		if odd {
			r = math.Sqrt(t)
		}
		b := t
		for e := k; e > 0; e >>= 1 {
			if e&1 != 0 {
				r *= b
			}
			b *= b
		}
		v[i] = r
	}
}

// squaredDistances writes ‖x − y_i‖² for the rows y_i of ys.
func squaredDistances(d2, x, ys []float64) {
	n := len(x)
	switch n {
	case 1:
		x0 := x[0]
		for i := range d2 {
			d := x0 - ys[i]
			d2[i] = d * d
		}
	case 2:
		x0, x1 := x[0], x[1]
		ys = ys[:2*len(d2)]
		for i := range d2 {
			a, b := x0-ys[2*i], x1-ys[2*i+1]
			d2[i] = a*a + b*b
		}
	default:
		for i := range d2 {
			y := ys[i*n : i*n+n]
			var s float64
			for j, v := range x {
				d := v - y[j]
				s += d * d
			}
			d2[i] = s
		}
	}
}

// gemmBlock is the general path: distances from one float32 GEMM against
// all charges, then, block by block of charges, the surviving weights
// (distances refined in float64 where their rounding would matter) and
// Σ w_i y_i.
func (e *Exact) gemmBlock(ctx context.Context, ws *workspace, x []float64, w weighting) error {
	n, k := e.dim, e.k
	nq := len(x) / n
	dist := e.distances(ws, x)
	if err := ctx.Err(); err != nil {
		return err
	}
	ymax, errScale := e.errorModel()
	e.scanRows(ws, dist, nq, w, ymax, errScale)

	for k0 := 0; k0 < k; k0 += gemmChargeBlock {
		if err := ctx.Err(); err != nil {
			return err
		}
		k1 := min(k0+gemmChargeBlock, k)
		kb := k1 - k0
		ys := e.y32[k0*n : k1*n]
		yn := e.ynorm[k0:k1]
		total := 0
		ws.off[0] = 0
		for q := range nq {
			st := &ws.st[q]
			nx := ws.nx[q]
			delta := errScale * (nx + ymax)
			thr := ws.thr[q]
			start := total
			xq := x[q*n : (q+1)*n]
			row := dist[q*k+k0 : q*k+k1]
			// This block's candidate charges: the next stretch of the
			// row's list, or a scan of the block (which always fits in
			// ws.sel, so it cannot fail).
			var cands []int32
			if ws.cend[q] >= 0 {
				c := ws.cbeg[q]
				for c < ws.cend[q] && int(ws.cand[c]) < k1 {
					c++
				}
				cands = ws.cand[ws.cbeg[q]:c]
				ws.cbeg[q] = c
			} else {
				cnt, _ := selectLE(ws.sel, row, e.yn32[k0:k1], ws.tmax[q], int32(k0))
				cands = ws.sel[:cnt]
			}
			for _, c := range cands {
				i := int(c) - k0
				// Cancellation can make a tiny distance negative: clamp.
				d := max(nx+yn[i]+float64(row[i]), 0)
				if d > thr {
					continue
				}
				if w.slope(d)*delta > refineTol {
					d = exactDistance(xq, ys[i*n:i*n+n])
				}
				ws.idx[total] = int32(i)
				ws.lw[total] = d
				total++
			}
			ws.off[q+1] = total
			if total > start {
				lw := ws.lw[start:total]
				w.logWeights(lw)
				absorb(st, ws.acc[q*n:(q+1)*n], lw)
			}
		}

		if float64(total) > denseFrac*float64(nq*kb) {
			w32 := ws.w32[:nq*kb]
			clear(w32)
			for q := range nq {
				for t := ws.off[q]; t < ws.off[q+1]; t++ {
					w32[q*kb+int(ws.idx[t])] = float32(ws.lw[t])
				}
			}
			wy := ws.wy[:nq*n]
			gemm.Sgemm(false, false, nq, n, kb, 1, w32, kb, ys, n, 0, wy, n)
			acc := ws.acc[:nq*n]
			for i, v := range wy {
				acc[i] += float64(v)
			}
			continue
		}
		for q := range nq {
			acc := ws.acc[q*n : (q+1)*n]
			for t := ws.off[q]; t < ws.off[q+1]; t++ {
				wt := ws.lw[t]
				i := int(ws.idx[t])
				y := ys[i*n : i*n+n]
				for j := range acc {
					acc[j] += wt * float64(y[j])
				}
			}
		}
	}
	return nil
}

// distances returns −2·x·y_i for the (centred) queries x and all charges,
// bq×K float32 in ws.dist.
func (e *Exact) distances(ws *workspace, x []float64) []float32 {
	n, k := e.dim, e.k
	nq := len(x) / n
	for i, v := range x {
		ws.xb32[i] = float32(v)
	}
	dist := ws.dist[:nq*k]
	gemm.SgemmPacked(false, nq, -2, ws.xb32[:nq*n], n, e.yp, 0, dist, k)
	return dist
}

// errorModel returns max‖y_i‖² and the scale of the GEMM distances' error:
// typically δ = (4 + √N)·u·(‖x‖² + max‖y‖²) with errScale = (4 + √N)·u, from
// the float32 dot product and the rounding of x to float32. A model, not a
// worst-case bound (that would be N·u), which is why refineTol is small.
// The data are centred, which keeps the norms small.
func (e *Exact) errorModel() (ymax, errScale float64) {
	return e.ymax, (4 + math.Sqrt(float64(e.dim))) * u32
}

// exactDistance is ‖x − y‖² in float64 for a float32 charge.
func exactDistance(x []float64, y []float32) float64 {
	var s float64
	y = y[:len(x)]
	for j, v := range x {
		d := v - float64(y[j])
		s += d * d
	}
	return s
}
