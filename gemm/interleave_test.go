package gemm

import "testing"

// TestInterleaveMatchesDefinition checks dst[k·stride+i] = src[i][k] for
// every source count a panel can have (the vector transpose handles 4 to 16
// at a time, 17 to 32 in two parts), run lengths around multiples of 16,
// and that nothing past the count columns of dst is written.
func TestInterleaveMatchesDefinition(t *testing.T) {
	const ld = 61
	src := make([]float32, 32*ld)
	for i := range src {
		src[i] = float32(i + 1)
	}
	row := func(i int) []float32 { return src[i*ld:] }
	for count := 1; count <= 32; count++ {
		for _, stride := range []int{count, count + 3, 32} {
			if stride < count {
				continue
			}
			for _, n := range []int{1, 15, 16, 17, 32, 47, 48, 60} {
				dst := make([]float32, n*stride)
				for i := range dst {
					dst[i] = -1
				}
				interleave(dst, stride, n, row, count)
				for k := range n {
					for i := range stride {
						want := float32(-1)
						if i < count {
							want = src[i*ld+k]
						}
						if got := dst[k*stride+i]; got != want {
							t.Fatalf("count %d stride %d n %d: dst[%d·stride+%d] = %v, want %v", count, stride, n, k, i, got, want)
						}
					}
				}
			}
		}
	}
}
