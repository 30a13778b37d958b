package metrics

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// PrecisionRecall returns the improved precision and recall of
// Kynkäänniemi et al. (2019) of the generated features fake against the
// real features real (one vector a row), with k nearest neighbours
// (the paper's k = 3):
//
//	precision = share of fake vectors inside the real manifold,
//	recall    = share of real vectors inside the fake manifold,
//
// where a set's manifold is the union of the balls around its vectors of
// radius the distance to their k-th nearest neighbour within the set.
// Precision measures fidelity, recall coverage: a generator that drops half
// of the modes keeps its precision and halves its recall.
func PrecisionRecall(real, fake *mat.Dense, k int) (precision, recall float64, err error) {
	if k < 1 {
		return 0, 0, fmt.Errorf("metrics: precision/recall needs k ≥ 1, got %d", k)
	}
	if err := checkFeatures(real, fake, k+1); err != nil {
		return 0, 0, err
	}
	rr, rf := knnRadii(real, k), knnRadii(fake, k)
	return coverage(fake, real, rr), coverage(real, fake, rf), nil
}

// knnRadii returns, for every row of x, the squared distance to its k-th
// nearest other row.
func knnRadii(x *mat.Dense, k int) []float64 {
	n, _ := x.Dims()
	sq := sqNorms(x)
	radii := make([]float64, n)
	best := make([]float64, k)
	forGramBlocks(x, x, func(i0 int, g *mat.Dense) {
		r, _ := g.Dims()
		for i := 0; i < r; i++ {
			for t := range best {
				best[t] = math.Inf(1)
			}
			for j, dot := range g.RawRowView(i) {
				if j == i0+i {
					continue
				}
				d2 := sq[i0+i] + sq[j] - 2*dot
				if d2 < best[k-1] {
					// Insert into the sorted list of the k smallest.
					t := k - 1
					for t > 0 && best[t-1] > d2 {
						best[t] = best[t-1]
						t--
					}
					best[t] = d2
				}
			}
			radii[i0+i] = best[k-1]
		}
	})
	return radii
}

// coverage returns the share of rows of q that lie in at least one ball
// ‖q − pⱼ‖² ≤ radii[j] around the rows of p.
func coverage(q, p *mat.Dense, radii []float64) float64 {
	n, _ := q.Dims()
	sq, sp := sqNorms(q), sqNorms(p)
	in := 0
	forGramBlocks(q, p, func(i0 int, g *mat.Dense) {
		r, _ := g.Dims()
		for i := 0; i < r; i++ {
			for j, dot := range g.RawRowView(i) {
				if sq[i0+i]+sp[j]-2*dot <= radii[j] {
					in++
					break
				}
			}
		}
	})
	return float64(in) / float64(n)
}
