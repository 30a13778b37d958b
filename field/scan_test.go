package field

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// randomRow is a row of the scan's inputs: a like −2·x·y, b like ‖y‖².
func randomRow(rng *rand.Rand, n int) (a, b []float32) {
	a = make([]float32, n)
	b = make([]float32, n)
	for i := range a {
		a[i] = float32(-2 * 30 * rng.NormFloat64())
		b[i] = float32(784 + 40*rng.NormFloat64())
	}
	return a, b
}

// scanLengths cover the vector width (16), the 64-element unrolled loop and
// every remainder around them, plus a charge-sized row.
func scanLengths() []int {
	var ns []int
	for n := 1; n <= 140; n++ {
		ns = append(ns, n)
	}
	return append(ns, 511, 512, 513, 1000, 10007)
}

// minPlusGo and selectLEGo are the reference loops the assembly must match.
func minPlusGo(a, b []float32) float32 {
	m := a[0] + b[0]
	for i := range a {
		m = min(m, a[i]+b[i])
	}
	return m
}

func selectLEGo(idx []int32, a, b []float32, thr float32, base int32) (cnt int, ok bool) {
	limit := len(idx) - scanSlack
	for i := range a {
		if a[i]+b[i] <= thr {
			if cnt == limit {
				return 0, false
			}
			idx[cnt] = base + int32(i)
			cnt++
		}
	}
	return cnt, limit >= 0
}

func TestMinPlusMatchesLoop(t *testing.T) {
	t.Logf("assembly scan: %v", useAsmScan)
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range scanLengths() {
		for rep := range 3 {
			a, b := randomRow(rng, n)
			// Put the minimum at the first, the last or a random element,
			// so that every lane, the head and the tail are exercised.
			j := []int{0, n - 1, rng.IntN(n)}[rep]
			a[j] = -5000
			if got, want := minPlus(a, b), minPlusGo(a, b); got != want {
				t.Fatalf("n=%d min at %d: got %v, want %v", n, j, got, want)
			}
		}
	}
}

func TestSelectLEMatchesLoop(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range scanLengths() {
		a, b := randomRow(rng, n)
		sums := make([]float32, n)
		for i := range a {
			sums[i] = a[i] + b[i]
		}
		sorted := slices.Sorted(slices.Values(sums))
		// Thresholds that keep nothing, one, a few, about half and all
		// elements; each but the first equals some element's sum exactly, and
		// that element must be kept (the test is ≤).
		for _, thr := range []float32{sorted[0] - 1, sorted[0], sorted[min(3, n-1)], sorted[n/2], sorted[n-1]} {
			base := int32(rng.IntN(1000))
			want := make([]int32, n+scanSlack)
			wc, wok := selectLEGo(want, a, b, thr, base)
			got := make([]int32, n+scanSlack)
			gc, gok := selectLE(got, a, b, thr, base)
			if !wok || !gok || gc != wc || !slices.Equal(got[:gc], want[:wc]) {
				t.Fatalf("n=%d thr=%v: got %d %v %v, want %d %v %v", n, thr, gc, gok, got[:gc], wc, wok, want[:wc])
			}
			for _, i := range got[:gc] {
				if s := sums[i-base]; s > thr {
					t.Fatalf("n=%d: kept %d with sum %v > %v", n, i, s, thr)
				}
			}
			var kept int
			for _, s := range sums {
				if s <= thr {
					kept++
				}
			}
			if gc != kept {
				t.Fatalf("n=%d thr=%v: kept %d, want %d", n, thr, gc, kept)
			}
		}
	}
}

// TestSelectLEOverflow: the count may reach len(idx)−16 but not exceed it.
func TestSelectLEOverflow(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{5, 16, 40, 64, 100, 1000} {
		a, b := randomRow(rng, n)
		thr := float32(1e30) // keeps everything
		for _, room := range []int{0, n - 1, n, n + 1} {
			if room < 0 {
				continue
			}
			idx := make([]int32, room+scanSlack)
			cnt, ok := selectLE(idx, a, b, thr, 0)
			if wantOK := n <= room; ok != wantOK || (ok && cnt != n) {
				t.Fatalf("n=%d room=%d: got %d %v, want ok=%v", n, room, cnt, ok, wantOK)
			}
		}
		if _, ok := selectLE(make([]int32, scanSlack-1), a, b, thr, 0); ok {
			t.Fatalf("n=%d: a buffer shorter than the slack must fail", n)
		}
	}
}

