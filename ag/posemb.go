package ag

import (
	"fmt"
	"math"
)

// PosEmb returns the sinusoidal embedding [B, ch] of c [B]: cos(c·f_i)
// then sin(c·f_i) with f_i = (1/10000)^(i/(ch/2−1)), i < ch/2 (EDM's
// PositionalEmbedding with endpoint=true).
func (t *Tape) PosEmb(c *Tensor, ch int) *Tensor {
	if ch < 4 || ch%2 != 0 {
		panic(fmt.Sprintf("ag.PosEmb: channel count %d must be even and ≥ 4", ch))
	}
	bs, half := c.Numel(), ch/2
	out := t.alloc(bs, ch)
	for b := 0; b < bs; b++ {
		row := out.Data[b*ch : (b+1)*ch]
		for i := 0; i < half; i++ {
			v := float64(c.Data[b] * posFreq(i, half))
			row[i] = float32(math.Cos(v))
			row[half+i] = float32(math.Sin(v))
		}
	}
	if t.needs(c) {
		t.push(posEmbBack, out, c, nil, nil)
	}
	return out
}

// posFreq is computed as PyTorch does it: the exponent in float32.
func posFreq(i, half int) float32 {
	e := float32(i) / float32(half-1)
	return float32(math.Pow(1.0/10000, float64(e)))
}

func posEmbBack(_ *Tape, nd *node) {
	c := nd.a
	if !c.RequiresGrad {
		return
	}
	dc := grad(c)
	ch := nd.out.Shape[1]
	half := ch / 2
	for b := range c.Data {
		g := nd.out.Grad[b*ch : (b+1)*ch]
		var s float64
		for i := 0; i < half; i++ {
			f := posFreq(i, half)
			v := float64(c.Data[b] * f)
			s += float64(f) * (-float64(g[i])*math.Sin(v) + float64(g[half+i])*math.Cos(v))
		}
		dc[b] += float32(s)
	}
}
