//go:build !amd64

package ag

// No assembly for this architecture: useAVX512 is false and the Go steps
// in winograd_kernels.go run instead.

func winoB4AVX512(o0, o1, o2, o3, a0, a1, a2, a3 *float32, n int) { panic("unreachable") }

func winoGradInRowsAVX512(dx, q *float32, n, tw, th, h, w, lo, hi, tm, ow int) {
	panic("unreachable")
}
func winoInputFusedAVX512(v *float32, sx int, x *float32, h, w, tw, lo, hi, tm int) {
	panic("unreachable")
}
func winoGradOutFusedAVX512(dm *float32, sx int, dy *float32, h, w, tw, lo, hi, tm int, sum *float32) {
	panic("unreachable")
}
func winoOutputFusedAVX512(y, m *float32, sx, h, w, tw int, bias float32, lo, hi, tm int) {
	panic("unreachable")
}
