package train

import (
	"cmp"
	"fmt"
	"math/rand/v2"

	"github.com/pfgm/pfgm/nn"
)

// WithArchitecture returns c with the network's config filled in for the
// data shape: the default MLP (width 256) or U-Net when c has none, the
// input and output sizes and the number of classes. c itself is not
// changed; its Dim and image shape must be known.
func (c Config) WithArchitecture() (Config, error) {
	switch c.Model {
	case "mlp":
		var m nn.MLPConfig // the defaults below; mlpConfig's Out = Dim is wrong for yukawa and pfgm-field
		if c.MLP != nil {
			m = *c.MLP
		}
		// A config that names only the width gets the data's shape.
		m.N, m.Out = cmp.Or(m.N, c.Dim), cmp.Or(m.Out, c.outDim())
		m.Width, m.Emb = cmp.Or(m.Width, 256), cmp.Or(m.Emb, 32)
		m.Classes = c.Classes
		if m.N != c.Dim {
			return c, fmt.Errorf("the MLP takes %d inputs but the data have %d", m.N, c.Dim)
		}
		c.MLP = &m
	case "unet":
		if c.outDim() != c.Dim {
			return c, fmt.Errorf("the %s objective with the %s process needs the mlp model", c.objective(), c.process())
		}
		if c.ImageC == 0 {
			return c, fmt.Errorf("the U-Net needs image data (mnist, fashion-mnist or a PNG folder), not %s", c.Data)
		}
		def := nn.DefaultUNetConfig(c.ImageC, c.ImageH, c.ImageW)
		u := def
		if c.UNet != nil {
			u = *c.UNet
			u.Channels = append([]int(nil), u.Channels...)
		}
		u.C, u.H, u.W, u.Classes = c.ImageC, c.ImageH, c.ImageW, c.Classes
		if u.ResBlocks == 0 || u.Emb == 0 {
			u.ResBlocks, u.Emb, u.AttnAtLowest = def.ResBlocks, def.Emb, def.AttnAtLowest
		}
		c.UNet = &u
	default:
		return c, fmt.Errorf("unknown model %q (mlp or unet)", c.Model)
	}
	return c, nil
}

// BuildModel makes the network of c (with WithArchitecture's defaults for
// what c leaves unset) with weights drawn from rng. It does not change c.
func BuildModel(c Config, rng *rand.Rand) (nn.Model, error) {
	c, err := c.WithArchitecture()
	if err != nil {
		return nil, err
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if c.MLP != nil {
		return nn.NewMLP(*c.MLP, rng), nil
	}
	return nn.NewUNet(*c.UNet, rng)
}

// mlpConfig is MLP-toy's architecture with another width.
func mlpConfig(n, width int) nn.MLPConfig { return nn.MLPConfig{N: n, Width: width, Emb: 32, Out: n} }
