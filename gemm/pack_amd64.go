//go:build amd64 && !noasm

package gemm

//go:noescape
func copyRows32(dst, src *float32, ld, n int)

//go:noescape
func copyRows16(dst, src *float32, ld, n int)

// copyRows copies n rows of width nr from src (row stride ld) to dst (packed,
// stride nr). Widths 32 and 16 belong to the AVX-512 and AVX2 kernels, so the
// CPU is known to have the instructions their copy loops use.
func copyRows(dst []float32, nr int, src []float32, ld, n int) {
	if n == 0 {
		return
	}
	_ = dst[n*nr-1]
	_ = src[(n-1)*ld+nr-1]
	switch nr {
	case 32:
		copyRows32(&dst[0], &src[0], ld, n)
	case 16:
		copyRows16(&dst[0], &src[0], ld, n)
	default:
		copyRowsGo(dst, nr, src, ld, n)
	}
}
