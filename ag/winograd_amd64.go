package ag

// AVX-512 Winograd transforms (winograd_amd64.s); the callers in
// winograd_tiles.go and winograd_kernels.go check the lengths.

//go:noescape
func winoB4AVX512(o0, o1, o2, o3, a0, a1, a2, a3 *float32, n int)

//go:noescape
func winoGradInRowsAVX512(dx, q *float32, n, tw, th, h, w, lo, hi, tm, ow int)

//go:noescape
func winoInputFusedAVX512(v *float32, sx int, x *float32, h, w, tw, lo, hi, tm int)

//go:noescape
func winoGradOutFusedAVX512(dm *float32, sx int, dy *float32, h, w, tw, lo, hi, tm int, sum *float32)

//go:noescape
func winoOutputFusedAVX512(y, m *float32, sx, h, w, tw int, bias float32, lo, hi, tm int)
