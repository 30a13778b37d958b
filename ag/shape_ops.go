package ag

import (
	"fmt"
	"slices"
)

// AvgPool2 averages non-overlapping 2×2 windows of x [B,C,H,W] (H, W even).
func (t *Tape) AvgPool2(x *Tensor) *Tensor {
	if len(x.Shape) != 4 || x.Shape[2]%2 != 0 || x.Shape[3]%2 != 0 {
		panic(fmt.Sprintf("ag.AvgPool2: need [B,C,H,W] with even H and W, got %v", x.Shape))
	}
	h, w := x.Shape[2], x.Shape[3]
	out := t.alloc(x.Shape[0], x.Shape[1], h/2, w/2)
	t.rangesPar(x.Shape[0]*x.Shape[1], x.Numel(), func(p0, p1 int) {
		pool2(useAVX512, out.Data[p0*h*w/4:], x.Data[p0*h*w:], (p1-p0)*h/2, w/2, 0.25, true)
	})
	if t.needs(x) {
		t.push(avgPoolBack, out, x, nil, nil)
	}
	return out
}

func avgPoolBack(t *Tape, nd *node) {
	x := nd.a
	if !x.RequiresGrad {
		return
	}
	// Each input element gets exactly one contribution, so a fresh
	// gradient is simply written.
	dx, ow := gradW(x)
	h, w := x.Shape[2], x.Shape[3]
	t.rangesPar(x.Shape[0]*x.Shape[1], x.Numel(), func(p0, p1 int) {
		spread2(useAVX512, dx[p0*h*w:], nd.out.Grad[p0*h*w/4:], (p1-p0)*h/2, w/2, 0.25, ow)
	})
}

// rangesPar runs fn on ranges of [0, count) (planes, images) spread over
// the tape's workers when the tensor (of n elements) is large; every
// element is computed on its own, so the split does not change a bit.
func (t *Tape) rangesPar(count, n int, fn func(lo, hi int)) {
	if n < parallelMin || t.workers <= 1 {
		fn(0, count)
		return
	}
	parallelFor(t.workers, count, func(_, lo, hi int) { fn(lo, hi) })
}

// Upsample2 is nearest-neighbour 2× up-sampling of x [B,C,H,W].
func (t *Tape) Upsample2(x *Tensor) *Tensor {
	if len(x.Shape) != 4 {
		panic(fmt.Sprintf("ag.Upsample2: need [B,C,H,W], got %v", x.Shape))
	}
	h, w := x.Shape[2], x.Shape[3]
	out := t.alloc(x.Shape[0], x.Shape[1], 2*h, 2*w)
	t.rangesPar(x.Shape[0]*x.Shape[1], out.Numel(), func(p0, p1 int) {
		spread2(useAVX512, out.Data[p0*4*h*w:], x.Data[p0*h*w:], (p1-p0)*h, w, 1, true)
	})
	if t.needs(x) {
		t.push(upsampleBack, out, x, nil, nil)
	}
	return out
}

func upsampleBack(t *Tape, nd *node) {
	x := nd.a
	if !x.RequiresGrad {
		return
	}
	dx, ow := gradW(x)
	h, w := x.Shape[2], x.Shape[3]
	t.rangesPar(x.Shape[0]*x.Shape[1], nd.out.Numel(), func(p0, p1 int) {
		pool2(useAVX512, dx[p0*h*w:], nd.out.Grad[p0*4*h*w:], (p1-p0)*h, w, 1, ow)
	})
}

// UpsampleConcat is Concat(Upsample2(a), b) for a [B,Ca,H,W] and
// b [B,Cb,2H,2W], without materialising the up-sampled a: the U-Net
// decoder's join of a coarser level with its skip. Forward and gradients
// are bit for bit those of the two ops.
func (t *Tape) UpsampleConcat(a, b *Tensor) *Tensor {
	if len(a.Shape) != 4 || len(b.Shape) != 4 || a.Shape[0] != b.Shape[0] || b.Shape[2] != 2*a.Shape[2] || b.Shape[3] != 2*a.Shape[3] {
		panic(fmt.Sprintf("ag.UpsampleConcat: %v up-sampled does not join %v on dimension 1", a.Shape, b.Shape))
	}
	bs, ca, h, w := a.Shape[0], a.Shape[1], a.Shape[2], a.Shape[3]
	out := t.alloc(bs, ca+b.Shape[1], 2*h, 2*w)
	na, nb := ca*h*w, b.Numel()/max(bs, 1)
	od, ad, bd := out.Data, a.Data, b.Data
	t.rangesPar(bs, len(od), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			o := od[i*(4*na+nb) : (i+1)*(4*na+nb)]
			spread2(useAVX512, o[:4*na], ad[i*na:(i+1)*na], ca*h, w, 1, true)
			copy(o[4*na:], bd[i*nb:(i+1)*nb])
		}
	})
	if t.needs(a, b) {
		t.push(upsampleConcatBack, out, a, b, nil)
	}
	return out
}

