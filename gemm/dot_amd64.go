//go:build amd64 && !noasm

package gemm

import "golang.org/x/sys/cpu"

//go:noescape
func dotKernel4x6(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, alpha, beta float32, rows, cols int)

// dotAsm returns the AVX-512 dot block (which also uses BMI2's SHLX for its
// lane masks) when the CPU runs it.
func dotAsm() dotBlockFunc {
	if _, avx512 := cpuFeatures(); avx512 && cpu.X86.HasBMI2 {
		return dotBlockAVX512
	}
	return nil
}

// dotBlockAVX512 is dotBlockGo in assembly (dot_amd64.s, from gen_dot.go).
// Rows of A beyond rows and of B beyond cols are not read: the kernel
// repeats the last valid row instead, and masks the stores.
func dotBlockAVX512(k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, alpha, beta float32, rows, cols int) {
	_ = a[(rows-1)*lda+k-1]
	_ = b[(cols-1)*ldb+k-1]
	_ = c[(rows-1)*ldc+cols-1]
	dotKernel4x6(k, &a[0], lda, &b[0], ldb, &c[0], ldc, alpha, beta, rows, cols)
}
