//go:build amd64 && !noasm

package gemm

import "golang.org/x/sys/cpu"

// avx512BF16Kernel is the AVX-512 14×32 tile with VDPBF16PS in place of
// VFMADD231PS: each k step of the loop consumes a pair of bfloat16 k steps,
// so kc counts twice the k of the float32 kernel for the same panel bytes.
var avx512BF16Kernel = &kernel{
	name: "avx512bf16",
	mr:   14, nr: 32,
	kc: 1024, mc: 112, nc: 4096,
	directRows: 0, // B is always packed: it must be converted to pairs
	pairs:      true,
	tile:       avx512BF16Tile14x32,
}

// bf16Kernel is the hardware bfloat16 kernel, or nil where the CPU lacks
// AVX512_BF16.
func bf16Kernel() *kernel {
	if _, avx512 := cpuFeatures(); avx512 && cpu.X86.HasAVX512BF16 {
		return avx512BF16Kernel
	}
	return nil
}

func avx512BF16Tile14x32(kc int, a, b []float32, ldb int, c []float32, ldc int, alpha, beta float32, rows, cols int) {
	kp := (kc + 1) / 2
	_ = a[14*kp-1]
	_ = b[(kp-1)*ldb+31]
	_ = c[(rows-1)*ldc+cols-1]
	avx512bf16Kernels14x32[rows](kp, &a[0], &b[0], &c[0], ldb, ldc, alpha, beta, &tileMasks[cols][0])
}
