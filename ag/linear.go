package ag

import (
	"fmt"
)

// MatMul returns op(a)·op(b) for 2-D a and b, op being the transpose when
// the matching flag is set.
func (t *Tape) MatMul(a, b *Tensor, transA, transB bool) *Tensor {
	if len(a.Shape) != 2 || len(b.Shape) != 2 {
		panic(fmt.Sprintf("ag.MatMul: need 2-D operands, got %v and %v", a.Shape, b.Shape))
	}
	m, k := a.Shape[0], a.Shape[1]
	if transA {
		m, k = k, m
	}
	k2, n := b.Shape[0], b.Shape[1]
	if transB {
		k2, n = n, k2
	}
	if k != k2 {
		panic(fmt.Sprintf("ag.MatMul: inner dimensions differ: %v (T=%v) and %v (T=%v)", a.Shape, transA, b.Shape, transB))
	}
	out := t.alloc(m, n)
	t.sgemm(t.workers, transA, transB, m, n, k, 1, a.Data, a.Shape[1], b.Data, b.Shape[1], 0, out.Data, n)
	if t.needs(a, b) {
		nd := t.push(matMulBack, out, a, b, nil)
		nd.i = [4]int{m, n, k, boolInt(transA) | boolInt(transB)<<1}
	}
	return out
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func matMulBack(t *Tape, nd *node) {
	m, n, k := nd.i[0], nd.i[1], nd.i[2]
	transA, transB := nd.i[3]&1 != 0, nd.i[3]&2 != 0
	a, b, dc := nd.a, nd.b, nd.out.Grad
	lda, ldb := a.Shape[1], b.Shape[1]
	if a.RequiresGrad {
		da, ow := gradW(a)
		if !transA { // dA[m,k] = dC·op(B)ᵀ
			t.sgemm(t.workers, false, !transB, m, k, n, 1, dc, n, b.Data, ldb, beta(ow), da, lda)
		} else { // A stored [k,m]: dA = op(B)·dCᵀ
			t.sgemm(t.workers, transB, true, k, m, n, 1, b.Data, ldb, dc, n, beta(ow), da, lda)
		}
	}
	if b.RequiresGrad {
		db, ow := gradW(b)
		if !transB { // dB[k,n] = op(A)ᵀ·dC
			t.sgemm(t.workers, !transA, false, k, n, m, 1, a.Data, lda, dc, n, beta(ow), db, ldb)
		} else { // B stored [n,k]: dB = dCᵀ·op(A)
			t.sgemm(t.workers, true, transA, n, k, m, 1, dc, n, a.Data, lda, beta(ow), db, ldb)
		}
	}
}

// Linear returns x·wᵀ + bias for x [B, in], w [out, in] (PyTorch layout)
// and bias [out] (nil for none).
func (t *Tape) Linear(x, w, bias *Tensor) *Tensor {
	if len(x.Shape) != 2 || len(w.Shape) != 2 || x.Shape[1] != w.Shape[1] {
		panic(fmt.Sprintf("ag.Linear: x %v and weight %v do not fit", x.Shape, w.Shape))
	}
	bs, in, o := x.Shape[0], x.Shape[1], w.Shape[0]
	if bias != nil && bias.Numel() != o {
		panic(fmt.Sprintf("ag.Linear: bias %v for %d outputs", bias.Shape, o))
	}
	out := t.alloc(bs, o)
	t.sgemm(t.workers, false, true, bs, o, in, 1, x.Data, in, w.Data, in, 0, out.Data, o)
	if bias != nil {
		for r := 0; r < bs; r++ {
			addTo(out.Data[r*o:(r+1)*o], bias.Data)
		}
	}
	if t.needs(x, w, bias) {
		t.push(linearBack, out, x, w, bias)
	}
	return out
}

func linearBack(t *Tape, nd *node) {
	x, w, bias, dy := nd.a, nd.b, nd.c, nd.out.Grad
	bs, in, o := x.Shape[0], x.Shape[1], w.Shape[0]
	if x.RequiresGrad {
		dx, ow := gradW(x)
		t.sgemm(t.workers, false, false, bs, in, o, 1, dy, o, w.Data, in, beta(ow), dx, in)
	}
	if w.RequiresGrad {
		t.sgemm(t.workers, true, false, o, in, bs, 1, dy, o, x.Data, in, 1, grad(w), in)
	}
	if bias != nil && bias.RequiresGrad {
		db := grad(bias)
		for r := 0; r < bs; r++ {
			addTo(db, dy[r*o:(r+1)*o])
		}
	}
}

// addTo does dst[i] += src[i].
func addTo(dst, src []float32) { addToWith(useAVX512, dst, src) }

// copyOrAdd writes (overwrite) or adds src into dst, for a gradient
// contribution that gradW says may overwrite.
func copyOrAdd(dst, src []float32, overwrite bool) {
	if overwrite {
		copy(dst, src)
		return
	}
	addTo(dst, src)
}
