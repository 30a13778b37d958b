package metrics

import "gonum.org/v1/gonum/mat"

// gramBlock is the number of rows of the left set whose inner products
// with the whole right set are held at once (a 256 × n float64 block).
const gramBlock = 256

// forGramBlocks calls fn for consecutive blocks of rows of a with
// g = a[i0:i0+r] · bᵀ, the inner products of those rows with every row of
// b. The products are gonum's (mat.Dense.Mul); g is reused between calls.
func forGramBlocks(a, b *mat.Dense, fn func(i0 int, g *mat.Dense)) {
	n, _ := a.Dims()
	m, _ := b.Dims()
	buf := make([]float64, gramBlock*m)
	for i0 := 0; i0 < n; i0 += gramBlock {
		r := min(gramBlock, n-i0)
		g := mat.NewDense(r, m, buf[:r*m])
		g.Mul(a.Slice(i0, i0+r, 0, a.RawMatrix().Cols), b.T())
		fn(i0, g)
	}
}

// sqNorms returns ‖xᵢ‖² of every row of x.
func sqNorms(x *mat.Dense) []float64 {
	n, _ := x.Dims()
	s := make([]float64, n)
	for i := range s {
		r := x.RawRowView(i)
		for _, v := range r {
			s[i] += v * v
		}
	}
	return s
}
