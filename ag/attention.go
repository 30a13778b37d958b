package ag

import (
	"fmt"
	"math"
)

// Attention is single-head softmax self-attention over the positions of a
// feature map, as torch_ref.Attn computes it after its qkv convolution:
// qkv [B,3C,H,W] splits into q, k, v [B,C,N] (N = H·W),
// a = softmax_j(Σ_c q[c,i]·k[c,j] / √C), o[c,i] = Σ_j a[i,j]·v[c,j];
// the result is o as [B,C,H,W].
func (t *Tape) Attention(qkv *Tensor) *Tensor {
	if len(qkv.Shape) != 4 || qkv.Shape[1]%3 != 0 {
		panic(fmt.Sprintf("ag.Attention: need [B,3C,H,W], got %v", qkv.Shape))
	}
	bs, c, h, w := qkv.Shape[0], qkv.Shape[1]/3, qkv.Shape[2], qkv.Shape[3]
	n := h * w
	out := t.alloc(bs, c, h, w)
	att := t.alloc(bs, n, n)
	scale := float32(1 / math.Sqrt(float64(c)))
	th := t.innerThreads(min(t.workers, bs))
	run := func(_, lo, hi int) {
		for b := lo; b < hi; b++ {
			q, k, v := qkvSplit(qkv.Data, b, c*n)
			a := att.Data[b*n*n : (b+1)*n*n]
			t.sgemm(th, true, false, n, n, c, scale, q, n, k, n, 0, a, n)
			for i := 0; i < n; i++ {
				softmaxRow(useAVX512, a[i*n:(i+1)*n])
			}
			t.sgemm(th, false, true, c, n, n, 1, v, n, a, n, 0, out.Data[b*c*n:(b+1)*c*n], n)
		}
	}
	parallelFor(t.workers, bs, run)
	if t.needs(qkv) {
		nd := t.push(attentionBack, out, qkv, nil, nil)
		nd.aux = att
		nd.f = scale
	}
	return out
}

// qkvSplit returns sample b's q, k and v blocks (cn = C·N floats each) of
// a [B,3C,N] buffer.
func qkvSplit(d []float32, b, cn int) (q, k, v []float32) {
	s := d[3*b*cn : 3*(b+1)*cn]
	return s[:cn], s[cn : 2*cn], s[2*cn:]
}

func attentionBack(t *Tape, nd *node) {
	qkv := nd.a
	if !qkv.RequiresGrad {
		return
	}
	bs, c := qkv.Shape[0], qkv.Shape[1]/3
	n := qkv.Shape[2] * qkv.Shape[3]
	dqkv, ow := gradW(qkv)
	bt := beta(ow)
	scale := nd.f
	th := t.innerThreads(min(t.workers, bs))
	run := func(wk, lo, hi int) {
		ds := t.scratch(wk, 0, n*n)
		for b := lo; b < hi; b++ {
			q, k, v := qkvSplit(qkv.Data, b, c*n)
			dq, dk, dv := qkvSplit(dqkv, b, c*n)
			a := nd.aux.Data[b*n*n : (b+1)*n*n]
			do := nd.out.Grad[b*c*n : (b+1)*c*n]
			// dV = dO·A, dA = dOᵀ·V.
			t.sgemm(th, false, false, c, n, n, 1, do, n, a, n, bt, dv, n)
			t.sgemm(th, true, false, n, n, c, 1, do, n, v, n, 0, ds, n)
			// Softmax backward: dS = A ⊙ (dA − Σ_j dA⊙A), then the 1/√C.
			for i := 0; i < n; i++ {
				ar, dr := a[i*n:(i+1)*n], ds[i*n:(i+1)*n]
				var dot float32
				for j, av := range ar {
					dot += av * dr[j]
				}
				for j, av := range ar {
					dr[j] = av * (dr[j] - dot)
				}
			}
			// S = scale·qᵀk: dq = scale·k·dSᵀ, dk = scale·q·dS.
			t.sgemm(th, false, true, c, n, n, scale, k, n, ds, n, bt, dq, n)
			t.sgemm(th, false, false, c, n, n, scale, q, n, ds, n, bt, dk, n)
		}
	}
	parallelFor(t.workers, bs, run)
}
