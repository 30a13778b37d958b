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
