package nn

import (
	"fmt"
	"math/rand/v2"

	"github.com/pfgm/pfgm/ag"
)

// MLPConfig sizes the MLP-toy network. Zero values take the defaults:
// Width 256, Emb 32, Out = N.
type MLPConfig struct {
	N     int // input dimension
	Width int // hidden width
	Emb   int // noise-embedding width (even, ≥ 4)
	Out   int // output dimension
	// Classes > 0 makes the network class-conditional: a one-hot label is
	// embedded ("cls") and added where the noise embedding is.
	Classes int `json:",omitempty"`
}

func (c MLPConfig) withDefaults() MLPConfig {
	if c.Width == 0 {
		c.Width = 256
	}
	if c.Emb == 0 {
		c.Emb = 32
	}
	if c.Out == 0 {
		c.Out = c.N
	}
	return c
}

// MLP is MLP-toy: silu(inx(x) + ine(posemb(c_noise))) → 2 hidden SiLU
// layers → out. 141,314 parameters for N = 2 with the defaults.
type MLP struct {
	Cfg                    MLPConfig
	Inx, Ine, H1, H2, OutL *Linear
	Cls                    *Linear // nil unless Cfg.Classes > 0
}

// NewMLP initialises an MLP as PyTorch would (U(±1/√fan_in)) from rng.
func NewMLP(cfg MLPConfig, rng *rand.Rand) *MLP {
	cfg = cfg.withDefaults()
	if cfg.N < 1 || cfg.Emb%2 != 0 || cfg.Emb < 4 {
		panic(fmt.Sprintf("nn.NewMLP: bad config %+v", cfg))
	}
	m := &MLP{
		Cfg:  cfg,
		Inx:  NewLinear("inx", cfg.N, cfg.Width, rng),
		Ine:  NewLinear("ine", cfg.Emb, cfg.Width, rng),
		H1:   NewLinear("h1", cfg.Width, cfg.Width, rng),
		H2:   NewLinear("h2", cfg.Width, cfg.Width, rng),
		OutL: NewLinear("out", cfg.Width, cfg.Out, rng),
	}
	if cfg.Classes > 0 {
		m.Cls = NewLinear("cls", cfg.Classes, cfg.Width, rng)
	}
	return m
}

// Params lists the parameters in PyTorch's registration order.
func (m *MLP) Params() []*Param {
	var ps []*Param
	for _, l := range []*Linear{m.Inx, m.Ine, m.H1, m.H2, m.OutL} {
		ps = append(ps, l.Params()...)
	}
	if m.Cls != nil {
		ps = append(ps, m.Cls.Params()...)
	}
	return ps
}

// NumClasses is the number of labels the network is conditioned on (0: none).
func (m *MLP) NumClasses() int { return m.Cfg.Classes }

// SampleShape is [N].
func (m *MLP) SampleShape() []int { return []int{m.Cfg.N} }

// Forward maps x [B, N] and cNoise [B] to [B, Out].
func (m *MLP) Forward(t *ag.Tape, x, cNoise *ag.Tensor) *ag.Tensor {
	return m.ForwardClass(t, x, cNoise, nil)
}

// ForwardClass is Forward with one-hot class labels [B, Classes] (nil for
// an unconditional network).
func (m *MLP) ForwardClass(t *ag.Tape, x, cNoise, onehot *ag.Tensor) *ag.Tensor {
	pre := t.Add(m.Inx.Forward(t, x), m.Ine.Forward(t, t.PosEmb(cNoise, m.Cfg.Emb)))
	if m.Cls != nil {
		if onehot == nil {
			panic("nn.MLP: a class-conditional network needs labels")
		}
		pre = t.Add(pre, m.Cls.Forward(t, onehot))
	}
	h := t.SiLU(pre)
	h = t.SiLU(m.H1.Forward(t, h))
	h = t.SiLU(m.H2.Forward(t, h))
	return m.OutL.Forward(t, h)
}
