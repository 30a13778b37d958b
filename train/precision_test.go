package train

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Mixed precision must not change what training does beyond noise: two
// runs from the same seed (same weights, batches and noise), one with
// float32 products and one with bfloat16 ones, on a 2-d mixture of two
// Gaussians. Their mean losses over the last 100 of 400 steps must agree
// to 5 % (the loss's own step-to-step spread is tens of percent; bf16's
// rounding of products moves each step's loss by ~0.5 %), and the bf16
// run must really differ from the float32 one bit-wise (else the setting
// did nothing).
func TestBF16TrainingMatchesFloat32(t *testing.T) {
	const n, steps, tail = 2048, 400, 100
	rng := rand.New(rand.NewPCG(3, 5))
	x := make([]float32, 2*n)
	for i := 0; i < n; i++ {
		s := float64(2*(i%2) - 1)
		x[2*i], x[2*i+1] = float32(s+0.3*rng.NormFloat64()), float32(0.5*s+0.3*rng.NormFloat64())
	}
	run := func(precision string) []float64 {
		c := DefaultConfig()
		c.Data, c.Model, c.Dim, c.Batch, c.D = "test:two-gaussians", "mlp", 2, 128, 128
		c.LR, c.Warmup, c.Seed, c.Steps = 1e-3, 20, 7, steps
		c.Precision = precision
		tr, err := NewInMemory(&c, x)
		if err != nil {
			t.Fatal(err)
		}
		losses := make([]float64, steps)
		for i := range losses {
			if losses[i], err = tr.TrainStep(); err != nil {
				t.Fatalf("%s step %d: %v", precision, i+1, err)
			}
		}
		return losses
	}
	f32, bf := run("float32"), run("bf16")
	mean := func(l []float64) float64 {
		var s float64
		for _, v := range l {
			s += v
		}
		return s / float64(len(l))
	}
	m32, mbf := mean(f32[steps-tail:]), mean(bf[steps-tail:])
	if m32 >= 0.8*mean(f32[:20]) {
		t.Fatalf("float32 run did not learn: loss %.4g → %.4g", mean(f32[:20]), m32)
	}
	if rel := math.Abs(mbf-m32) / m32; rel > 0.05 {
		t.Errorf("mean loss over the last %d steps: bf16 %.5g, float32 %.5g (%.1f %% apart, want ≤ 5 %%)", tail, mbf, m32, 100*rel)
	}
	if f32[0] == bf[0] && f32[steps-1] == bf[steps-1] {
		t.Errorf("bf16 losses equal float32's bit for bit: products not rounded")
	}
	t.Logf("first loss %.5g / %.5g; mean of the last %d: float32 %.5g, bf16 %.5g", f32[0], bf[0], tail, m32, mbf)
}

func TestPrecisionIsValidated(t *testing.T) {
	c := DefaultConfig()
	c.Data, c.Model, c.Dim, c.Batch, c.Precision = "test:x", "mlp", 2, 8, "fp8"
	if _, err := NewInMemory(&c, make([]float32, 32)); err == nil {
		t.Fatal("precision fp8 accepted")
	}
}
