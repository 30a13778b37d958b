package pipeline

import (
	"github.com/pfgm/pfgm/nn"
	"github.com/pfgm/pfgm/train"
)

// Rough sizes of a run's network, for the memory estimates: they count
// the big terms (weight matrices, activations kept for the backward pass)
// and err on the large side; they do not need to be exact to stop a
// width of 10⁸ or an image size of 10⁵.

// modelShape is the network a config will build, with train's defaults
// filled in.
type modelShape struct {
	mlp  *nn.MLPConfig
	unet *nn.UNetConfig
}

func shapeOf(c *train.Config) modelShape {
	if c.Model == "unet" || (c.Model == "" && c.ImageC > 0) {
		u := nn.DefaultUNetConfig(max(1, c.ImageC), max(1, c.ImageH), max(1, c.ImageW))
		if c.UNet != nil {
			if len(c.UNet.Channels) > 0 {
				u.Channels = c.UNet.Channels
			}
			if c.UNet.ResBlocks > 0 {
				u.ResBlocks = c.UNet.ResBlocks
			}
			if c.UNet.Emb > 0 {
				u.Emb = c.UNet.Emb
			}
		}
		return modelShape{unet: &u}
	}
	m := nn.MLPConfig{N: max(1, c.Dim), Width: 256, Emb: 32, Out: max(1, c.Dim) + 1}
	if c.MLP != nil && c.MLP.Width > 0 {
		m.Width = c.MLP.Width
	}
	return modelShape{mlp: &m}
}

// params is about how many weights the network has.
func (s modelShape) params() int64 {
	if m := s.mlp; m != nil {
		w := m.Width
		return sum(product(w, w, 2), product(w, m.N+m.Emb+m.Out+4))
	}
	u := s.unet
	var p int64
	for _, ch := range u.Channels {
		// Each level: ResBlocks in the encoder and the decoder, two 3×3
		// convolutions each (the decoder's first takes the skip too).
		p = sum(p, product(2*u.ResBlocks, 2, 9, ch, 2*ch), product(4*u.ResBlocks, u.Emb, ch))
	}
	low := u.Channels[len(u.Channels)-1]
	p = sum(p, product(2, 2, 9, low, low), product(8, low, low), product(u.Emb, u.Emb, 2), product(18, u.C, u.Channels[0]))
	return p
}

// activations is about how many bytes one example's forward pass keeps
// (all of them when training, for the backward pass; a few layers at a
// time when sampling).
func (s modelShape) activations(training bool) int64 {
	if m := s.mlp; m != nil {
		return product(m.Width, 12, 4)
	}
	u := s.unet
	var a int64
	hw := product(u.H, u.W)
	for l, ch := range u.Channels {
		plane := hw >> (2 * l)
		// Per ResBlock: two convolutions, norms and SiLUs kept for the
		// backward pass: about 6 float32 a channel and pixel (calibrated on
		// the U-Net benchmark: batch 64 of MNIST estimated at 0.6 GiB,
		// measured peak 660 MiB with the data).
		a = sum(a, product(int(min(plane, 1<<40)), ch, 4*u.ResBlocks+2, 6, 4))
	}
	low := hw >> (2 * (len(u.Channels) - 1))
	a = sum(a, product(int(min(low, 1<<31)), int(min(low, 1<<31)), 3, 4)) // attention weights
	if !training {
		a /= 4
	}
	return a
}

// sum adds non-negative sizes, saturating at MaxInt64.
func sum(v ...int64) int64 {
	var s int64
	for _, x := range v {
		if s > (1<<63-1)-x {
			return 1<<63 - 1
		}
		s += x
	}
	return s
}
