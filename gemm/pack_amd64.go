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

//go:noescape
func copyRowsMasked(dst, src *float32, ld, n, stride int, mask uint16)

// hasMaskedCopy is whether copyRowsMasked's AVX-512 instructions run here;
// fixed at start-up like bestKernel.
var hasMaskedCopy = func() bool { _, avx512 := cpuFeatures(); return avx512 }()

// copyRowsNarrow copies n rows of width ≤ 16 from src (row stride ld) to
// dst (row stride stride): a transposed A's k steps into an A panel. One
// masked vector load and store a row replaces a call to copy (memmove) for
// 56 bytes, whose call cost was most of packA's time on the Winograd
// products' small weight matrices.
func copyRowsNarrow(dst []float32, stride int, src []float32, ld, n, width int) {
	if n == 0 || width == 0 {
		return
	}
	_ = dst[(n-1)*stride+width-1]
	_ = src[(n-1)*ld+width-1]
	if !hasMaskedCopy || width > 16 {
		copyRowsStrided(dst, stride, src, ld, n, width)
		return
	}
	copyRowsMasked(&dst[0], &src[0], ld, n, stride, uint16(1)<<width-1)
}
