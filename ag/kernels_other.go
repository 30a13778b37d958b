//go:build !amd64

package ag

// useAVX512 is false: there is no assembly for this architecture.
const useAVX512 = false

func sumLanesAVX512(x *float32, n, mask int, acc *[16]float32)                  { panic("unreachable") }
func sqDevLanesAVX512(x *float32, n int, m float32, mask int, acc *[16]float32) { panic("unreachable") }
func siluAffineAVX512(dst, src *float32, hw, nch int, a, b *float32, mask, pf int) {
	panic("unreachable")
}
func siluBackAVX512(gg, dy, x *float32, hw, nch int, a, b *float32, mean float32, mask int, sums *float32, pf int) {
	panic("unreachable")
}
func affineCombAVX512(d, gg, x *float32, hw, nch int, a *float32, c0, c1 float32, ow, mask, pf int) {
	panic("unreachable")
}

func im2col3RowsAVX512(r0, r1, r2, xc *float32, h, w, ky int, masks *[6]uint16) {
	panic("unreachable")
}

func addScaleAVX512(d, a, b *float32, n int, s float32, mask int) { panic("unreachable") }
func scale2AVX512(d1, d2, gg *float32, n int, s float32, ow1, ow2, mask int) {
	panic("unreachable")
}

func addToAVX512(d, s *float32, n, mask int) { panic("unreachable") }

func pool2AVX512(dst, src *float32, rows, wo int, s float32, ow int, tab *[32]int32, masks *[3]uint16) {
	panic("unreachable")
}
func spread2AVX512(dst, src *float32, rows, w int, s float32, ow int, tab *[32]int32, masks *[3]uint16) {
	panic("unreachable")
}

func softmaxRowAVX512(r *float32, n, mask int) { panic("unreachable") }
