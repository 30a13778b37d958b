package nn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/pfgm/pfgm/ag"
)

// Conv2d is a stride-1 convolution with "same" padding (k/2), weight
// [out, in, k, k] and bias [out].
type Conv2d struct {
	W, B *Param
	Pad  int
}

// NewConv2d initialises a k×k convolution as PyTorch would.
func NewConv2d(prefix string, in, out, k int, rng *rand.Rand) *Conv2d {
	fan := in * k * k
	return &Conv2d{
		W:   newParam(prefix+".weight", fan, rng, out, in, k, k),
		B:   newParam(prefix+".bias", fan, rng, out),
		Pad: k / 2,
	}
}

// Forward applies the convolution to x [B, in, H, W].
func (c *Conv2d) Forward(t *ag.Tape, x *ag.Tensor) *ag.Tensor {
	return t.Conv2d(x, c.W.Tensor, c.B.Tensor, c.Pad)
}

// Params lists weight then bias.
func (c *Conv2d) Params() []*Param { return []*Param{c.W, c.B} }

// GroupNorm is torch.nn.GroupNorm(min(32, C/4), C, eps=1e-5) with an
// affine weight (γ = 1) and bias (β = 0).
type GroupNorm struct {
	Groups int
	W, B   *Param
}

// NewGroupNorm returns the models' GroupNorm for c channels.
func NewGroupNorm(prefix string, c int) (*GroupNorm, error) {
	g := min(32, c/4)
	if g < 1 || c%g != 0 {
		return nil, fmt.Errorf("nn: GroupNorm %s: %d channels do not split into min(32, C/4) = %d groups", prefix, c, g)
	}
	return &GroupNorm{Groups: g, W: constParam(prefix+".weight", 1, c), B: constParam(prefix+".bias", 0, c)}, nil
}

// Forward normalises x [B, C, …].
func (n *GroupNorm) Forward(t *ag.Tape, x *ag.Tensor) *ag.Tensor {
	return t.GroupNorm(x, n.Groups, n.W.Tensor, n.B.Tensor, 1e-5)
}

// ForwardSiLU is SiLU(GroupNorm(x)), fused.
func (n *GroupNorm) ForwardSiLU(t *ag.Tape, x *ag.Tensor) *ag.Tensor {
	return t.GroupNormSiLU(x, n.Groups, n.W.Tensor, n.B.Tensor, 1e-5)
}

// Params lists weight then bias.
func (n *GroupNorm) Params() []*Param { return []*Param{n.W, n.B} }

var sqrtHalf = float32(math.Sqrt(0.5))

// ResBlock is torch_ref.ResBlock: GroupNorm, SiLU, conv3×3, add the
// embedding projection, GroupNorm, SiLU, conv3×3, add the (1×1-projected
// when the width changes) input, times √½.
type ResBlock struct {
	N1, N2 *GroupNorm
	C1, C2 *Conv2d
	E      *Linear
	Skip   *Conv2d // nil when in == out
	Out    int
}

func newResBlock(prefix string, in, out, emb int, rng *rand.Rand) (*ResBlock, error) {
	n1, err := NewGroupNorm(prefix+".n1", in)
	if err != nil {
		return nil, err
	}
	n2, err := NewGroupNorm(prefix+".n2", out)
	if err != nil {
		return nil, err
	}
	r := &ResBlock{N1: n1, Out: out}
	r.C1 = NewConv2d(prefix+".c1", in, out, 3, rng)
	r.E = NewLinear(prefix+".e", emb, out, rng)
	r.N2 = n2
	r.C2 = NewConv2d(prefix+".c2", out, out, 3, rng)
	if in != out {
		r.Skip = NewConv2d(prefix+".skip", in, out, 1, rng)
	}
	return r, nil
}

// Params lists the parameters in PyTorch's registration order.
func (r *ResBlock) Params() []*Param {
	ps := append(r.N1.Params(), r.C1.Params()...)
	ps = append(ps, r.E.Params()...)
	ps = append(ps, r.N2.Params()...)
	ps = append(ps, r.C2.Params()...)
	if r.Skip != nil {
		ps = append(ps, r.Skip.Params()...)
	}
	return ps
}

// Forward maps x [B, in, H, W] and emb [B, E] to [B, out, H, W].
func (r *ResBlock) Forward(t *ag.Tape, x, emb *ag.Tensor) *ag.Tensor {
	// c1(…) + e(emb)[:, :, None, None], the add fused into the convolution.
	h := t.Conv2dAdd(r.N1.ForwardSiLU(t, x), r.C1.W.Tensor, r.C1.B.Tensor, r.E.Forward(t, emb), r.C1.Pad)
	h = r.C2.Forward(t, r.N2.ForwardSiLU(t, h))
	sk := x
	if r.Skip != nil {
		sk = r.Skip.Forward(t, x)
	}
	return t.AddScale(h, sk, sqrtHalf)
}

// Attn is torch_ref.Attn: GroupNorm, 1×1 qkv projection, softmax attention
// over positions, 1×1 output projection, residual, times √½.
type Attn struct {
	N         *GroupNorm
	QKV, Proj *Conv2d
}

func newAttn(prefix string, c int, rng *rand.Rand) (*Attn, error) {
	n, err := NewGroupNorm(prefix+".n", c)
	if err != nil {
		return nil, err
	}
	return &Attn{N: n, QKV: NewConv2d(prefix+".qkv", c, 3*c, 1, rng), Proj: NewConv2d(prefix+".proj", c, c, 1, rng)}, nil
}

// Params lists the parameters in PyTorch's registration order.
func (a *Attn) Params() []*Param {
	return append(append(a.N.Params(), a.QKV.Params()...), a.Proj.Params()...)
}

// Forward maps x [B, C, H, W] to the same shape.
func (a *Attn) Forward(t *ag.Tape, x *ag.Tensor) *ag.Tensor {
	o := t.Attention(a.QKV.Forward(t, a.N.Forward(t, x)))
	return t.AddScale(x, a.Proj.Forward(t, o), sqrtHalf)
}