// TestScanBoundMargin puts a charge exactly on the float64 threshold
// (d = ‖x‖² + ‖y‖² − 2x·y computed as the block loop computes it) over
// magnitudes from 10⁻³ to 10⁶ and heavy cancellation, and checks that the
// float32 sum the scan compares still passes the float32 bound.
func TestScanBoundMargin(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for trial := range 200000 {
		scale := math.Pow(10, -3+9*rng.Float64())
		nx := scale * rng.Float64()
		yn := scale * rng.Float64()
		ymax := yn * (1 + rng.Float64())
		// −2x·y is anywhere in [−2‖x‖‖y‖, 2‖x‖‖y‖]; near the bottom the
		// distance cancels to almost nothing.
		c := 1 - math.Pow(rng.Float64(), 4)*2
		if trial%2 == 0 {
			c = 1 - 1e-4*rng.Float64()
		}
		v := float32(-2 * c * math.Sqrt(nx*yn))
		thr := max(nx+yn+float64(v), 0)
		if got, bound := float32(yn)+v, scanBound(thr, nx, ymax); got > bound {
			t.Fatalf("nx=%g ‖y‖²=%g v=%g: t=%v above the bound %v for d = thr = %g", nx, yn, v, got, bound, thr)
		}
	}
}

// TestScanRowsKeepsFloat64Window checks scanRows against a float64 pass over
// every row: the same window (from the same nearest charge), and every charge the float64 window
// test keeps among the candidates, whether the row is listed or scanned per
// block (rowCp small), with duplicated charges (ties for the nearest) and
// with σ chosen so that a charge sits on the window's edge.
func TestScanRowsKeepsFloat64Window(t *testing.T) {
	const n, k, nq = 40, 700, 24
	rng := rand.New(rand.NewPCG(9, 10))
	ys := randomCharges(rng, k, n)
	for i := range 50 { // charge 2i+1 duplicates charge 2i
		copy(ys[(2*i+1)*n:(2*i+2)*n], ys[2*i*n:(2*i+1)*n])
	}
	same := make([]float64, k*n) // every charge at the same point
	for i := range same {
		same[i] = float64(i % n)
	}
	for _, tc := range []struct {
		name    string
		charges []float64
	}{{"random", ys}, {"identical", same}} {
		for _, D := range []float64{math.Inf(1), 128} {
			e, err := New(tc.charges, n, D)
			if err != nil {
				t.Fatal(err)
			}
			x := queriesNear(rng, tc.charges, n, nq, 0.3)
			ws := e.newWorkspace(nq)
			ws.attach(e)
			for i, v := range x { // as block does
				ws.xc[i] = v - e.mu[i%n]
			}
			for q := range nq {
				ws.nx[q] = exactDistance(ws.xc[q*n:(q+1)*n], make([]float32, n))
			}
			dist := e.distances(ws, ws.xc[:nq*n])
			ymax, errScale := e.errorModel()
			defer ws.detach(e)
			d := make([]float64, k)
			for _, sigma := range []float64{1e-3, 0.3, 1, 30, 0} {
				for _, rowCp := range []int{ws.rowCp, 3} {
					ws.rowCp = rowCp
					for q := range nq {
						row := dist[q*k : (q+1)*k]
						nx := ws.nx[q]
						m := math.Inf(1)
						for i, v := range row {
							d[i] = nx + e.ynorm[i] + float64(v)
							m = min(m, d[i])
						}
						w := weighting{inf: true, inv2s2: 1 / (2 * sigma * sigma)}
						if sigma == 0 {
							// The edge case: the window of query q ends on
							// its 5th nearest charge.
							s := slices.Sorted(slices.Values(d))
							w.inv2s2 = cut / max(s[4]-max(m, 0)-2*errScale*(nx+ymax), 1e-300)
						}
						if !math.IsInf(D, 1) {
							w = weighting{a: (n + D) / 2, r2: D / (2 * w.inv2s2)}
						}
						e.scanRows(ws, dist, nq, w, ymax, errScale)
						thr := w.window(max(m, 0)) + 2*errScale*(nx+ymax)
						if ws.thr[q] != thr {
							t.Fatalf("%s D=%v σ=%v q=%d: window %v, want %v", tc.name, D, sigma, q, ws.thr[q], thr)
						}
						cand := make(map[int]bool)
						if ws.cend[q] >= 0 {
							for _, i := range ws.cand[ws.cbeg[q]:ws.cend[q]] {
								cand[int(i)] = true
							}
						} else {
							for i, v := range row {
								if e.yn32[i]+v <= ws.tmax[q] {
									cand[i] = true
								}
							}
						}
						for i, di := range d {
							if max(di, 0) <= thr && !cand[i] {
								t.Fatalf("%s D=%v σ=%v q=%d rowCp=%d: charge %d (d²=%v ≤ %v) not a candidate", tc.name, D, sigma, q, rowCp, i, di, thr)
							}
						}
					}
				}
			}
		}
	}
}
