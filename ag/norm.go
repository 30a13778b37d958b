package ag

import (
	"fmt"
	"math"
)

// GroupNorm normalises x [B,C,…] over each of groups channel groups (and
// all spatial positions) of each sample, then scales by gamma [C] and
// shifts by beta [C], as torch.nn.GroupNorm (biased variance).
func (t *Tape) GroupNorm(x *Tensor, groups int, gamma, beta *Tensor, eps float32) *Tensor {
	return t.groupNorm(x, groups, gamma, beta, eps, false)
}

// GroupNormSiLU is SiLU(GroupNorm(x)) in one pass over memory; the
// normalised values are recomputed in backward rather than stored.
func (t *Tape) GroupNormSiLU(x *Tensor, groups int, gamma, beta *Tensor, eps float32) *Tensor {
	return t.groupNorm(x, groups, gamma, beta, eps, true)
}

func (t *Tape) groupNorm(x *Tensor, groups int, gamma, beta *Tensor, eps float32, silu bool) *Tensor {
	if len(x.Shape) < 2 || groups < 1 || x.Shape[1]%groups != 0 || gamma.Numel() != x.Shape[1] || beta.Numel() != x.Shape[1] {
		panic(fmt.Sprintf("ag.GroupNorm: x %v, %d groups, gamma %v, beta %v", x.Shape, groups, gamma.Shape, beta.Shape))
	}
	bs, c := x.Shape[0], x.Shape[1]
	out := t.alloc(x.Shape...)
	stats := t.alloc(bs * groups * 2) // mean, rstd per (b, g)
	gn := gnShape{bs: bs, c: c, g: groups, hw: x.Numel() / max(bs*c, 1), eps: eps, silu: silu}
	coef := 2 * (c / groups)
	if t.workers <= 1 || x.Numel() < parallelMin {
		gnForward(&gn, 0, bs, x.Data, gamma.Data, beta.Data, out.Data, stats.Data, t.scratch(0, 0, coef))
	} else {
		parallelFor(t.workers, bs, func(w, lo, hi int) {
			gnForward(&gn, lo, hi, x.Data, gamma.Data, beta.Data, out.Data, stats.Data, t.scratch(w, 0, coef))
		})
	}
	if t.needs(x, gamma, beta) {
		nd := t.push(groupNormBack, out, x, gamma, beta)
		nd.aux = stats
		nd.i[0] = groups
		nd.i[1] = boolInt(silu)
		nd.f = eps
	}
	return out
}

type gnShape struct {
	bs, c, g, hw int
	eps          float32
	silu         bool
}

// groupStats returns the mean and 1/√(variance + eps) of one group, in two
// passes: the sum, then Σ(x − mean)² over the group, which is in cache by
// then (a group is at most a few tens of KB in the U-Nets), so the
// variance has no cancellation whatever the mean.
func groupStats(xs []float32, eps float32) (mean, rstd float32) {
	n := float64(len(xs))
	m := sumLanes(useAVX512, xs) / n
	mean = float32(m)
	// Σ(x − mean)²/n = variance + (m − mean)²: mean was rounded to float32.
	d := m - float64(mean)
	variance := max(sqDevLanes(useAVX512, xs, mean)/n-d*d, 0)
	return mean, float32(1 / math.Sqrt(variance+float64(eps)))
}

// gnCoef fills a[ci] = rstd·γ and b[ci] = β − mean·a[ci] for the channels
// of group gi: the normalise-and-affine as one affine map per channel.
func gnCoef(a, b, gamma, beta []float32, gi int, mean, rstd float32) {
	cg := len(a)
	for ci := range a {
		ch := gi*cg + ci
		a[ci] = rstd * gamma[ch]
		b[ci] = beta[ch] - mean*a[ci]
	}
}

// gnForward normalises samples lo..hi; coef is scratch for two floats
// per channel of a group.
func gnForward(s *gnShape, lo, hi int, x, gamma, beta, out, stats, coef []float32) {
	cg := s.c / s.g
	n := cg * s.hw
	a, sh := coef[:cg], coef[cg:2*cg]
	for b := lo; b < hi; b++ {
		for gi := 0; gi < s.g; gi++ {
			off := (b*s.c + gi*cg) * s.hw
			xs, ys := x[off:off+n], out[off:off+n]
			mean, rstd := groupStats(xs, s.eps)
			stats[(b*s.g+gi)*2] = mean
			stats[(b*s.g+gi)*2+1] = rstd
			gnCoef(a, sh, gamma, beta, gi, mean, rstd)
			if s.silu {
				siluAffine(useAVX512, ys, xs, s.hw, a, sh, n)
				continue
			}
			for ci := range a {
				for i := ci * s.hw; i < (ci+1)*s.hw; i++ {
					ys[i] = a[ci]*xs[i] + sh[ci]
				}
			}
		}
	}
}

