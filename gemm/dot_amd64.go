//go:build amd64 && !noasm

package gemm

import "golang.org/x/sys/cpu"

// dotKernel4xN computes rows ≤ 4 rows × N columns of C; see dotBlockFunc.
type dotKernel func(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, alpha, beta float32, rows int)

//go:noescape
func dotKernel4x1(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, alpha, beta float32, rows int)

//go:noescape
func dotKernel4x2(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, alpha, beta float32, rows int)

//go:noescape
func dotKernel4x3(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, alpha, beta float32, rows int)

//go:noescape
func dotKernel4x4(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, alpha, beta float32, rows int)

//go:noescape
func dotKernel4x5(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, alpha, beta float32, rows int)

//go:noescape
func dotKernel4x6(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, alpha, beta float32, rows int)

// dotKernels[n] is the block of n columns (rows of B).
var dotKernels = [dotNR + 1]dotKernel{nil, dotKernel4x1, dotKernel4x2, dotKernel4x3, dotKernel4x4, dotKernel4x5, dotKernel4x6}

// dotAsm returns the AVX-512 dot block (which also uses BMI2's SHLX for its
// lane masks) when the CPU runs it.
func dotAsm() dotBlockFunc {
	if _, avx512 := cpuFeatures(); avx512 && cpu.X86.HasBMI2 {
		return dotBlockAVX512
	}
	return nil
}

// dotBlockAVX512 is dotBlockGo in assembly (dot_amd64.s, from gen_dot.go).
// Rows of A beyond rows are not read: the kernel repeats the last valid
// row instead, and stores only rows rows; one routine per cols.
func dotBlockAVX512(k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, alpha, beta float32, rows, cols int) {
	_ = a[(rows-1)*lda+k-1]
	_ = b[(cols-1)*ldb+k-1]
	_ = c[(rows-1)*ldc+cols-1]
	dotKernels[cols](k, &a[0], lda, &b[0], ldb, &c[0], ldc, alpha, beta, rows)
}
