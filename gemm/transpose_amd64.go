//go:build amd64 && !noasm

package gemm

// hasAVX512 is fixed at start-up: whether transpose16AVX512 may run.
var hasAVX512 = func() bool { _, a := cpuFeatures(); return a }()

// interleaveFast is interleave of sources first..first+count−1 (count ≤ 16) on AVX-512 CPUs: runs
// of 16 k steps are transposed in registers (transpose16AVX512), the last
// n mod 16 steps in Go. It reports false, having written nothing, when it
// does not apply.
func interleaveFast(dst []float32, stride, n int, src func(i int) []float32, first, count int) bool {
	if !hasAVX512 || count < 4 || count > 16 || stride < count || n < 16 {
		return false
	}
	var rows [16]*float32
	for i := range 16 {
		s := src(first + min(i, count-1))[:n] // rows past count repeat the last; the mask drops them
		rows[i] = &s[0]
	}
	blocks := n / 16
	_ = dst[(blocks*16-1)*stride+count-1]
	transpose16AVX512(&dst[0], stride, &rows, blocks, uint16(1<<count-1))
	if blocks*16 == n {
		return true
	}
	for i := range count {
		s := src(first + i)[blocks*16 : n]
		d := dst[blocks*16*stride+i:]
		for k, v := range s {
			d[k*stride] = v
		}
	}
	return true
}