func groupNormBack(t *Tape, nd *node) {
	x, gamma, beta := nd.a, nd.b, nd.c
	bs, c := x.Shape[0], x.Shape[1]
	s := gnShape{bs: bs, c: c, g: nd.i[0], hw: x.Numel() / max(bs*c, 1), eps: nd.f, silu: nd.i[1] != 0}
	// Per-(b, c) sums Σdy and Σdy·x̂ (of the GroupNorm output gradient)
	// go to scratch, then reduce over the batch for dγ and dβ.
	sums := t.scratch(0, 1, bs*c*2)
	dy := nd.out.Grad
	var dx []float32
	var ow bool
	switch {
	case !x.RequiresGrad:
	case takeGrad(x, nd.out):
		// x's gradient is written over dy, each group's after its last
		// read of dy: the write hits lines just read instead of a
		// separate buffer.
		dx, ow = dy, true
	default:
		dx, ow = gradW(x)
	}
	cg := c / s.g
	gsize := cg * s.hw
	if t.workers <= 1 || x.Numel() < parallelMin {
		gnBackward(&s, 0, bs, x.Data, gamma.Data, beta.Data, nd.aux.Data, dy, dx, ow, sums, t.scratch(0, 0, gsize), t.scratch(0, 2, 2*cg))
	} else {
		parallelFor(t.workers, bs, func(w, lo, hi int) {
			gnBackward(&s, lo, hi, x.Data, gamma.Data, beta.Data, nd.aux.Data, dy, dx, ow, sums, t.scratch(w, 0, gsize), t.scratch(w, 2, 2*cg))
		})
	}
	if gamma.RequiresGrad {
		dg := grad(gamma)
		for b := 0; b < bs; b++ {
			for ch := 0; ch < c; ch++ {
				dg[ch] += sums[(b*c+ch)*2+1]
			}
		}
	}
	if beta.RequiresGrad {
		db := grad(beta)
		for b := 0; b < bs; b++ {
			for ch := 0; ch < c; ch++ {
				db[ch] += sums[(b*c+ch)*2]
			}
		}
	}
}

// gnBackward handles samples lo..hi in two passes over each group. The
// first computes, per channel, Σg and Σg·x̂ of the gradient g with respect
// to the normalised output (through the SiLU when fused, whose input is
// recomputed from x rather than stored; g goes to the group scratch gs);
// the second writes dx. coef is scratch for two floats per channel. dx may
// be dyAll itself: a group's dy is not read after its first pass.
func gnBackward(s *gnShape, lo, hi int, x, gamma, beta, stats, dyAll, dx []float32, ow bool, sums, gs, coef []float32) {
	cg := s.c / s.g
	n := cg * s.hw
	a, sh := coef[:cg], coef[cg:2*cg]
	for b := lo; b < hi; b++ {
		for gi := 0; gi < s.g; gi++ {
			mean, rstd := stats[(b*s.g+gi)*2], stats[(b*s.g+gi)*2+1]
			off := (b*s.c + gi*cg) * s.hw
			xs, dy := x[off:off+n], dyAll[off:off+n]
			sm := sums[(b*s.c+gi*cg)*2 : (b*s.c+gi*cg+cg)*2]
			gnCoef(a, sh, gamma, beta, gi, mean, rstd)
			g := dy
			if s.silu {
				g = gs[:n]
				siluGradSums(useAVX512, g, dy, xs, s.hw, a, sh, mean, sm, n)
			} else {
				for ci := range a {
					var s1, s2 float32
					for i := ci * s.hw; i < (ci+1)*s.hw; i++ {
						s1 += dy[i]
						s2 += dy[i] * (xs[i] - mean)
					}
					sm[2*ci], sm[2*ci+1] = s1, s2
				}
			}
			var m1, m2 float64 // Σ γ·g and Σ γ·g·x̂ over the group
			for ci := range a {
				ch := gi*cg + ci
				sm[2*ci+1] *= rstd // Σg·(x − mean) → Σg·x̂
				m1 += float64(gamma[ch] * sm[2*ci])
				m2 += float64(gamma[ch] * sm[2*ci+1])
			}
			if dx == nil {
				continue
			}
			// dx = rstd·(γ·g − m1 − x̂·m2) with x̂ = (x − mean)·rstd and m1,
			// m2 the group means: a[ci]·g + c0 + c1·x.
			m1f, m2f := float32(m1/float64(n)), float32(m2/float64(n))
			c0, c1 := rstd*(mean*rstd*m2f-m1f), -rstd*rstd*m2f
			affineComb(useAVX512, dx[off:off+n], g, xs, s.hw, a, c0, c1, ow, n)
		}
	}
}
