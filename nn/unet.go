package nn

import (
	"fmt"
	"math/rand/v2"
	"strconv"

	"github.com/pfgm/pfgm/ag"
)

// UNetConfig sizes the U-Net. With DefaultUNetConfig(1, 28, 28) it is
// UNet-mnist of the PyTorch peer (1,065,409 parameters).
type UNetConfig struct {
	C, H, W      int   // input channels and size
	Channels     []int // width at each resolution, finest first (32, 64, 64)
	ResBlocks    int   // ResBlocks per level in the encoder and decoder (2)
	AttnAtLowest bool  // attention after the coarsest encoder level and between the middle ResBlocks
	Emb          int   // noise-embedding width (128)
	// Classes > 0 makes the network class-conditional: a one-hot label is
	// embedded ("cls") and added to the noise embedding, as EDM does.
	Classes int `json:",omitempty"`
}

// posEmbWidth is the width of the sinusoidal embedding fed to e1.
const posEmbWidth = 32

// DefaultUNetConfig is the peer's UNet for c×h×w inputs.
func DefaultUNetConfig(c, h, w int) UNetConfig {
	return UNetConfig{C: c, H: h, W: w, Channels: []int{32, 64, 64}, ResBlocks: 2, AttnAtLowest: true, Emb: 128}
}

// UNet is torch_ref.UNet generalised to any number of levels: per level
// ResBlocks ResBlocks, average-pool down between levels, one skip per
// level, attention at the coarsest level, a middle ResBlock–attention–
// ResBlock, and a mirrored decoder with nearest up-sampling.
type UNet struct {
	Cfg    UNetConfig
	E1, E2 *Linear
	Cls    *Linear // nil unless Cfg.Classes > 0
	Cin    *Conv2d
	Enc    [][]*ResBlock
	Att    *Attn // nil without AttnAtLowest
	Mid1   *ResBlock
	MAtt   *Attn // nil without AttnAtLowest
	Mid2   *ResBlock
	Dec    [][]*ResBlock // Dec[l] is level l (applied coarsest first)
	NOut   *GroupNorm
	Cout   *Conv2d
}

// NewUNet initialises a U-Net as PyTorch would, from rng.
func NewUNet(cfg UNetConfig, rng *rand.Rand) (*UNet, error) {
	lv := len(cfg.Channels)
	if cfg.C < 1 || lv < 1 || cfg.ResBlocks < 1 || cfg.Emb < 1 {
		return nil, fmt.Errorf("nn: UNet config %+v: need C ≥ 1, channels, ResBlocks ≥ 1 and Emb ≥ 1", cfg)
	}
	if f := 1 << (lv - 1); cfg.H < f || cfg.W < f || cfg.H%f != 0 || cfg.W%f != 0 {
		return nil, fmt.Errorf("nn: UNet: %d×%d input does not halve %d times", cfg.H, cfg.W, lv-1)
	}
	cfg.Channels = append([]int(nil), cfg.Channels...)
	u := &UNet{Cfg: cfg}
	u.E1 = NewLinear("e1", posEmbWidth, cfg.Emb, rng)
	u.E2 = NewLinear("e2", cfg.Emb, cfg.Emb, rng)
	if cfg.Classes > 0 {
		u.Cls = NewLinear("cls", cfg.Classes, cfg.Emb, rng)
	}
	ch := cfg.Channels
	u.Cin = NewConv2d("cin", cfg.C, ch[0], 3, rng)
	var err error
	block := func(name string, in, out int) *ResBlock {
		if err != nil {
			return nil
		}
		var r *ResBlock
		r, err = newResBlock(name, in, out, cfg.Emb, rng)
		return r
	}
	cur := ch[0]
	u.Enc = make([][]*ResBlock, lv)
	for l := 0; l < lv; l++ {
		for i := 0; i < cfg.ResBlocks; i++ {
			u.Enc[l] = append(u.Enc[l], block("enc"+strconv.Itoa(l)+"."+strconv.Itoa(i), cur, ch[l]))
			cur = ch[l]
		}
	}
	if cfg.AttnAtLowest && err == nil {
		u.Att, err = newAttn("att"+strconv.Itoa(lv-1), cur, rng)
	}
	u.Mid1 = block("mid1", cur, cur)
	if cfg.AttnAtLowest && err == nil {
		u.MAtt, err = newAttn("matt", cur, rng)
	}
	u.Mid2 = block("mid2", cur, cur)
	u.Dec = make([][]*ResBlock, lv)
	for l := lv - 1; l >= 0; l-- {
		for i := 0; i < cfg.ResBlocks; i++ {
			in := cur
			if i == 0 {
				in += ch[l] // the level's skip
			}
			u.Dec[l] = append(u.Dec[l], block("dec"+strconv.Itoa(l)+"."+strconv.Itoa(i), in, ch[l]))
			cur = ch[l]
		}
	}
	if err == nil {
		u.NOut, err = NewGroupNorm("nout", cur)
	}
	if err != nil {
		return nil, err
	}
	u.Cout = NewConv2d("cout", cur, cfg.C, 3, rng)
	return u, nil
}

