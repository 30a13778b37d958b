package ag

import (
	"fmt"
	"slices"
)

// AddScale returns s·(a + b) for a and b of the same shape: the ResBlock
// and attention residual merge in one pass instead of two.
func (t *Tape) AddScale(a, b *Tensor, s float32) *Tensor {
	if !slices.Equal(a.Shape, b.Shape) {
		panic(fmt.Sprintf("ag.AddScale: shapes %v and %v differ", a.Shape, b.Shape))
	}
	out := t.alloc(a.Shape...)
	if n := len(out.Data); n < parallelMin || t.workers == 1 {
		addScaleRange(out.Data, a.Data, b.Data, s)
	} else {
		od, ad, bd := out.Data, a.Data, b.Data
		parallelElems(t.workers, n, func(lo, hi int) { addScaleRange(od[lo:hi], ad[lo:hi], bd[lo:hi], s) })
	}
	if t.needs(a, b) {
		nd := t.push(addScaleBack, out, a, b, nil)
		nd.f = s
	}
	return out
}

func addScaleRange(d, a, b []float32, s float32) { addScaleWith(useAVX512, d, a, b, s) }

// scaleInto writes (ow) or adds d = s·g.
func scaleInto(d, g []float32, s float32, ow bool) { scale2With(useAVX512, d, nil, g, s, ow, false) }

// scaleIntoPar is scaleInto over the tape's workers for large slices.
func (t *Tape) scaleIntoPar(d, g []float32, s float32, ow bool) {
	t.scale2Par(d, nil, g, s, ow, false)
}

// scale2Par is scale2With over the tape's workers for large slices.
func (t *Tape) scale2Par(d1, d2, g []float32, s float32, ow1, ow2 bool) {
	if len(d1) < parallelMin || t.workers == 1 {
		scale2With(useAVX512, d1, d2, g, s, ow1, ow2)
		return
	}
	parallelElems(t.workers, len(d1), func(lo, hi int) {
		var d2r []float32
		if d2 != nil {
			d2r = d2[lo:hi]
		}
		scale2With(useAVX512, d1[lo:hi], d2r, g[lo:hi], s, ow1, ow2)
	})
}

// scaleGradInto adds s·out.Grad to x's gradient. When x is a fresh
// intermediate of out's size, out's gradient (dead after this op) is
// scaled in place and handed over instead.
func (t *Tape) scaleGradInto(x, out *Tensor, s float32) {
	g := out.Grad
	if takeGrad(x, out) {
		t.scaleIntoPar(g, g, s, true)
		return
	}
	dx, ow := gradW(x)
	t.scaleIntoPar(dx, g, s, ow)
}

// addScaleBack gives a and b the gradient s·g in one pass over g; a fresh
// a takes over g's buffer (dead after this op), scaled in place.
func addScaleBack(t *Tape, nd *node) {
	a, b, s := nd.a, nd.b, nd.f
	g := nd.out.Grad
	if a == b {
		if a.RequiresGrad {
			t.scaleGradInto(a, nd.out, 2*s)
		}
		return
	}
	var da, db []float32
	var owA, owB bool
	if b.RequiresGrad {
		db, owB = gradW(b)
	}
	switch {
	case !a.RequiresGrad:
		if db != nil {
			t.scale2Par(db, nil, g, s, owB, false)
		}
		return
	case takeGrad(a, nd.out):
		da, owA = g, true
	default:
		da, owA = gradW(a)
	}
	t.scale2Par(da, db, g, s, owA, owB)
}
