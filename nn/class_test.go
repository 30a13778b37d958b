package nn

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/pfgm/pfgm/ag"
)

// A class-conditional network: the label changes the output, its embedding
// gets the right gradient (central differences), and the Denoiser adaptor
// routes per-point labels.
func TestClassConditioning(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	m := NewMLP(MLPConfig{N: 2, Width: 16, Emb: 8, Classes: 3}, rng)
	base := NewMLP(MLPConfig{N: 2, Width: 16, Emb: 8}, rand.New(rand.NewPCG(1, 2)))
	if d := CountParams(m) - CountParams(base); d != 3*16+16 {
		t.Errorf("the label embedding adds %d parameters, want %d", d, 3*16+16)
	}
	pre := &Precond{Net: m}
	x := ag.FromData([]float32{0.3, -0.2, 0.3, -0.2}, 2, 2)
	sig := []float32{0.7, 0.7}
	hot := ag.FromData([]float32{1, 0, 0, 0, 0, 1}, 2, 3)

	loss := func() float64 {
		tp := ag.NewInferenceTape()
		y := pre.ForwardClass(tp, x, sig, hot)
		s := 0.0
		for i, v := range y.Data {
			s += float64(v) * float64(i+1)
		}
		return s
	}
	tp := ag.NewTape()
	for _, p := range m.Params() {
		p.SetRequiresGrad()
		p.ZeroGrad()
	}
	y := pre.ForwardClass(tp, x, sig, hot)
	if y.Data[0] == y.Data[2] && y.Data[1] == y.Data[3] {
		t.Error("two labels give the same output for the same input")
	}
	g := tp.NewTensor(2, 2)
	for i := range g.Data {
		g.Data[i] = float32(i + 1)
	}
	tp.Backward(tp.Dot(y, g))
	w := m.Cls.W
	for _, i := range []int{0, 5, 2*3 + 2, 15*3 + 1} {
		old := w.Data[i]
		const eps = 1e-2
		w.Data[i] = old + eps
		up := loss()
		w.Data[i] = old - eps
		down := loss()
		w.Data[i] = old
		fd := (up - down) / (2 * eps)
		if math.Abs(fd-float64(w.Grad[i])) > 2e-3*(1+math.Abs(fd)) {
			t.Errorf("cls.weight[%d]: gradient %v, central difference %v", i, w.Grad[i], fd)
		}
	}

	den := pre.Denoiser(1)
	out := make([]float64, 4)
	if err := den.Denoise(context.Background(), []float64{0.3, -0.2, 0.3, -0.2}, 0.7, out); err == nil {
		t.Error("a conditional denoiser without labels did not fail")
	}
	den.Labels = []int{0, 3}
	if err := den.Denoise(context.Background(), []float64{0.3, -0.2, 0.3, -0.2}, 0.7, out); err == nil {
		t.Error("label 3 of a 3-class network accepted")
	}
	den.Labels = []int{0, 2}
	if err := den.Denoise(context.Background(), []float64{0.3, -0.2, 0.3, -0.2}, 0.7, out); err != nil {
		t.Fatal(err)
	}
	for i, v := range out {
		if math.Abs(v-float64(y.Data[i])) > 1e-6 {
			t.Errorf("denoiser output %d: %v, tape %v", i, v, y.Data[i])
		}
	}
}
