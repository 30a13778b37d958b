package ag

import "golang.org/x/sys/cpu"

// useAVX512 selects the assembly GroupNorm/SiLU and im2col kernels. It is
// set once, from the CPU, and never changed; tests choose a path by the
// kernels' vec parameter instead.
var useAVX512 = cpu.X86.HasAVX512F

// The GroupNorm/SiLU kernels (gn_amd64.s) take any length: mask is
// 1<<(len%16) − 1 for the last, partial vector (see tailMask).

//go:noescape
func sumLanesAVX512(x *float32, n, mask int, acc *[16]float32)

//go:noescape
func sqDevLanesAVX512(x *float32, n int, m float32, mask int, acc *[16]float32)

//go:noescape
func siluAffineAVX512(dst, src *float32, hw, nch int, a, b *float32, mask, pf int)

//go:noescape
func siluBackAVX512(gg, dy, x *float32, hw, nch int, a, b *float32, mean float32, mask int, sums *float32, pf int)

//go:noescape
func affineCombAVX512(d, gg, x *float32, hw, nch int, a *float32, c0, c1 float32, ow, mask, pf int)

//go:noescape
func im2col3RowsAVX512(r0, r1, r2, xc *float32, h, w, ky int, masks *[6]uint16)

//go:noescape
func addScaleAVX512(d, a, b *float32, n int, s float32, mask int)

//go:noescape
func scale2AVX512(d1, d2, gg *float32, n int, s float32, ow1, ow2, mask int)

//go:noescape
func addToAVX512(d, s *float32, n, mask int)

//go:noescape
func pool2AVX512(dst, src *float32, rows, wo int, s float32, ow int, tab *[32]int32, masks *[3]uint16)

//go:noescape
func spread2AVX512(dst, src *float32, rows, w int, s float32, ow int, tab *[32]int32, masks *[3]uint16)

//go:noescape
func softmaxRowAVX512(r *float32, n, mask int)
