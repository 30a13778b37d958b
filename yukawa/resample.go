package yukawa

import (
	"math"
	"math/rand/v2"
)

// normalizeLog shifts lw so that log Σ exp(lw) = 0.
func normalizeLog(lw []float64) {
	m := math.Inf(-1)
	for _, v := range lw {
		m = max(m, v)
	}
	var s float64
	for _, v := range lw {
		s += math.Exp(v - m)
	}
	c := m + math.Log(s)
	for i := range lw {
		lw[i] -= c
	}
}

// essFraction is the effective sample size (Σw)²/Σw² divided by n.
func essFraction(lw []float64) float64 {
	m := math.Inf(-1)
	for _, v := range lw {
		m = max(m, v)
	}
	var s, s2 float64
	for _, v := range lw {
		w := math.Exp(v - m)
		s += w
		s2 += w * w
	}
	return s * s / s2 / float64(len(lw))
}

// systematicResample draws n ancestors by systematic resampling with the
// weights exp(lw), permutes the rows of every slice in rows accordingly
// (each has n rows of len/n numbers), and resets lw to equal weights.
// Copies in place through a scratch buffer per slice.
func systematicResample(rng *rand.Rand, lw []float64, rows ...[]float64) {
	n := len(lw)
	normalizeLog(lw)
	anc := make([]int, n)
	u := rng.Float64() / float64(n)
	cum := math.Exp(lw[0])
	i := 0
	for j := range n {
		target := u + float64(j)/float64(n)
		for cum < target && i < n-1 {
			i++
			cum += math.Exp(lw[i])
		}
		anc[j] = i
	}
	for _, r := range rows {
		w := len(r) / n
		src := append([]float64(nil), r...)
		for j, a := range anc {
			copy(r[j*w:(j+1)*w], src[a*w:(a+1)*w])
		}
	}
	lv := -math.Log(float64(n))
	for i := range lw {
		lw[i] = lv
	}
}
