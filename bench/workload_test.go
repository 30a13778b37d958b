package bench

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func testRNG() *rand.Rand { return rand.New(rand.NewPCG(7, 11)) }

func TestGEMMComputesTheProduct(t *testing.T) {
	const n = 37 // not a multiple of any kernel tile
	w, a, b, c, err := newGEMM(n, testRNG())
	if err != nil {
		t.Fatal(err)
	}
	if w.Flops != 2*n*n*n {
		t.Fatalf("flops %v, want 2n³ = %d", w.Flops, 2*n*n*n)
	}
	for i := range c {
		c[i] = float32(math.NaN()) // beta = 0 must ignore the old C
	}
	if err := w.Step(); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		for j := range n {
			var want, scale float64
			for k := range n {
				p := float64(a[i*n+k]) * float64(b[k*n+j])
				want += p
				scale += math.Abs(p)
			}
			// float32 accumulation: a few ulps of the sum of |terms|.
			if got := float64(c[i*n+j]); math.Abs(got-want) > 1e-5*scale {
				t.Fatalf("C[%d,%d] = %v, want %v (scale %v)", i, j, got, want, scale)
			}
		}
	}
	if _, err := NewGEMM(0, testRNG()); err == nil {
		t.Error("size 0 accepted")
	}
}

func TestTrainMLPIsThePeersModel(t *testing.T) {
	w, err := NewTrain("mlp", 16, 128, testRNG())
	if err != nil {
		t.Fatal(err)
	}
	if w.Params != 141314 || w.Batch != 16 {
		t.Fatalf("params %d batch %d, want 141314 (torch_ref MLP) and 16", w.Params, w.Batch)
	}
	for i := range 3 {
		if err := w.Step(); err != nil {
			t.Fatalf("step %d: %v", i+1, err)
		}
	}
}

func TestTrainRejectsBadSettings(t *testing.T) {
	for _, tc := range []struct {
		model string
		batch int
		D     float64
		want  string
	}{
		{"resnet", 8, 128, "resnet"},
		{"mlp", 0, 128, "batch"},
		{"mlp", 8, 0.5, "D"},
	} {
		if _, err := NewTrain(tc.model, tc.batch, tc.D, testRNG()); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("NewTrain(%q, %d, %v): got %v, want an error naming %q", tc.model, tc.batch, tc.D, err, tc.want)
		}
	}
}

func TestTrainUNetIsThePeersModel(t *testing.T) {
	w, err := NewTrain("unet", 2, 128, testRNG())
	if err != nil {
		t.Fatal(err)
	}
	if w.Params != 1065409 {
		t.Fatalf("params %d, want 1065409 (torch_ref UNet)", w.Params)
	}
	if err := w.Step(); err != nil {
		t.Fatal(err)
	}
}

func TestSampleUNetForwardIsRepeatable(t *testing.T) {
	w, out, err := newSampleUNet(2, 10, testRNG())
	if err != nil {
		t.Fatal(err)
	}
	if w.Params != 1065409 || w.Batch != 2 {
		t.Fatalf("params %d batch %d, want 1065409 (torch_ref UNet) and 2", w.Params, w.Batch)
	}
	if err := w.Step(); err != nil {
		t.Fatal(err)
	}
	first := slices.Clone(*out)
	if len(first) != 2*28*28 {
		t.Fatalf("output has %d values, want %d", len(first), 2*28*28)
	}
	for i, v := range first {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			t.Fatalf("output %d is %v", i, v)
		}
	}
	// The tape is reset and reused: a second pass on the same input must
	// give the same bits.
	if err := w.Step(); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(first, *out) {
		t.Fatal("second forward pass differs from the first")
	}
	if _, err := NewSampleUNet(0, 10, testRNG()); err == nil {
		t.Error("batch 0 accepted")
	}
	if _, err := NewSampleUNet(1, 0, testRNG()); err == nil {
		t.Error("sigma 0 accepted")
	}
}

func TestRunReportsThePeersFields(t *testing.T) {
	rep, err := Run(context.Background(), Config{Name: "gemm", Size: 16, Steps: 3})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Impl != "pfgm-go" || rep.Model != "gemm" || rep.Size != 16 || rep.Steps != 3 || rep.Params != 0 || rep.Batch != 0 {
		t.Fatalf("report %+v", rep)
	}
	if rep.Threads < 1 || rep.MinMS > rep.MedianMS || rep.MinMS < 0 || rep.PeakRSSMB <= 0 {
		t.Fatalf("report %+v: threads, times or RSS out of range", rep)
	}
	if _, err := Run(context.Background(), Config{Name: "resnet"}); err == nil {
		t.Error("unknown benchmark accepted")
	}
	if _, err := Run(context.Background(), Config{Name: "gemm", Steps: -1}); err == nil {
		t.Error("negative steps accepted")
	}
}

func TestDefaultsAreThePeers(t *testing.T) {
	for _, tc := range []struct {
		name                 string
		batch, steps, warmup int
	}{
		{"gemm", 0, 20, 3}, {"mlp", 1024, 60, 2}, {"unet", 64, 8, 2}, {"sample-unet", 64, 8, 2},
	} {
		c, warmup, err := Config{Name: tc.name}.withDefaults()
		if err != nil {
			t.Fatal(err)
		}
		if c.Batch != tc.batch || c.Steps != tc.steps || warmup != tc.warmup || c.D != 128 || c.Size != 1024 {
			t.Errorf("%s: %+v warm-up %d, want batch %d steps %d warm-up %d, D 128, size 1024",
				tc.name, c, warmup, tc.batch, tc.steps, tc.warmup)
		}
	}
}

// A dense network's training step does 2·B·P flops of products forward
// (each weight once per example), as many for the weight gradients and at
// most as many for the input gradients: 4·B·P_w ≤ flops ≤ 6·B·P, with
// P_w the weights in matrix products (all but the biases and norms, ≥ 95 %
// of MLP-toy's parameters). Run must report that count at the step's rate,
// and its share of the peak it was given.
func TestRunCountsTrainingFlops(t *testing.T) {
	const batch, steps = 32, 3
	rep, err := Run(context.Background(), Config{Name: "mlp", Batch: batch, Steps: steps, Peak: 1000})
	if err != nil {
		t.Fatal(err)
	}
	flops := rep.GFLOPS * 1e9 * rep.MedianMS / 1e3 // per step, to GFLOPS's rounding
	p := float64(rep.Params)
	lo, hi := 4*batch*0.95*p, 6*batch*p
	if flops < 0.9*lo || flops > 1.1*hi {
		t.Fatalf("%.4g flops a step, want within [%.4g, %.4g] (B = %d, P = %d)", flops, lo, hi, batch, rep.Params)
	}
	if rep.PeakGFLOPS != 1000 || math.Abs(rep.PeakShare-rep.GFLOPS/1000) > 1e-3 {
		t.Errorf("peak %v, share %v: want the given 1000 and GFLOPS/1000 = %v", rep.PeakGFLOPS, rep.PeakShare, rep.GFLOPS/1000)
	}
	t.Logf("%.4g flops a step (%.2f·B·P)", flops, flops/(batch*p))
}
