package field

import (
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
