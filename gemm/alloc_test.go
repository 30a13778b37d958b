package gemm

import "testing"

// Sgemm must not allocate per tile: a training step calls it thousands of
// times. A few allocations per call (goroutines, pooled buffers) are allowed.
func TestSgemmAllocatesAConstant(t *testing.T) {
	a := make([]float32, 256*256)
	b := make([]float32, 64*784)
	c := make([]float32, 256*784)
	for _, tc := range []struct {
		name string
		f    func()
	}{
		{"conv-like 64×784×64", func() { Sgemm(false, false, 64, 784, 64, 1, a, 64, b, 784, 0, c, 784) }},
		{"ABᵀ 256×256×256", func() { Sgemm(false, true, 256, 256, 256, 1, a, 256, a, 256, 0, c, 256) }},
		{"dot ABᵀ 32×32×196", func() { Sgemm(false, true, 32, 32, 196, 1, a, 196, b, 196, 0, c, 32) }},
		{"small 7×9×5", func() { Sgemm(false, false, 7, 9, 5, 1, a, 5, b, 9, 0, c, 9) }},
	} {
		if n := testing.AllocsPerRun(20, tc.f); n > 4 {
			t.Errorf("%s: %.0f allocations per call, want ≤ 4 (before the fix: one per tile, 127)", tc.name, n)
		}
	}
}
