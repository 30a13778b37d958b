package ag

import "fmt"

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
