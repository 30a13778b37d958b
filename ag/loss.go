package ag

import (
	"fmt"
	"slices"
)

// WeightedMSE returns mean over all elements of w_b·(out − target)², b
// being the leading (batch) index and w of shape [B].
func (t *Tape) WeightedMSE(out, target, w *Tensor) *Tensor {
	if !slices.Equal(out.Shape, target.Shape) || len(out.Shape) == 0 || w.Numel() != out.Shape[0] {
		panic(fmt.Sprintf("ag.WeightedMSE: out %v, target %v, weights %v", out.Shape, target.Shape, w.Shape))
	}
	bs := out.Shape[0]
	per := out.Numel() / max(bs, 1)
	var s float64
	for b := 0; b < bs; b++ {
		o, tg := out.Data[b*per:(b+1)*per], target.Data[b*per:(b+1)*per]
		var sb float64
		for i, v := range o {
			d := float64(v - tg[i])
			sb += d * d
		}
		s += float64(w.Data[b]) * sb
	}
	loss := t.alloc(1)
	loss.Data[0] = float32(s / float64(out.Numel()))
	if t.needs(out, target, w) {
		t.push(weightedMSEBack, loss, out, target, w)
	}
	return loss
}

func weightedMSEBack(_ *Tape, nd *node) {
	out, target, w := nd.a, nd.b, nd.c
	g := nd.out.Grad[0] / float32(out.Numel())
	bs := out.Shape[0]
	per := out.Numel() / max(bs, 1)
	var gOut, gT, gW []float32
	if out.RequiresGrad {
		gOut = grad(out)
	}
	if target.RequiresGrad {
		gT = grad(target)
	}
	if w.RequiresGrad {
		gW = grad(w)
	}
	for b := 0; b < bs; b++ {
		o, tg := out.Data[b*per:(b+1)*per], target.Data[b*per:(b+1)*per]
		c := 2 * g * w.Data[b]
		if gOut != nil {
			d := gOut[b*per : (b+1)*per]
			for i, v := range o {
				d[i] += c * (v - tg[i])
			}
		}
		if gT != nil {
			d := gT[b*per : (b+1)*per]
			for i, v := range o {
				d[i] -= c * (v - tg[i])
			}
		}
		if gW != nil {
			var sb float32
			for i, v := range o {
				d := v - tg[i]
				sb += d * d
			}
			gW[b] += g * sb
		}
	}
}
