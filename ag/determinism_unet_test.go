package ag_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/pfgm/pfgm/ag"
	"github.com/pfgm/pfgm/nn"
)

// A whole U-Net at MNIST size (28×28, three levels, attention, a batch
// that no worker count from 2 to 5 splits evenly into its convolution
// groups) must give the same output and parameter gradients, bit for bit,
// on 1, 2, 3 and 5 workers.
func TestUNetIsDeterministic(t *testing.T) {
	cfg := nn.UNetConfig{C: 1, H: 28, W: 28, Channels: []int{16, 32, 32}, ResBlocks: 1, AttnAtLowest: true, Emb: 64}
	u, err := nn.NewUNet(cfg, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	const bs = 13
	r := rand.New(rand.NewPCG(3, 4))
	x, c := ag.NewTensor(bs, 1, 28, 28), ag.NewTensor(bs)
	for i := range x.Data {
		x.Data[i] = float32(r.NormFloat64())
	}
	for i := range c.Data {
		c.Data[i] = float32(r.NormFloat64())
	}
	params := u.Params()
	run := func(workers int) [][]float32 {
		for _, p := range params {
			p.SetRequiresGrad()
			p.ZeroGrad()
		}
		tp := ag.NewTape()
		tp.SetWorkers(workers)
		out := u.Forward(tp, x, c)
		tp.Backward(tp.Dot(out, out))
		res := [][]float32{append([]float32(nil), out.Data...)}
		for _, p := range params {
			res = append(res, append([]float32(nil), p.Grad...))
		}
		return res
	}
	ref := run(1)
	for _, w := range []int{2, 3, 5} {
		got := run(w)
		for k := range ref {
			what := "output"
			if k > 0 {
				what = "gradient of " + params[k-1].Name
			}
			n := 0
			for i := range ref[k] {
				if math.Float32bits(ref[k][i]) != math.Float32bits(got[k][i]) {
					n++
				}
			}
			if n > 0 {
				t.Errorf("%d workers: %s differs from 1 worker in %d of %d elements", w, what, n, len(ref[k]))
			}
		}
	}
}