func upsampleConcatBack(t *Tape, nd *node) {
	a, b, g := nd.a, nd.b, nd.out.Grad
	bs, ca, h, w := a.Shape[0], a.Shape[1], a.Shape[2], a.Shape[3]
	na, nb := ca*h*w, b.Numel()/max(bs, 1)
	var da, db []float32
	var owA, owB bool
	if a.RequiresGrad {
		da, owA = gradW(a)
	}
	if b.RequiresGrad {
		db, owB = gradW(b)
	}
	parallelFor(t.workers, bs, func(_, lo, hi int) {
		for i := lo; i < hi; i++ {
			gi := g[i*(4*na+nb) : (i+1)*(4*na+nb)]
			if da != nil {
				pool2(useAVX512, da[i*na:(i+1)*na], gi[:4*na], ca*h, w, 1, owA)
			}
			if db != nil {
				copyOrAdd(db[i*nb:(i+1)*nb], gi[4*na:], owB)
			}
		}
	})
}

// Concat joins a [B,Ca,…] and b [B,Cb,…] along dimension 1.
func (t *Tape) Concat(a, b *Tensor) *Tensor {
	if len(a.Shape) < 2 || len(a.Shape) != len(b.Shape) || a.Shape[0] != b.Shape[0] || !slices.Equal(a.Shape[2:], b.Shape[2:]) {
		panic(fmt.Sprintf("ag.Concat: shapes %v and %v do not join on dimension 1", a.Shape, b.Shape))
	}
	var shape [maxRank]int
	r := copy(shape[:], a.Shape)
	shape[1] += b.Shape[1]
	out := t.alloc(shape[:r]...)
	bs := a.Shape[0]
	na, nb := a.Numel()/max(bs, 1), b.Numel()/max(bs, 1)
	od, ad, bd := out.Data, a.Data, b.Data
	t.rangesPar(bs, len(od), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			copy(od[i*(na+nb):], ad[i*na:(i+1)*na])
			copy(od[i*(na+nb)+na:], bd[i*nb:(i+1)*nb])
		}
	})
	if t.needs(a, b) {
		t.push(concatBack, out, a, b, nil)
	}
	return out
}

func concatBack(t *Tape, nd *node) {
	a, b, g := nd.a, nd.b, nd.out.Grad
	bs := a.Shape[0]
	na, nb := a.Numel()/max(bs, 1), b.Numel()/max(bs, 1)
	var da, db []float32
	var owA, owB bool
	if a.RequiresGrad {
		da, owA = gradW(a)
	}
	if b.RequiresGrad {
		db, owB = gradW(b)
	}
	parallelFor(t.workers, bs, func(_, lo, hi int) { concatBackRange(g, da, db, owA, owB, na, nb, lo, hi) })
}

func concatBackRange(g, da, db []float32, owA, owB bool, na, nb, lo, hi int) {
	for i := lo; i < hi; i++ {
		if da != nil {
			copyOrAdd(da[i*na:(i+1)*na], g[i*(na+nb):], owA)
		}
		if db != nil {
			copyOrAdd(db[i*nb:(i+1)*nb], g[i*(na+nb)+na:], owB)
		}
	}
}

// Reshape returns a tensor sharing x's data with a new shape of the same
// size; one dimension may be -1 and is then inferred.
func (t *Tape) Reshape(x *Tensor, shape ...int) *Tensor {
	var s [maxRank]int
	if len(shape) > maxRank {
		panic("ag.Reshape: rank too large")
	}
	copy(s[:], shape)
	infer, known := -1, 1
	for i := range shape {
		if s[i] == -1 {
			infer = i
		} else {
			known *= s[i]
		}
	}
	if infer >= 0 && known > 0 {
		s[infer] = x.Numel() / known
	}
	if numel(s[:len(shape)]) != x.Numel() {
		panic(fmt.Sprintf("ag.Reshape: cannot view %v as %v", x.Shape, append([]int(nil), shape...)))
	}
	out := t.view(x.Data, s[:len(shape)]...)
	if t.needs(x) {
		t.push(reshapeBack, out, x, nil, nil)
	}
	return out
}

func reshapeBack(_ *Tape, nd *node) {
	if nd.a.RequiresGrad && !takeGrad(nd.a, nd.out) {
		dx, ow := gradW(nd.a)
		copyOrAdd(dx, nd.out.Grad, ow)
	}
}
