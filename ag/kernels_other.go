//go:build !amd64

package ag

// useAVX512 is false: there is no assembly for this architecture.
const useAVX512 = false

func sumSqAVX512(x *float32, n int, k float32, acc *[32]float32)  { panic("unreachable") }
func affineSiLUAVX512(dst, sg, src *float32, n int, a, b float32) { panic("unreachable") }
func gnSiLUBackAVX512(gg, dy, x *float32, n int, a, sh, mean float32, acc *[32]float32) {
	panic("unreachable")
}
func gnDxAVX512(d, gg, x *float32, n int, a, c0, c1 float32, ow int) { panic("unreachable") }

func im2col3RowsAVX512(r0, r1, r2, xc *float32, h, w, ky int, masks *[6]uint16) {
	panic("unreachable")
}
