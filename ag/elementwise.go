package ag

import (
	"fmt"
	"math"
	"slices"
)

// bcast describes a broadcast between two operands after adjacent
// dimensions with the same broadcast pattern have been merged, so that
// e.g. [B,C,H,W] + [B,C,1,1] becomes a 2-D loop [B·C, H·W].
type bcast struct {
	d      [4]int // merged output dims, padded on the left with 1s
	sa, sb [4]int // element strides of a and b (0 where broadcast)
}

// maxRank bounds the rank of broadcast operands.
const maxRank = 8

func broadcastShapes(as, bs []int) (out [maxRank]int, r int, bc bcast) {
	r = max(len(as), len(bs))
	if r > maxRank {
		panic(fmt.Sprintf("ag: broadcast of rank > %d", maxRank))
	}
	var pa, pb [maxRank]int
	for i := 0; i < r; i++ {
		pa[i], pb[i] = 1, 1
	}
	copy(pa[r-len(as):r], as)
	copy(pb[r-len(bs):r], bs)
	// Merge dims into groups of identical (a full?, b full?) pattern.
	var gd [maxRank]int
	var ga, gb [maxRank]bool
	ng := 0
	for i := 0; i < r; i++ {
		o := max(pa[i], pb[i])
		if (pa[i] != o && pa[i] != 1) || (pb[i] != o && pb[i] != 1) {
			panic(fmt.Sprintf("ag: shapes %v and %v do not broadcast", append([]int(nil), as...), append([]int(nil), bs...)))
		}
		out[i] = o
		if o == 1 {
			continue
		}
		fa, fb := pa[i] == o, pb[i] == o
		if ng > 0 && ga[ng-1] == fa && gb[ng-1] == fb {
			gd[ng-1] *= o
			continue
		}
		gd[ng], ga[ng], gb[ng] = o, fa, fb
		ng++
	}
	if ng > 4 {
		panic(fmt.Sprintf("ag: broadcast of %v and %v is too irregular", append([]int(nil), as...), append([]int(nil), bs...)))
	}
	for i := range bc.d {
		bc.d[i] = 1
	}
	off := 4 - ng
	copy(bc.d[off:], gd[:ng])
	strA, strB := 1, 1
	for i := ng - 1; i >= 0; i-- {
		if ga[i] {
			bc.sa[off+i] = strA
			strA *= gd[i]
		}
		if gb[i] {
			bc.sb[off+i] = strB
			strB *= gd[i]
		}
	}
	return out, r, bc
}

// rows calls fn for every innermost row: output offset, a and b offsets,
// the row length and the innermost strides of a and b.
func (bc *bcast) rows(fn func(o, ao, bo, n, sa, sb int)) {
	bc.rowsRange(0, bc.nrows(), fn)
}

func (bc *bcast) nrows() int { return bc.d[0] * bc.d[1] * bc.d[2] }

// rowsRange is rows restricted to rows lo..hi-1 (in output order).
func (bc *bcast) rowsRange(lo, hi int, fn func(o, ao, bo, n, sa, sb int)) {
	n := bc.d[3]
	for r := lo; r < hi; r++ {
		i0, i1, i2 := r/(bc.d[1]*bc.d[2]), (r/bc.d[2])%bc.d[1], r%bc.d[2]
		ao := i0*bc.sa[0] + i1*bc.sa[1] + i2*bc.sa[2]
		bo := i0*bc.sb[0] + i1*bc.sb[1] + i2*bc.sb[2]
		fn(r*n, ao, bo, n, bc.sa[3], bc.sb[3])
	}
}

const (
	opAdd = iota
	opMul
)

// Add returns a + b with NumPy-style broadcasting.
func (t *Tape) Add(a, b *Tensor) *Tensor { return t.binary(opAdd, a, b) }

// Mul returns a ⊙ b with NumPy-style broadcasting.
func (t *Tape) Mul(a, b *Tensor) *Tensor { return t.binary(opMul, a, b) }

