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
	if t.workers <= 1 || x.Numel() < parallelMin {
		gnForward(&gn, 0, bs, x.Data, gamma.Data, beta.Data, out.Data, stats.Data)
	} else {
		parallelFor(t.workers, bs, func(_, lo, hi int) {
			gnForward(&gn, lo, hi, x.Data, gamma.Data, beta.Data, out.Data, stats.Data)
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

func gnForward(s *gnShape, lo, hi int, x, gamma, beta, out, stats []float32) {
	cg := s.c / s.g
	n := cg * s.hw
	for b := lo; b < hi; b++ {
		for gi := 0; gi < s.g; gi++ {
			off := (b*s.c + gi*cg) * s.hw
			xs := x[off : off+n]
			// One pass of sums shifted by the first value (which keeps the
			// variance accurate when the mean is large), in float32 lanes
			// folded into float64 per channel.
			k := xs[0]
			var sum, sq float64
			for ci := 0; ci < cg; ci++ {
				s0, q0 := sumSq(xs[ci*s.hw:(ci+1)*s.hw], k)
				sum += float64(s0)
				sq += float64(q0)
			}
			m := sum / float64(n)
			variance := max(sq/float64(n)-m*m, 0)
			mean := float32(m + float64(k))
			rstd := float32(1 / math.Sqrt(variance+float64(s.eps)))
			stats[(b*s.g+gi)*2] = mean
			stats[(b*s.g+gi)*2+1] = rstd
			for ci := 0; ci < cg; ci++ {
				ch := gi*cg + ci
				a := rstd * gamma[ch]
				sh := beta[ch] - mean*a
				src := xs[ci*s.hw : (ci+1)*s.hw]
				dst := out[off+ci*s.hw : off+(ci+1)*s.hw]
				dst = dst[:len(src)]
				if s.silu {
					affineSiLU(dst, nil, src, a, sh)
				} else {
					for i, v := range src {
						dst[i] = v*a + sh
					}
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
	var dx []float32
	var ow bool
	if x.RequiresGrad {
		dx, ow = gradW(x)
	}
	gsize := c / s.g * s.hw
	if t.workers <= 1 || x.Numel() < parallelMin {
		gnBackward(&s, 0, bs, x.Data, gamma.Data, beta.Data, nd.aux.Data, nd.out.Grad, dx, ow, sums, t.scratch(0, 0, gsize))
	} else {
		parallelFor(t.workers, bs, func(w, lo, hi int) {
			gnBackward(&s, lo, hi, x.Data, gamma.Data, beta.Data, nd.aux.Data, nd.out.Grad, dx, ow, sums, t.scratch(w, 0, gsize))
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

// gnBackward handles samples lo..hi. gs is scratch for one group's
// gradient with respect to the normalised output (through the SiLU when
// fused), so the SiLU derivative is computed once per element.
func gnBackward(s *gnShape, lo, hi int, x, gamma, beta, stats, dyAll, dx []float32, ow bool, sums, gs []float32) {
	cg := s.c / s.g
	n := cg * s.hw
	for b := lo; b < hi; b++ {
		for gi := 0; gi < s.g; gi++ {
			mean, rstd := stats[(b*s.g+gi)*2], stats[(b*s.g+gi)*2+1]
			off := (b*s.c + gi*cg) * s.hw
			var m1, m2 float64 // Σ γ·dy and Σ γ·dy·x̂ over the group
			for ci := 0; ci < cg; ci++ {
				ch := gi*cg + ci
				xs := x[off+ci*s.hw : off+(ci+1)*s.hw]
				dy := dyAll[off+ci*s.hw : off+(ci+1)*s.hw]
				g := gs[ci*s.hw : (ci+1)*s.hw]
				g, dy = g[:len(xs)], dy[:len(xs)]
				var s1, s2 float32
				if s.silu {
					a := rstd * gamma[ch]
					s1, s2 = siluBackSums(g, dy, xs, a, beta[ch]-mean*a, mean)
				} else {
					copy(g, dy)
					for i, v := range xs {
						s1 += dy[i]
						s2 += dy[i] * (v - mean)
					}
				}
				s2 *= rstd
				sums[(b*s.c+ch)*2] = s1
				sums[(b*s.c+ch)*2+1] = s2
				m1 += float64(gamma[ch] * s1)
				m2 += float64(gamma[ch] * s2)
			}
			if dx == nil {
				continue
			}
			m1f, m2f := float32(m1/float64(n)), float32(m2/float64(n))
			for ci := 0; ci < cg; ci++ {
				ch := gi*cg + ci
				xs := x[off+ci*s.hw : off+(ci+1)*s.hw]
				g := gs[ci*s.hw : (ci+1)*s.hw]
				d := dx[off+ci*s.hw : off+(ci+1)*s.hw]
				g, d = g[:len(xs)], d[:len(xs)]
				// dx = rstd·(γ·g − m1 − x̂·m2) with x̂ = (x − mean)·rstd.
				a, c0, c1 := rstd*gamma[ch], rstd*(mean*rstd*m2f-m1f), -rstd*rstd*m2f
				affineComb(d, g, xs, a, c0, c1, ow)
			}
		}
	}
}
