package yukawa

import "math"

// workspace holds one goroutine's per-charge buffers.
type workspace struct {
	lw, r, lc []float64
	acc       []float64
}

func (f *Field) newWorkspace(coulomb bool) *workspace {
	ws := &workspace{lw: make([]float64, f.nc), r: make([]float64, f.nc), acc: make([]float64, f.dim)}
	if coulomb {
		ws.lc = make([]float64, f.nc)
	}
	return ws
}

// evalBlock is the hot loop: queries lo…hi−1 against every charge, two
// passes (log-weights and their maximum, then the normalised sums). ts
// holds one t for all queries or one per query.
func (f *Field) evalBlock(ws *workspace, x, ts []float64, den, lambda, logRatio []float64, lo, hi int) {
	dim, k := f.dim, f.k
	halfD := k.d / 2
	prof := k.prof
	wantR := lambda != nil
	for q := lo; q < hi; q++ {
		t := ts[0]
		if len(ts) > 1 {
			t = ts[q]
		}
		t2 := t * t
		xq := x[q*dim : (q+1)*dim]
		maxW, maxC := math.Inf(-1), math.Inf(-1)
		for i := range f.nc {
			yi := f.y[i*dim : (i+1)*dim]
			var d2 float64
			for j, v := range yi {
				e := xq[j] - v
				d2 += e * e
			}
			rho2 := d2 + t2
			l2 := math.Log(rho2) // log ρ²
			lc := -halfD * l2    // Coulomb: −d·log ρ
			lw := lc
			if prof != nil {
				lh, r := prof.evalZ(0.5*l2+k.logM, k.p.M*math.Sqrt(rho2), wantR)
				lw += lh
				ws.r[i] = r
			}
			ws.lw[i] = lw
			maxW = max(maxW, lw)
			if ws.lc != nil {
				ws.lc[i] = lc
				maxC = max(maxC, lc)
			}
		}
		acc := ws.acc
		clear(acc)
		var s, sr float64
		for i := range f.nc {
			w := math.Exp(ws.lw[i] - maxW)
			s += w
			if prof != nil {
				sr += w * ws.r[i]
			}
			yi := f.y[i*dim : (i+1)*dim]
			for j, v := range yi {
				acc[j] += w * v
			}
		}
		out := den[q*dim : (q+1)*dim]
		for j := range out {
			out[j] = acc[j] / s
		}
		if lambda != nil {
			lambda[q] = sr / (s * t)
		}
		if logRatio != nil {
			var sc float64
			for _, lc := range ws.lc {
				sc += math.Exp(lc - maxC)
			}
			logRatio[q] = maxW + math.Log(s) - maxC - math.Log(sc)
		}
	}
}
