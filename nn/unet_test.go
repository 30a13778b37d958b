package nn

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/pfgm/pfgm/ag"
)

func TestUNetParamCount(t *testing.T) {
	u, err := NewUNet(DefaultUNetConfig(1, 28, 28), rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	if n := CountParams(u); n != 1065409 {
		t.Errorf("UNet-mnist has %d parameters, want 1,065,409", n)
	}
	seen := map[string]bool{}
	for _, p := range u.Params() {
		if seen[p.Name] {
			t.Errorf("duplicate parameter name %s", p.Name)
		}
		seen[p.Name] = true
	}
}

func TestUNetOtherShapes(t *testing.T) {
	for _, c := range []UNetConfig{
		DefaultUNetConfig(3, 32, 32),
		{C: 4, H: 16, W: 8, Channels: []int{16, 32}, ResBlocks: 1, Emb: 32},
		{C: 2, H: 8, W: 8, Channels: []int{8, 16, 16, 32}, ResBlocks: 1, AttnAtLowest: true, Emb: 16},
	} {
		u, err := NewUNet(c, rand.New(rand.NewPCG(3, 4)))
		if err != nil {
			t.Fatalf("%+v: %v", c, err)
		}
		pc := &Precond{Net: u}
		x := ag.NewTensor(2, c.C, c.H, c.W)
		for i := range x.Data {
			x.Data[i] = float32(i%7) - 3
		}
		d := pc.Forward(ag.NewInferenceTape(), x, []float32{0.5, 3})
		if !slices.Equal(d.Shape, x.Shape) {
			t.Errorf("%+v: output %v for input %v", c, d.Shape, x.Shape)
		}
	}
	if _, err := NewUNet(UNetConfig{C: 1, H: 28, W: 28, Channels: []int{32, 64, 64, 64}, ResBlocks: 2, Emb: 128}, rand.New(rand.NewPCG(1, 1))); err == nil {
		t.Error("28×28 with 4 levels (not divisible by 8): no error")
	}
	if _, err := NewUNet(UNetConfig{C: 1, H: 8, W: 8, Channels: []int{144}, ResBlocks: 1, Emb: 8}, rand.New(rand.NewPCG(1, 1))); err == nil {
		t.Error("144 channels (32 groups do not divide): no error")
	}
}

func TestUNetDenoiserChunks(t *testing.T) {
	// The adaptor must give the same result whatever the chunk size.
	cfg := UNetConfig{C: 2, H: 8, W: 8, Channels: []int{8, 16}, ResBlocks: 1, AttnAtLowest: true, Emb: 16}
	u, err := NewUNet(cfg, rand.New(rand.NewPCG(8, 9)))
	if err != nil {
		t.Fatal(err)
	}
	pc := &Precond{Net: u}
	const n = 5
	x := make([]float64, n*2*8*8)
	for i := range x {
		x[i] = math.Sin(float64(i))
	}
	a, b := make([]float64, len(x)), make([]float64, len(x))
	if err := pc.Denoiser(n).Denoise(context.Background(), x, 2.5, a); err != nil {
		t.Fatal(err)
	}
	if err := pc.Denoiser(2).Denoise(context.Background(), x, 2.5, b); err != nil {
		t.Fatal(err)
	}
	for i := range a {
		if math.Abs(a[i]-b[i]) > 1e-5*(1+math.Abs(a[i])) {
			t.Fatalf("out[%d]: %v in one chunk, %v in chunks of 2", i, a[i], b[i])
		}
	}
}