func (t *Tape) binary(op int, a, b *Tensor) *Tensor {
	shape, r, bc := broadcastShapes(a.Shape, b.Shape)
	out := t.alloc(shape[:r]...)
	if n := len(out.Data); n > 0 {
		if n < parallelMin || t.workers == 1 {
			binaryRows(op, &bc, out.Data, a.Data, b.Data, 0, bc.nrows())
		} else {
			bc2, od, ad, bd := bc, out.Data, a.Data, b.Data
			parallelFor(t.workers, bc.nrows(), func(_, lo, hi int) { binaryRows(op, &bc2, od, ad, bd, lo, hi) })
		}
	}
	if t.needs(a, b) {
		nd := t.push(binaryBack, out, a, b, nil)
		nd.i[0] = op
	}
	return out
}

// binaryRows computes output rows lo..hi-1 of a broadcast Add or Mul.
func binaryRows(op int, bc *bcast, od, ad, bd []float32, lo, hi int) {
	bc.rowsRange(lo, hi, func(o, ao, bo, n, sa, sb int) {
		dst := od[o : o+n]
		switch {
		case sa == 1 && sb == 1:
			x, y := ad[ao:ao+n], bd[bo:bo+n]
			if op == opAdd {
				for i := range dst {
					dst[i] = x[i] + y[i]
				}
			} else {
				for i := range dst {
					dst[i] = x[i] * y[i]
				}
			}
		case sa == 1:
			x, y := ad[ao:ao+n], bd[bo]
			if op == opAdd {
				for i := range dst {
					dst[i] = x[i] + y
				}
			} else {
				for i := range dst {
					dst[i] = x[i] * y
				}
			}
		case sb == 1:
			x, y := ad[ao], bd[bo:bo+n]
			if op == opAdd {
				for i := range dst {
					dst[i] = x + y[i]
				}
			} else {
				for i := range dst {
					dst[i] = x * y[i]
				}
			}
		default:
			v := ad[ao] + bd[bo]
			if op == opMul {
				v = ad[ao] * bd[bo]
			}
			for i := range dst {
				dst[i] = v
			}
		}
	})
}

func binaryBack(_ *Tape, nd *node) {
	a, b, g := nd.a, nd.b, nd.out.Grad
	op := nd.i[0]
	_, _, bc := broadcastShapes(a.Shape, b.Shape)
	// Operands of the output's full shape take their gradient in one
	// sweep (after the broadcast ones, since a may take over g's buffer);
	// broadcast ones go row by row.
	fullA, fullB := a.Numel() == len(g), b.Numel() == len(g)
	doneA := a.RequiresGrad && fullA && (op == opAdd || fullB)
	doneB := b.RequiresGrad && fullB && (op == opAdd || fullA)
	defer func() {
		if doneB {
			binaryFullBack(op, b, g, a.Data)
		}
		if doneA && !(op == opAdd && takeGrad(a, nd.out)) {
			binaryFullBack(op, a, g, b.Data)
		}
	}()
	var ga, gb []float32
	if a.RequiresGrad && !doneA {
		ga = grad(a)
	}
	if b.RequiresGrad && !doneB {
		gb = grad(b)
	}
	if ga == nil && gb == nil {
		return
	}
	ad, bd := a.Data, b.Data
	bc.rows(func(o, ao, bo, n, sa, sb int) {
		gr := g[o : o+n]
		if ga != nil {
			accumulateBinaryGrad(op, ga, ao, sa, gr, bd, bo, sb)
		}
		if gb != nil {
			accumulateBinaryGrad(op, gb, bo, sb, gr, ad, ao, sa)
		}
	})
}

// binaryFullBack adds (or writes) g (Add) or g⊙other (Mul) to x's
// gradient, x and other having g's shape.
func binaryFullBack(op int, x *Tensor, g, other []float32) {
	dx, ow := gradW(x)
	switch {
	case op == opAdd:
		copyOrAdd(dx, g, ow)
	case ow:
		other = other[:len(dx)]
		for i, v := range g {
			dx[i] = v * other[i]
		}
	default:
		other = other[:len(dx)]
		for i, v := range g {
			dx[i] += v * other[i]
		}
	}
}

