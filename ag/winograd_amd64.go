package ag

// AVX-512 steps of the Winograd transforms (winograd_amd64.s); the callers
// in winograd_kernels.go check the lengths.

//go:noescape
func winoBT4AVX512(o0, o1, o2, o3, a0, a1, a2, a3 *float32, n int)

//go:noescape
func winoAT2AVX512(o0, o1, a0, a1, a2, a3 *float32, n int)

//go:noescape
func winoA4AVX512(o0, o1, o2, o3, a0, a1 *float32, n int)

//go:noescape
func winoB4AVX512(o0, o1, o2, o3, a0, a1, a2, a3 *float32, n int)

//go:noescape
func winoOutRowsAVX512(y, s *float32, n, tw, h, w int, bias float32, lo, hi, tm int)

//go:noescape
func winoGradOutRowsAVX512(c *float32, n, tw int, dy *float32, h, w, lo, hi, tm int, sum *float32)

//go:noescape
func winoGradInRowsAVX512(dx, q *float32, n, tw, th, h, w, lo, hi, tm, ow int)

//go:noescape
func winoInputFusedAVX512(v *float32, sx int, x *float32, h, w, tw, lo, hi, tm int)
