package nn

import (
	"math/rand/v2"
	"testing"

	"github.com/pfgm/pfgm/ag"
	"github.com/pfgm/pfgm/internal/cputime"
)

// BenchmarkMLPStep is one MLP-toy training forward+backward at batch 1024
// (no optimiser), the Go side of torch_ref.py --model mlp.
func BenchmarkMLPStep(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	pc := &Precond{Net: NewMLP(MLPConfig{N: 2}, r)}
	x, y, sigma, w := newMLPBatch(1024, r)
	benchStep(b, pc, x, y, sigma, w)
}

// benchStep times training steps after one untimed step sizes the tape.
func benchStep(b *testing.B, pc *Precond, x, y *ag.Tensor, sigma []float32, w *ag.Tensor) {
	tp := ag.NewTape()
	mlpStep(tp, pc, x, y, sigma, w)
	b.ReportAllocs()
	b.ResetTimer()
	c := cputime.Start()
	for b.Loop() {
		mlpStep(tp, pc, x, y, sigma, w)
	}
	c.Report(b)
}

func unetBatch(bs int, r *rand.Rand) (*Precond, *ag.Tensor, *ag.Tensor, []float32, *ag.Tensor) {
	u, err := NewUNet(DefaultUNetConfig(1, 28, 28), r)
	if err != nil {
		panic(err)
	}
	x, y, w := ag.NewTensor(bs, 1, 28, 28), ag.NewTensor(bs, 1, 28, 28), ag.NewTensor(bs)
	for i := range x.Data {
		y.Data[i] = float32(2*r.Float64() - 1)
		x.Data[i] = y.Data[i] + float32(r.NormFloat64())
	}
	sigma := make([]float32, bs)
	for i := range sigma {
		sigma[i] = 1
		w.Data[i] = 5
	}
	return &Precond{Net: u}, x, y, sigma, w
}

// BenchmarkUNetStep is a UNet-mnist training forward+backward at batch 64
// (no optimiser), the Go side of torch_ref.py --model unet.
func BenchmarkUNetStep(b *testing.B) {
	pc, x, y, sigma, w := unetBatch(64, rand.New(rand.NewPCG(1, 2)))
	benchStep(b, pc, x, y, sigma, w)
}

// BenchmarkUNetForward is an inference forward at batch 64, the Go side of
// torch_ref.py --model sample-unet.
func BenchmarkUNetForward(b *testing.B) {
	pc, x, _, sigma, _ := unetBatch(64, rand.New(rand.NewPCG(1, 2)))
	tp := ag.NewInferenceTape()
	tp.Reset()
	pc.Forward(tp, x, sigma)
	b.ReportAllocs()
	b.ResetTimer()
	c := cputime.Start()
	for b.Loop() {
		tp.Reset()
		pc.Forward(tp, x, sigma)
	}
	c.Report(b)
}