// Params lists the parameters in PyTorch's registration order.
func (u *UNet) Params() []*Param {
	ps := append(u.E1.Params(), u.E2.Params()...)
	ps = append(ps, u.Cin.Params()...)
	for _, lvl := range u.Enc {
		for _, b := range lvl {
			ps = append(ps, b.Params()...)
		}
	}
	if u.Att != nil {
		ps = append(ps, u.Att.Params()...)
	}
	ps = append(ps, u.Mid1.Params()...)
	if u.MAtt != nil {
		ps = append(ps, u.MAtt.Params()...)
	}
	ps = append(ps, u.Mid2.Params()...)
	for l := len(u.Dec) - 1; l >= 0; l-- {
		for _, b := range u.Dec[l] {
			ps = append(ps, b.Params()...)
		}
	}
	ps = append(ps, u.NOut.Params()...)
	ps = append(ps, u.Cout.Params()...)
	if u.Cls != nil {
		ps = append(ps, u.Cls.Params()...)
	}
	return ps
}

// NumClasses is the number of labels the network is conditioned on (0: none).
func (u *UNet) NumClasses() int { return u.Cfg.Classes }

// SampleShape is [C, H, W].
func (u *UNet) SampleShape() []int { return []int{u.Cfg.C, u.Cfg.H, u.Cfg.W} }

// Forward maps x [B, C, H, W] and cNoise [B] to [B, C, H, W].
func (u *UNet) Forward(t *ag.Tape, x, cNoise *ag.Tensor) *ag.Tensor {
	return u.ForwardClass(t, x, cNoise, nil)
}

// ForwardClass is Forward with one-hot class labels [B, Classes] (nil for
// an unconditional network).
func (u *UNet) ForwardClass(t *ag.Tape, x, cNoise, onehot *ag.Tensor) *ag.Tensor {
	emb := u.E2.Forward(t, t.SiLU(u.E1.Forward(t, t.PosEmb(cNoise, posEmbWidth))))
	if u.Cls != nil {
		if onehot == nil {
			panic("nn.UNet: a class-conditional network needs labels")
		}
		emb = t.Add(emb, u.Cls.Forward(t, onehot))
	}
	h := u.Cin.Forward(t, x)
	lv := len(u.Enc)
	var skipsArr [8]*ag.Tensor
	skips := skipsArr[:0]
	for l := 0; l < lv; l++ {
		for _, b := range u.Enc[l] {
			h = b.Forward(t, h, emb)
		}
		if l == lv-1 && u.Att != nil {
			h = u.Att.Forward(t, h)
		}
		skips = append(skips, h)
		if l < lv-1 {
			h = t.AvgPool2(h)
		}
	}
	h = u.Mid1.Forward(t, h, emb)
	if u.MAtt != nil {
		h = u.MAtt.Forward(t, h)
	}
	h = u.Mid2.Forward(t, h, emb)
	for l := lv - 1; l >= 0; l-- {
		if l < lv-1 {
			h = t.UpsampleConcat(h, skips[l]) // Concat(Upsample2(h), skip)
		} else {
			h = t.Concat(h, skips[l])
		}
		for _, b := range u.Dec[l] {
			h = b.Forward(t, h, emb)
		}
	}
	return u.Cout.Forward(t, u.NOut.ForwardSiLU(t, h))
}
