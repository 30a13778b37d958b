//go:build !amd64 || noasm

package gemm

// interleaveFast reports false: this build has no vector transpose.
func interleaveFast(dst []float32, stride, n int, src func(i int) []float32, first, count int) bool {
	return false
}
