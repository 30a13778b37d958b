package metrics

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/pfgm/pfgm/data"
	"github.com/pfgm/pfgm/process"
)

// RandomDirections returns k unit vectors in dim dimensions, uniform on
// the sphere.
func RandomDirections(dim, k int, rng *rand.Rand) [][]float64 {
	dirs := make([][]float64, k)
	for i := range dirs {
		dirs[i] = make([]float64, dim)
		process.OnSphere(rng, 1, dirs[i])
	}
	return dirs
}

// SlicedW2 returns the sliced Wasserstein-2 distance between a and b,
//
//	SW2 = sqrt( mean over θ of W2²(θ·a, θ·b) ),
//
// over `projections` random unit directions θ drawn from rng. Each 1-D W2²
// is exact for the two empirical distributions: the squared difference of
// their quantile functions integrated over [0, 1], so sets of different
// sizes are compared without resampling.
func SlicedW2(a, b *data.Points, projections int, rng *rand.Rand) (float64, error) {
	if err := checkPair(a, b); err != nil {
		return 0, err
	}
	if projections < 1 {
		return 0, fmt.Errorf("sliced W2: %d projections < 1", projections)
	}
	return slicedW2Pairs([]*data.Points{a, b}, [][2]int{{0, 1}}, RandomDirections(a.Dim, projections, rng))[0], nil
}

// slicedW2Pairs returns the sliced W2 of each pair of sets (indices into
// sets) over the directions dirs, projecting and sorting every set once per
// direction however many pairs it is in.
func slicedW2Pairs(sets []*data.Points, pairs [][2]int, dirs [][]float64) []float64 {
	proj := make([][]float64, len(sets))
	for k, p := range sets {
		proj[k] = make([]float64, p.N())
	}
	sums := make([]float64, len(pairs))
	for _, th := range dirs {
		for k, p := range sets {
			project(proj[k], p, th)
			slices.Sort(proj[k])
		}
		for q, pr := range pairs {
			sums[q] += w2sq1D(proj[pr[0]], proj[pr[1]])
		}
	}
	for q := range sums {
		sums[q] = math.Sqrt(sums[q] / float64(len(dirs)))
	}
	return sums
}

func project(dst []float64, p *data.Points, th []float64) {
	d := p.Dim
	for i := range dst {
		row := p.X[i*d : (i+1)*d]
		s := 0.0
		for k, v := range row {
			s += v * th[k]
		}
		dst[i] = s
	}
}

// w2sq1D is ∫₀¹ (Fa⁻¹(u) − Fb⁻¹(u))² du for sorted samples a and b. The
// quantile functions are step functions that change at multiples of 1/n
// and 1/m; walking both sets of steps in units of 1/(n·m) keeps the
// interval lengths exact.
func w2sq1D(a, b []float64) float64 {
	n, m := int64(len(a)), int64(len(b))
	var i, j, pos int64
	acc := 0.0
	for pos < n*m {
		nextA, nextB := (i+1)*m, (j+1)*n
		next := min(nextA, nextB)
		d := a[i] - b[j]
		acc += float64(next-pos) * d * d
		pos = next
		if nextA == next {
			i++
		}
		if nextB == next {
			j++
		}
	}
	return acc / float64(n*m)
}

func checkPair(a, b *data.Points) error {
	if err := a.Validate(); err != nil {
		return fmt.Errorf("first set: %w", err)
	}
	if err := b.Validate(); err != nil {
		return fmt.Errorf("second set: %w", err)
	}
	if a.Dim != b.Dim {
		return fmt.Errorf("dimension mismatch: %d-D vs %d-D points", a.Dim, b.Dim)
	}
	return nil
}
