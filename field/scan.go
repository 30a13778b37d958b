package field

// The scan of the distance matrix. After the distance GEMM every query row
// holds K values −2·x·y_i; at small σ all but a handful of charges lie far
// outside the window of the nearest one, so what the exact field costs
// beyond the GEMM is mostly reading those rows to find the nearest charge
// and the few candidates near it. Done in float64 one element at a time
// that read cost a third of the GEMM; here it is done on t_i = ‖y_i‖² − 2·x·y_i
// in float32, 16 lanes at a time where the CPU has AVX-512, with a margin
// that keeps every charge the float64 test would keep (callers recheck the
// candidates in float64, so the margin only costs a few extra candidates).

import "math"

// scanRows finds each query's squared distance d2min to its nearest charge,
// exactly as a float64 pass over its row of dist would, sets its window
// ws.thr = window(d2min) + 2δ (as the block loop of gemmBlock applies it),
// and lists the candidates:
// the charges whose t_i could put them inside the window. A row with more
// than ws.rowCp candidates is not listed (cend < 0): the block loop then
// scans its blocks against tmax.
//
// Both float32 tests are bounds, not estimates: the float32 sums differ
// from the float64 ones by at most about 2·u32·(|t| + ‖x‖² + max‖y‖²) (the
// rounding of ‖y‖² to float32, of the sum, and of the bound itself), so a
// margin of 4–8 such units keeps every charge the float64 test keeps.
func (e *Exact) scanRows(ws *workspace, dist []float32, nq int, w weighting, ymax, errScale float64) {
	k := e.k
	pos := 0
	for q := range nq {
		row := dist[q*k : (q+1)*k]
		nx := ws.nx[q]
		delta := errScale * (nx + ymax)
		m32 := float64(minPlus(row, e.yn32))
		eps := 8 * u32 * (math.Abs(m32) + nx + ymax)
		// window is increasing, so the window of an upper bound of d2min
		// is an upper bound of the window.
		thrUp := w.window(max(nx+m32+eps, 0)) + 2*delta
		list := ws.cand[pos : pos+ws.rowCp+scanSlack]
		cnt, listed := selectLE(list, row, e.yn32, scanBound(thrUp, nx, ymax), 0)
		ok := listed
		if !listed {
			// The nearest charge is among those within eps of the float32
			// minimum: usually a handful, unless the charges are degenerate.
			cnt, ok = selectLE(list, row, e.yn32, roundUp32(m32+eps), 0)
		}
		m := math.Inf(1)
		if ok {
			for _, i := range list[:cnt] {
				if d := nx + e.ynorm[i] + float64(row[i]); d < m {
					m = d
				}
			}
		} else {
			for i, v := range row {
				if d := nx + e.ynorm[i] + float64(v); d < m {
					m = d
				}
			}
		}
		thr := w.window(max(m, 0)) + 2*delta
		ws.thr[q] = thr
		ws.cbeg[q] = pos
		if listed {
			pos += cnt
			ws.cend[q] = pos
		} else {
			ws.cend[q] = -1
			ws.tmax[q] = scanBound(thr, nx, ymax)
		}
	}
}

// scanBound is the float32 bound on t_i = ‖y_i‖² − 2x·y_i (as the scan
// rounds it) that every charge with a float64 squared distance ≤ thr meets.
func scanBound(thr, nx, ymax float64) float32 {
	return roundUp32(thr - nx + 4*u32*(thr+nx+ymax))
}

// roundUp32 is the smallest float32 ≥ x.
func roundUp32(x float64) float32 {
	f := float32(x)
	if float64(f) < x {
		f = math.Nextafter32(f, float32(math.Inf(1)))
	}
	return f
}

// minPlus returns min_i (a[i] + b[i]) rounded to float32 as a float32 add
// rounds it, for len(a) = len(b) ≥ 1.
func minPlus(a, b []float32) float32 {
	b = b[:len(a)]
	n := 0
	m := a[0] + b[0]
	if useAsmScan && len(a) >= 16 {
		n = len(a) &^ 15
		m = minPlusAsm(&a[0], &b[0], n)
	}
	for i := n; i < len(a); i++ {
		m = min(m, a[i]+b[i])
	}
	return m
}

// selectLE writes into idx, in increasing order, base+i for every i with
// a[i] + b[i] ≤ thr (float32 add and compare) and returns their count. It
// needs 16 entries of idx as slack for whole-vector stores, so it gives up
// (ok false, idx partly overwritten) when the count would exceed len(idx)−16.
func selectLE(idx []int32, a, b []float32, thr float32, base int32) (cnt int, ok bool) {
	b = b[:len(a)]
	limit := len(idx) - scanSlack
	if limit < 0 {
		return 0, false
	}
	n := 0
	if useAsmScan && len(a) >= 16 {
		n = len(a) &^ 15
		cnt = selectLEAsm(&a[0], &b[0], n, thr, base, &idx[0], limit)
		if cnt < 0 {
			return 0, false
		}
	}
	for i := n; i < len(a); i++ {
		if a[i]+b[i] <= thr {
			if cnt == limit {
				return 0, false
			}
			idx[cnt] = base + int32(i)
			cnt++
		}
	}
	return cnt, true
}

// scanSlack is the room selectLE needs past the indices it keeps.
const scanSlack = 16
