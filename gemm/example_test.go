package gemm_test

import (
	"fmt"
	"slices"

	"github.com/pfgm/pfgm/gemm"
)

func ExampleSgemm() {
	// A is 2×3, B is 3×2, both row-major; C = A·B.
	a := []float32{
		1, 2, 3,
		4, 5, 6,
	}
	b := []float32{
		1, 0,
		0, 1,
		1, 1,
	}
	c := make([]float32, 2*2)
	gemm.Sgemm(false, false, 2, 2, 3, 1, a, 3, b, 2, 0, c, 2)
	fmt.Println(c)

	// The transpose flags read A as Aᵀ without copying it: AᵀA is 3×3.
	ata := make([]float32, 3*3)
	gemm.Sgemm(true, false, 3, 3, 2, 1, a, 3, a, 3, 0, ata, 3)
	fmt.Println(ata)
	// Output:
	// [4 5 10 11]
	// [17 22 27 22 29 36 27 36 45]
}

func ExamplePackB() {
	// B (3×2) is packed once and then multiplied by several A (each ?×3).
	b := []float32{
		1, 0,
		0, 1,
		1, 1,
	}
	pb := gemm.PackB(false, 3, 2, b, 2)
	for _, a := range [][]float32{{1, 2, 3}, {4, 5, 6}} {
		c := make([]float32, 2)
		gemm.SgemmPacked(false, 1, 1, a, 3, pb, 0, c, 2)
		fmt.Println(c)
	}
	// Output:
	// [4 5]
	// [10 11]
}

func ExampleSgemmThreads() {
	// The same product on one and on three goroutines gives the same bits.
	const m, n, k = 64, 48, 300
	a, b := make([]float32, m*k), make([]float32, k*n)
	for i := range a {
		a[i] = float32(i%7) * 0.1
	}
	for i := range b {
		b[i] = float32(i%5) * 0.3
	}
	one, three := make([]float32, m*n), make([]float32, m*n)
	gemm.SgemmThreads(1, false, false, m, n, k, 1, a, k, b, n, 0, one, n)
	gemm.SgemmThreads(3, false, false, m, n, k, 1, a, k, b, n, 0, three, n)
	fmt.Println(slices.Equal(one, three))
	// Output: true
}
