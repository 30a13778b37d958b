package ag

import "golang.org/x/sys/cpu"

// useAVX512 selects the assembly GroupNorm/SiLU kernels. It is set once,
// from the CPU, and never changed; tests choose a path by the kernels' vec
// parameter instead.
var useAVX512 = cpu.X86.HasAVX512F

//go:noescape
func sumSqAVX512(x *float32, n int, k float32, acc *[32]float32)

//go:noescape
func affineSiLUAVX512(dst, sg, src *float32, n int, a, b float32)

//go:noescape
func gnSiLUBackAVX512(gg, dy, x *float32, n int, a, sh, mean float32, acc *[32]float32)

//go:noescape
func gnDxAVX512(d, gg, x *float32, n int, a, c0, c1 float32, ow int)

//go:noescape
func im2col3RowsAVX512(r0, r1, r2, xc *float32, h, w, ky int, masks *[6]uint16)
