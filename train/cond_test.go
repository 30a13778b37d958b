package train

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/pfgm/pfgm/nn"
	"github.com/pfgm/pfgm/sampler"
)

// A class-conditional U-Net on two classes of tiny images — dark (−0.8) and
// bright (+0.8) — must draw dark images for class 0 and bright ones for 1.
func TestClassConditionalTraining(t *testing.T) {
	const n, side = 256, 8
	rng := rand.New(rand.NewPCG(5, 6))
	x := make([]float32, n*side*side)
	labels := make([]int, n)
	for i := range n {
		labels[i] = i % 2
		for j := range side * side {
			x[i*side*side+j] = float32(-0.8+1.6*float64(labels[i])) + float32(0.05*rng.NormFloat64())
		}
	}
	c := DefaultConfig()
	c.Data, c.Model, c.D, c.Steps, c.Batch = "test", "unet", 64, 300, 32
	c.Dim, c.ImageC, c.ImageH, c.ImageW = side*side, 1, side, side
	c.Cond, c.Classes, c.EMA, c.Warmup = true, 2, 0.9, 20
	c.UNet = &nn.UNetConfig{Channels: []int{8, 16}, ResBlocks: 1, Emb: 16}
	tr, err := newTrainerOn(c, &dataSet{src: &source{x: x, dim: c.Dim, labels: labels}, c: 1, h: side, w: side})
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Loop(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	m := &Model{Config: tr.Config, Pre: tr.Pre, Proc: tr.proc}
	opt := sampler.DefaultOptions()
	opt.Steps = 10
	for class, want := range []float64{-0.8, 0.8} {
		s, _, err := m.SampleClass(context.Background(), 16, 16, class, opt, rand.New(rand.NewPCG(1, 1)))
		if err != nil {
			t.Fatal(err)
		}
		mean := 0.0
		for _, v := range s {
			mean += v / float64(len(s))
		}
		t.Logf("class %d: mean pixel %.3f (data %.1f)", class, mean, want)
		// Measured within 0.1 of the data; an unconditional model would give ≈ 0.
		if mean*want < 0 || math.Abs(mean-want) > 0.3 {
			t.Errorf("class %d: mean pixel %.3f, want %.1f ± 0.3", class, mean, want)
		}
	}
	if _, _, err := m.SampleClass(context.Background(), 4, 4, 2, opt, rand.New(rand.NewPCG(1, 1))); err == nil {
		t.Error("class 2 of a 2-class run accepted")
	}
}
