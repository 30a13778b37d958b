//go:build !amd64 || noasm

package gemm

// copyRows copies n rows of width nr from src (row stride ld) to dst (packed,
// stride nr).
func copyRows(dst []float32, nr int, src []float32, ld, n int) {
	copyRowsGo(dst, nr, src, ld, n)
}

// copyRowsNarrow copies n rows of width ≤ 16 from src (row stride ld) to
// dst (row stride stride).
func copyRowsNarrow(dst []float32, stride int, src []float32, ld, n, width int) {
	copyRowsStrided(dst, stride, src, ld, n, width)
}
