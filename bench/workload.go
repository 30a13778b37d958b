package bench

import (
	"fmt"
	"math/rand/v2"

	"github.com/pfgm/pfgm/ag"
	"github.com/pfgm/pfgm/gemm"
	"github.com/pfgm/pfgm/nn"
	"github.com/pfgm/pfgm/train"
)

// Workload is one timed step and what it is made of.
type Workload struct {
	Step   func() error
	Params int     // model parameters (0 for GEMM)
	Batch  int     // examples per step (0 for GEMM)
	Flops  float64 // floating-point operations per step when fixed (GEMM), else 0
	// ModelFlops, when not nil, counts the model's matrix-product flops
	// (2·m·n·k each, convolutions counted as the direct algorithm whichever
	// ran: ag.Tape.ModelFlops) so far, so Run can take a step's work from
	// its difference. The peer runs the same model, so its share of peak
	// is taken on the same count.
	ModelFlops func() int64
}

// NewGEMM is C = A·B for random n×n float32 matrices, the peer's `A @ B`.
func NewGEMM(n int, rng *rand.Rand) (*Workload, error) {
	w, _, _, _, err := newGEMM(n, rng)
	return w, err
}

// newGEMM also returns the operands, so a test can check the product.
func newGEMM(n int, rng *rand.Rand) (w *Workload, a, b, c []float32, err error) {
	if n < 1 {
		return nil, nil, nil, nil, fmt.Errorf("gemm size must be ≥ 1, got %d", n)
	}
	a, b, c = make([]float32, n*n), make([]float32, n*n), make([]float32, n*n)
	for i := range a {
		a[i], b[i] = float32(rng.NormFloat64()), float32(rng.NormFloat64())
	}
	step := func() error {
		gemm.Sgemm(false, false, n, n, n, 1, a, n, b, n, 0, c, n)
		return nil
	}
	fn := float64(n)
	return &Workload{Step: step, Flops: 2 * fn * fn * fn}, a, b, c, nil
}

// NewTrain is one training step of the peer: a PFGM++ perturbation with D
// augmented dimensions, the EDM-preconditioned model ("mlp": MLP-toy on
// 2-d points, "unet": UNet-mnist on 1×28×28), the weighted MSE, backward
// and Adam at lr 2e-4, on batch examples drawn uniformly from [−1, 1].
//
// It runs the project's trainer, which does a little more than the peer
// per step: it draws the batch from a stored set, checks that the loss and
// gradient norm are finite, and updates an EMA (decay 0 here, one pass over
// the weights). Warm-up of the learning rate and clipping are off, as in
// the peer.
func NewTrain(model string, batch int, D float64, rng *rand.Rand) (*Workload, error) {
	return newTrain(model, batch, D, "", rng)
}

// newTrain is NewTrain with the products' precision (train.Config.Precision).
func newTrain(model string, batch int, D float64, precision string, rng *rand.Rand) (*Workload, error) {
	if batch < 1 {
		return nil, fmt.Errorf("batch must be ≥ 1, got %d", batch)
	}
	c := train.DefaultConfig()
	c.Data = "bench:uniform"
	c.Model, c.D, c.Batch = model, D, batch
	c.LR, c.Warmup, c.EMA, c.ClipNorm = 2e-4, 0, 0, 0
	c.Seed = rng.Uint64()
	c.Precision = precision
	switch model {
	case "mlp":
		c.Dim = 2
	case "unet":
		c.ImageC, c.ImageH, c.ImageW = 1, 28, 28
		c.Dim = 28 * 28
	default:
		return nil, fmt.Errorf("no training benchmark for model %q (mlp or unet)", model)
	}
	x := make([]float32, batch*c.Dim)
	for i := range x {
		x[i] = float32(2*rng.Float64() - 1)
	}
	t, err := train.NewInMemory(&c, x)
	if err != nil {
		return nil, fmt.Errorf("%s trainer: %w", model, err)
	}
	step := func() error {
		_, err := t.TrainStep()
		return err
	}
	return &Workload{Step: step, Params: nn.CountParams(t.Model), Batch: batch, ModelFlops: t.ModelFlops}, nil
}

// NewSampleUNet is the peer's sample-unet: one forward pass of the
// preconditioned UNet-mnist on an inference tape (no gradients recorded,
// like torch.no_grad) for batch inputs drawn from N(0, 10²), all at sigma.
func NewSampleUNet(batch int, sigma float64, rng *rand.Rand) (*Workload, error) {
	w, _, err := newSampleUNet(batch, sigma, rng)
	return w, err
}

// newSampleUNet also returns where the step leaves D(x, σ), for tests.
func newSampleUNet(batch int, sigma float64, rng *rand.Rand) (*Workload, *[]float32, error) {
	if batch < 1 {
		return nil, nil, fmt.Errorf("batch must be ≥ 1, got %d", batch)
	}
	if !(sigma > 0) {
		return nil, nil, fmt.Errorf("sigma must be positive, got %v", sigma)
	}
	u, err := nn.NewUNet(nn.DefaultUNetConfig(1, 28, 28), rng)
	if err != nil {
		return nil, nil, fmt.Errorf("sample-unet: %w", err)
	}
	pre := &nn.Precond{Net: u, SigmaData: 0.5}
	xs := make([]float32, batch*28*28)
	for i := range xs {
		xs[i] = float32(10 * rng.NormFloat64())
	}
	sig := make([]float32, batch)
	for i := range sig {
		sig[i] = float32(sigma)
	}
	x := ag.FromData(xs, batch, 1, 28, 28)
	tape := ag.NewInferenceTape()
	var out []float32
	step := func() error {
		tape.Reset()
		out = pre.Forward(tape, x, sig).Data
		return nil
	}
	return &Workload{Step: step, Params: nn.CountParams(u), Batch: batch, ModelFlops: tape.ModelFlops}, &out, nil
}
