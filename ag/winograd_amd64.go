package ag

// AVX-512 Winograd transforms (winograd_amd64.s); the callers in
// winograd_tiles.go and winograd_kernels.go check the lengths.

//go:noescape
func winoInputFusedAVX512(v *float32, sx int, x *float32, h, w, tw, lo, hi, tm int)

//go:noescape
func winoGradOutFusedAVX512(dm *float32, sx int, dy *float32, h, w, tw, lo, hi, tm int, sum *float32)

//go:noescape
func winoOutputFusedAVX512(y, m *float32, sx, h, w, tw int, bias float32, lo, hi, tm int)

//go:noescape
func winoGradInFusedAVX512(dx, dv *float32, sx, h, w, tw, lo, hi, tm, ow int)
