//go:build !amd64

package ag

// No assembly for this architecture: useAVX512 is false and the Go steps
// in winograd_kernels.go run instead.

func winoBT4AVX512(o0, o1, o2, o3, a0, a1, a2, a3 *float32, n int) { panic("unreachable") }
func winoAT2AVX512(o0, o1, a0, a1, a2, a3 *float32, n int)         { panic("unreachable") }
func winoA4AVX512(o0, o1, o2, o3, a0, a1 *float32, n int)          { panic("unreachable") }
func winoB4AVX512(o0, o1, o2, o3, a0, a1, a2, a3 *float32, n int)  { panic("unreachable") }

func winoOutRowsAVX512(y, s *float32, n, tw, h, w int, bias float32, lo, hi, tm int) {
	panic("unreachable")
}
func winoGradOutRowsAVX512(c *float32, n, tw int, dy *float32, h, w, lo, hi, tm int, sum *float32) {
	panic("unreachable")
}
func winoGradInRowsAVX512(dx, q *float32, n, tw, th, h, w, lo, hi, tm, ow int) {
	panic("unreachable")
}
func winoInputFusedAVX512(v *float32, sx int, x *float32, h, w, tw, lo, hi, tm int) {
	panic("unreachable")
}
