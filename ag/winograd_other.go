//go:build !amd64

package ag

// No assembly for this architecture: useAVX512 is false and the Go steps
// in winograd_kernels.go run instead.

func winoInputFusedAVX512(v *float32, sx int, x *float32, h, w, tw, lo, hi, tm int) {
	panic("unreachable")
}
func winoGradOutFusedAVX512(dm *float32, sx int, dy *float32, h, w, tw, lo, hi, tm int, sum *float32) {
	panic("unreachable")
}
func winoOutputFusedAVX512(y, m *float32, sx, h, w, tw int, bias float32, lo, hi, tm int) {
	panic("unreachable")
}
func winoGradInFusedAVX512(dx, dv *float32, sx, h, w, tw, lo, hi, tm, ow int) {
	panic("unreachable")
}
