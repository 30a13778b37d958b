package nn

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/pfgm/pfgm/ag"
	"github.com/pfgm/pfgm/gemm"
)

func TestMLPParamCount(t *testing.T) {
	m := NewMLP(MLPConfig{N: 2}, rand.New(rand.NewPCG(1, 2)))
	if n := CountParams(m); n != 141314 {
		t.Errorf("MLP(N=2) has %d parameters, want 141,314", n)
	}
	m = NewMLP(MLPConfig{N: 3, Width: 16, Emb: 8, Out: 5}, rand.New(rand.NewPCG(1, 2)))
	// inx 3·16+16, ine 8·16+16, h1/h2 16·16+16, out 16·5+5
	if n, want := CountParams(m), 64+144+2*272+85; n != want {
		t.Errorf("small MLP has %d parameters, want %d", n, want)
	}
}

func TestInitBounds(t *testing.T) {
	m := NewMLP(MLPConfig{N: 2}, rand.New(rand.NewPCG(3, 4)))
	// h1: fan_in 256, so U(±1/16); the sample max should come close to it.
	var mx float64
	for _, v := range m.H1.W.Data {
		mx = math.Max(mx, math.Abs(float64(v)))
	}
	if mx > 1.0/16 || mx < 0.99/16 {
		t.Errorf("h1.weight max |w| = %v, want just under 1/16", mx)
	}
}

// mlpStep is one training forward+backward of the preconditioned MLP with
// the weighted MSE loss, as the training loop runs it.
func mlpStep(tp *ag.Tape, pc *Precond, x, y *ag.Tensor, sigma []float32, w *ag.Tensor) float32 {
	tp.Reset()
	d := pc.Forward(tp, x, sigma)
	loss := tp.WeightedMSE(d, y, w)
	tp.Backward(loss)
	return loss.Data[0]
}

func newMLPBatch(bs int, r *rand.Rand) (x, y *ag.Tensor, sigma []float32, w *ag.Tensor) {
	x, y, w = ag.NewTensor(bs, 2), ag.NewTensor(bs, 2), ag.NewTensor(bs)
	sigma = make([]float32, bs)
	for i := range x.Data {
		y.Data[i] = float32(r.NormFloat64())
		x.Data[i] = y.Data[i] + float32(r.NormFloat64())
	}
	for i := range sigma {
		sigma[i] = float32(math.Exp(r.NormFloat64()*1.2 - 1.2))
		s := float64(sigma[i])
		w.Data[i] = float32((s*s + 0.25) / (s * s * 0.25))
	}
	return x, y, sigma, w
}

func TestMLPStepAllocs(t *testing.T) {
	const bs = 64
	r := rand.New(rand.NewPCG(5, 6))
	pc := &Precond{Net: NewMLP(MLPConfig{N: 2}, r)}
	x, y, sigma, w := newMLPBatch(bs, r)
	tp := ag.NewTape()
	// AllocsPerRun measures at GOMAXPROCS 1, where Sgemm below stays on one
	// goroutine; the tape's products follow the tape's own worker count.
	tp.SetWorkers(1)
	mlpStep(tp, pc, x, y, sigma, w)
	n := testing.AllocsPerRun(10, func() { mlpStep(tp, pc, x, y, sigma, w) })
	// Whatever Sgemm allocates itself is the gemm package's business: run
	// the step's 13 products (5 forward; backward: dW for all 5 layers, dX
	// for the 4 whose input needs a gradient) alone and allow exactly that.
	a, b, c := make([]float32, 1<<16), make([]float32, 1<<16), make([]float32, 1<<16)
	type mm struct {
		ta, tb  bool
		m, n, k int
	}
	calls := []mm{
		{false, true, bs, 256, 2}, {false, true, bs, 256, 32}, {false, true, bs, 256, 256},
		{false, true, bs, 256, 256}, {false, true, bs, 2, 256},
		{false, false, bs, 256, 2}, {true, false, 2, 256, bs},
		{false, false, bs, 256, 256}, {true, false, 256, 256, bs},
		{false, false, bs, 256, 256}, {true, false, 256, 256, bs},
		{true, false, 256, 32, bs}, {true, false, 256, 2, bs},
	}
	base := testing.AllocsPerRun(10, func() {
		for _, q := range calls {
			lda, ldb := q.k, q.n
			if q.ta {
				lda = q.m
			}
			if q.tb {
				ldb = q.k
			}
			gemm.Sgemm(q.ta, q.tb, q.m, q.n, q.k, 1, a, lda, b, ldb, 1, c, q.n)
		}
	})
	if n > base+2 {
		t.Errorf("steady-state MLP step allocates %v times; its products alone %v", n, base)
	}
	t.Logf("allocations per MLP step: %v (of which Sgemm: %v)", n, base)
}

