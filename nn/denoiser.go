package nn

import (
	"context"
	"fmt"

	"github.com/pfgm/pfgm/ag"
)

// NetDenoiser runs a preconditioned network as a sampler Denoiser (the
// sampler package's interface: Dim and Denoise). It owns an inference tape
// and its buffers, so it is not safe for concurrent use; make one per
// goroutine.
type NetDenoiser struct {
	p     *Precond
	batch int
	shape []int // one sample
	dim   int
	tape  *ag.Tape
	sig   []float32

	// Labels, for a class-conditional network, holds the class of every
	// point of the x passed to Denoise (its length is the number of points).
	Labels []int
}

// Denoiser returns an adaptor evaluating D(x, σ) in chunks of at most batch
// samples. The network must implement SampleShaper.
func (p *Precond) Denoiser(batch int) *NetDenoiser {
	s, ok := p.Net.(SampleShaper)
	if !ok {
		panic(fmt.Sprintf("nn: %T does not report its sample shape", p.Net))
	}
	shape := append([]int(nil), s.SampleShape()...)
	dim := 1
	for _, v := range shape {
		dim *= v
	}
	if batch < 1 {
		batch = 1
	}
	return &NetDenoiser{p: p, batch: batch, shape: shape, dim: dim, tape: ag.NewInferenceTape()}
}

// Dim is the number of values in one sample.
func (d *NetDenoiser) Dim() int { return d.dim }

// Denoise writes D(x, σ) for a batch x of len(x)/Dim samples into out.
func (d *NetDenoiser) Denoise(ctx context.Context, x []float64, sigma float64, out []float64) error {
	if len(x)%d.dim != 0 || len(out) != len(x) {
		return fmt.Errorf("nn: denoise: %d inputs and %d outputs for sample size %d", len(x), len(out), d.dim)
	}
	if !(sigma > 0) {
		return fmt.Errorf("nn: denoise: sigma %v must be positive", sigma)
	}
	n := len(x) / d.dim
	k := NumClasses(d.p.Net)
	if k > 0 && len(d.Labels) != n {
		return fmt.Errorf("nn: denoise: a class-conditional network needs %d labels, have %d", n, len(d.Labels))
	}
	var shape [8]int
	copy(shape[1:], d.shape)
	r := len(d.shape) + 1
	for lo := 0; lo < n; lo += d.batch {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("nn: denoise: %w", err)
		}
		cb := min(d.batch, n-lo)
		shape[0] = cb
		if cap(d.sig) < cb {
			d.sig = make([]float32, cb)
		}
		sig := d.sig[:cb]
		for i := range sig {
			sig[i] = float32(sigma)
		}
		d.tape.Reset()
		xt := d.tape.NewTensor(shape[:r]...)
		for i, v := range x[lo*d.dim : (lo+cb)*d.dim] {
			xt.Data[i] = float32(v)
		}
		var onehot *ag.Tensor
		if k > 0 {
			var err error
			if onehot, err = OneHot(d.tape, d.Labels[lo:lo+cb], k); err != nil {
				return fmt.Errorf("nn: denoise: %w", err)
			}
		}
		y := d.p.ForwardClass(d.tape, xt, sig, onehot)
		o := out[lo*d.dim : (lo+cb)*d.dim]
		for i, v := range y.Data {
			o[i] = float64(v)
		}
	}
	return nil
}

// OneHot returns labels as one-hot rows [len(labels), k] on the tape t.
func OneHot(t *ag.Tape, labels []int, k int) (*ag.Tensor, error) {
	h := t.NewTensor(len(labels), k)
	for i, c := range labels {
		if c < 0 || c >= k {
			return nil, fmt.Errorf("class %d outside 0…%d", c, k-1)
		}
		h.Data[i*k+c] = 1
	}
	return h, nil
}