// Scale returns c·x.
func (t *Tape) Scale(x *Tensor, c float32) *Tensor {
	out := t.alloc(x.Shape...)
	scaleInto(out.Data, x.Data, c, true)
	if t.needs(x) {
		nd := t.push(scaleBack, out, x, nil, nil)
		nd.f = c
	}
	return out
}

func scaleBack(t *Tape, nd *node) {
	if nd.a.RequiresGrad {
		t.scaleGradInto(nd.a, nd.out, nd.f)
	}
}

// SiLU returns x·σ(x) element-wise.
func (t *Tape) SiLU(x *Tensor) *Tensor {
	out := t.alloc(x.Shape...)
	siluForward(t.workers, out.Data, x.Data)
	if t.needs(x) {
		t.push(siluBack, out, x, nil, nil)
	}
	return out
}

func siluBack(t *Tape, nd *node) {
	if !nd.a.RequiresGrad {
		return
	}
	dx, ow := gradW(nd.a)
	siluBackward(t.workers, dx, nd.out.Grad, nd.a.Data, ow)
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

// Sum returns the sum of all elements as a [1] tensor.
func (t *Tape) Sum(x *Tensor) *Tensor {
	out := t.alloc(1)
	var s float64
	for _, v := range x.Data {
		s += float64(v)
	}
	out.Data[0] = float32(s)
	if t.needs(x) {
		t.push(sumBack, out, x, nil, nil)
	}
	return out
}

func sumBack(_ *Tape, nd *node) {
	if !nd.a.RequiresGrad {
		return
	}
	dx, g := grad(nd.a), nd.out.Grad[0]
	for i := range dx {
		dx[i] += g
	}
}

// Dot returns Σ a⊙b (same shapes) as a [1] tensor.
func (t *Tape) Dot(a, b *Tensor) *Tensor {
	if a.Numel() != b.Numel() {
		panic(fmt.Sprintf("ag.Dot: shapes %v and %v differ", a.Shape, b.Shape))
	}
	out := t.alloc(1)
	var s float64
	for i, v := range a.Data {
		s += float64(v) * float64(b.Data[i])
	}
	out.Data[0] = float32(s)
	if t.needs(a, b) {
		t.push(dotBack, out, a, b, nil)
	}
	return out
}

func dotBack(_ *Tape, nd *node) {
	g := nd.out.Grad[0]
	if nd.a.RequiresGrad {
		da := grad(nd.a)
		for i, v := range nd.b.Data {
			da[i] += g * v
		}
	}
	if nd.b.RequiresGrad {
		db := grad(nd.b)
		for i, v := range nd.a.Data {
			db[i] += g * v
		}
	}
}

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

// accumulateBinaryGrad adds one row's share of d(loss)/d(operand) to g: gr
// is the output gradient of the row, o and st the operand's offset and
// stride in it (stride 0: broadcast, so the row sums into one element), y,
// yo and ys the other operand's (the factor of a product).
func accumulateBinaryGrad(op int, g []float32, o, st int, gr, y []float32, yo, ys int) {
	n := len(gr)
	if st == 1 {
		dst := g[o : o+n]
		switch {
		case op == opAdd:
			addTo(dst, gr)
		case ys == 1:
			yy := y[yo : yo+n]
			for i := range dst {
				dst[i] += gr[i] * yy[i]
			}
		default:
			c := y[yo]
			for i := range dst {
				dst[i] += gr[i] * c
			}
		}
		return
	}
	var sum float32
	switch {
	case op == opAdd:
		for _, v := range gr {
			sum += v
		}
	case ys == 1:
		yy := y[yo : yo+n]
		for i, v := range gr {
			sum += v * yy[i]
		}
	default:
		for _, v := range gr {
			sum += v
		}
		sum *= y[yo]
	}
	g[o] += sum
}
