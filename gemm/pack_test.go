package gemm

import (
	"math"
	"testing"
)

// copyRowsNarrow (a masked vector copy where AVX-512 runs) must copy
// exactly width floats a row: the lanes beyond width are neither written
// in dst nor read from src (a NaN there would show if they were).
func TestCopyRowsNarrow(t *testing.T) {
	const n, ld, stride = 7, 21, 18
	src := make([]float32, (n-1)*ld+21)
	for i := range src {
		src[i] = float32(i)
	}
	for width := 1; width <= 16; width++ {
		s := append([]float32(nil), src...)
		for k := range n { // poison what must not be read
			for j := width; j < ld && k*ld+j < len(s); j++ {
				s[k*ld+j] = float32(math.NaN())
			}
		}
		dst := make([]float32, (n-1)*stride+18)
		for i := range dst {
			dst[i] = -1
		}
		copyRowsNarrow(dst, stride, s, ld, n, width)
		for k := range n {
			for j := 0; j < stride && k*stride+j < len(dst); j++ {
				want := float32(-1)
				if j < width {
					want = src[k*ld+j]
				}
				if got := dst[k*stride+j]; got != want {
					t.Fatalf("width %d: dst row %d col %d = %v, want %v", width, k, j, got, want)
				}
			}
		}
	}
}
