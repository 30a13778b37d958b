package gemm

import (
	"slices"
	"time"
)

// BF16Speedup measures how much faster this CPU's bfloat16 kernel
// multiplies than its float32 kernel, per floating-point operation: the
// best of several short runs of each register tile on cache-resident
// panels (about 20 ms in all). It is 0 where the CPU has no bfloat16
// kernel (HasBF16 is false). Above 1, SgemmBF16 is the faster product;
// below 1 it costs time. (On a core whose VDPBF16PS issues at a quarter
// of the FMA rate, as on the AVX512_FP16-class Xeon of docs/ENGINE.md, it
// is near 0.5: the dot product does twice an FMA's work per lane.)
func BF16Speedup() float64 {
	kb := bf16Kernel()
	if kb == nil {
		return 0
	}
	return tileRate(kb) / tileRate(bestKernel)
}

// tileRate is the best rate, in flops per nanosecond, of kn's full tile
// over 7 runs of 200 calls on panels of 256 k steps.
func tileRate(kn *kernel) float64 {
	const kc, calls, runs = 256, 200, 7
	a := make([]float32, kn.mr*kc)
	b := make([]float32, kn.nr*kc)
	c := make([]float32, kn.mr*kn.nr)
	for i := range a {
		a[i] = 1.0 / 1024
	}
	for i := range b {
		b[i] = 1.0 / 1024
	}
	rates := make([]float64, runs)
	for r := range rates {
		start := time.Now()
		for range calls {
			kn.tile(kc, a, b, kn.nr, c, kn.nr, 1, 1, kn.mr, kn.nr)
		}
		rates[r] = 2 * float64(kn.mr*kn.nr*kc*calls) / float64(max(time.Since(start).Nanoseconds(), 1))
	}
	return slices.Max(rates)
}
