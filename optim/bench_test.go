package optim

import (
	"math/rand/v2"
	"testing"
)

// One Adam step over the U-Net's 1,065,409 parameters.
func BenchmarkAdamStepUNet(b *testing.B) {
	const n = 1065409
	rng := rand.New(rand.NewPCG(1, 1))
	p := Param{Name: "w", Data: make([]float32, n), Grad: make([]float32, n)}
	for i := range p.Data {
		p.Data[i] = float32(rng.NormFloat64())
		p.Grad[i] = float32(rng.NormFloat64())
	}
	a := NewAdam([]Param{p}, AdamConfig{Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: 0.01, Decoupled: true})
	b.SetBytes(n * 4)
	for b.Loop() {
		a.Step(1e-4)
	}
}

func BenchmarkEMAUpdateUNet(b *testing.B) {
	const n = 1065409
	ps := []Param{{Name: "w", Data: make([]float32, n)}}
	e := NewEMA(ps, 0.999)
	b.SetBytes(n * 4)
	for b.Loop() {
		e.Update(ps)
	}
}

func BenchmarkClipGradNormUNet(b *testing.B) {
	const n = 1065409
	ps := []Param{{Name: "w", Data: make([]float32, n), Grad: make([]float32, n)}}
	for i := range ps[0].Grad {
		ps[0].Grad[i] = 1
	}
	b.SetBytes(n * 4)
	for b.Loop() {
		ClipGradNorm(ps, 1e9)
	}
}