func TestMLPLossDecreasesAlongGradient(t *testing.T) {
	// One plain gradient-descent step must lower the loss: checks that the
	// gradients point the right way through the whole model.
	r := rand.New(rand.NewPCG(7, 8))
	pc := &Precond{Net: NewMLP(MLPConfig{N: 2}, r)}
	x, y, sigma, w := newMLPBatch(128, r)
	tp := ag.NewTape()
	l0 := mlpStep(tp, pc, x, y, sigma, w)
	for _, p := range pc.Params() {
		for i, g := range p.Grad {
			p.Data[i] -= 1e-3 * g
		}
	}
	ZeroGrads(pc.Params())
	l1 := mlpStep(tp, pc, x, y, sigma, w)
	if !(l1 < l0) {
		t.Errorf("loss went from %v to %v after a gradient step", l0, l1)
	}
}

func TestDenoiserMatchesForward(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	pc := &Precond{Net: NewMLP(MLPConfig{N: 2}, r)}
	const n = 37 // not a multiple of the chunk size
	x64 := make([]float64, 2*n)
	x32 := make([]float32, 2*n)
	for i := range x64 {
		x64[i] = 3 * r.NormFloat64()
		x32[i] = float32(x64[i])
	}
	const sigma = 1.7
	den := pc.Denoiser(8)
	if den.Dim() != 2 {
		t.Fatalf("Dim() = %d", den.Dim())
	}
	out := make([]float64, 2*n)
	if err := den.Denoise(context.Background(), x64, sigma, out); err != nil {
		t.Fatal(err)
	}
	sig := make([]float32, n)
	for i := range sig {
		sig[i] = sigma
	}
	want := pc.Forward(ag.NewInferenceTape(), ag.FromData(x32, n, 2), sig)
	for i, v := range want.Data {
		if math.Abs(out[i]-float64(v)) > 1e-5*(1+math.Abs(float64(v))) {
			t.Fatalf("out[%d] = %v, forward gives %v", i, out[i], v)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := den.Denoise(ctx, x64, sigma, out); err == nil {
		t.Error("cancelled context: no error")
	}
	if err := den.Denoise(context.Background(), x64[:3], sigma, out[:3]); err == nil {
		t.Error("ragged input: no error")
	}
}

func TestPrecondLimits(t *testing.T) {
	// As σ → 0, c_skip → 1 and c_out → 0: D(x, σ) → x whatever the net.
	r := rand.New(rand.NewPCG(11, 12))
	pc := &Precond{Net: NewMLP(MLPConfig{N: 2}, r)}
	x := ag.FromData([]float32{0.3, -1.2}, 1, 2)
	d := pc.Forward(ag.NewInferenceTape(), x, []float32{1e-6})
	for i := range x.Data {
		if math.Abs(float64(d.Data[i]-x.Data[i])) > 1e-5 {
			t.Errorf("D(x, 1e-6)[%d] = %v, want ≈ %v", i, d.Data[i], x.Data[i])
		}
	}
}
