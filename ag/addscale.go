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

func addScaleRange(d, a, b []float32, s float32) {
	a, b = a[:len(d)], b[:len(d)]
	for i := range d {
		d[i] = s * (a[i] + b[i])
	}
}

// scaleInto writes (ow) or adds d = s·g.
func scaleInto(d, g []float32, s float32, ow bool) {
	g = g[:len(d)]
	if ow {
		for i := range d {
			d[i] = s * g[i]
		}
		return
	}
	for i := range d {
		d[i] += s * g[i]
	}
}

// scaleIntoPar is scaleInto over the tape's workers for large slices.
func (t *Tape) scaleIntoPar(d, g []float32, s float32, ow bool) {
	if len(d) < parallelMin || t.workers == 1 {
		scaleInto(d, g, s, ow)
		return
	}
	parallelElems(t.workers, len(d), func(lo, hi int) { scaleInto(d[lo:hi], g[lo:hi], s, ow) })
}

// scaleGradInto adds s·out.Grad to x's gradient. When x is a fresh
// intermediate of out's size, out's gradient (dead after this op) is
// scaled in place and handed over instead.
func (t *Tape) scaleGradInto(x, out *Tensor, s float32) {
	g := out.Grad
	if x.fresh && len(x.Grad) == len(g) {
		t.scaleIntoPar(g, g, s, true)
		takeGrad(x, out)
		return
	}
	dx, ow := gradW(x)
	t.scaleIntoPar(dx, g, s, ow)
}

func addScaleBack(t *Tape, nd *node) {
	a, b, s := nd.a, nd.b, nd.f
	// b first: a may take over the output gradient.
	if b.RequiresGrad && b != a {
		db, ow := gradW(b)
		t.scaleIntoPar(db, nd.out.Grad, s, ow)
	}
	if !a.RequiresGrad {
		return
	}
	if a == b {
		s *= 2
	}
	t.scaleGradInto(a, nd.out, s)
}
