package ag

// Element-wise arithmetic: broadcast Add and Mul, Scale and SiLU (its
// kernels are in silu.go). Broadcasting itself is in broadcast.go.

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
