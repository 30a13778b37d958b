package optim

import (
	"math"
	"testing"
)

func TestClipGradNorm(t *testing.T) {
	// Gradients (3, 4) and (12): global norm 13.
	ps := []Param{
		{Name: "a", Data: make([]float32, 2), Grad: []float32{3, 4}},
		{Name: "b", Data: make([]float32, 1), Grad: []float32{12}},
	}
	norm := ClipGradNorm(ps, 6.5)
	if norm != 13 {
		t.Fatalf("norm = %v, want 13", norm)
	}
	// Scaled by 6.5/(13+1e-6): each gradient halves (to float32 rounding)
	// and the new norm is 6.5·13/(13+1e-6).
	for _, c := range []struct {
		got  float32
		want float64
	}{{ps[0].Grad[0], 1.5}, {ps[0].Grad[1], 2}, {ps[1].Grad[0], 6}} {
		if math.Abs(float64(c.got)-c.want) > 1e-6 {
			t.Errorf("clipped grad %v, want %v", c.got, c.want)
		}
	}
	if got, want := GradNorm(ps), 6.5*13/(13+1e-6); math.Abs(got-want) > 1e-6 {
		t.Errorf("norm after clipping = %v, want %v", got, want)
	}
	// Below the limit nothing changes, bit for bit.
	before := append([]float32(nil), ps[0].Grad...)
	if n := ClipGradNorm(ps, 100); math.Abs(n-6.5) > 1e-5 {
		t.Errorf("norm = %v, want ≈ 6.5", n)
	}
	if ps[0].Grad[0] != before[0] || ps[0].Grad[1] != before[1] {
		t.Errorf("grad changed below the limit: %v → %v", before, ps[0].Grad)
	}
}

func TestClipGradNormNonFinite(t *testing.T) {
	for _, bad := range []float32{float32(math.NaN()), float32(math.Inf(-1))} {
		ps := []Param{{Name: "a", Data: make([]float32, 2), Grad: []float32{1, bad}}}
		norm := ClipGradNorm(ps, 1)
		if !math.IsNaN(norm) && !math.IsInf(norm, 0) {
			t.Errorf("grad %v: norm = %v, want NaN or Inf", bad, norm)
		}
		if ps[0].Grad[0] != 1 {
			t.Errorf("grad %v: finite gradient changed to %v", bad, ps[0].Grad[0])
		}
	}
}

// Against torch.nn.utils.clip_grad_norm_ (testdata/gen_torch_optim.py).
func TestClipGradNormMatchesTorch(t *testing.T) {
	ts := loadTorch(t)
	var ps []Param
	for _, n := range []string{"a", "b"} {
		g := ts["clip.before."+n].Data
		ps = append(ps, Param{Name: n, Data: make([]float32, len(g)), Grad: append([]float32(nil), g...)})
	}
	norm := ClipGradNorm(ps, 1)
	// Torch sums in float32 per tensor; ours in float64: relative 1e-6.
	if want := float64(ts["clip.norm"].Data[0]); math.Abs(norm-want) > 1e-6*want {
		t.Errorf("norm = %v, torch %v", norm, want)
	}
	for _, p := range ps {
		want := ts["clip.after."+p.Name].Data
		for i := range p.Grad {
			if d := math.Abs(float64(p.Grad[i] - want[i])); d > 1e-6*math.Abs(float64(want[i]))+1e-12 {
				t.Errorf("%s[%d] = %v, torch %v", p.Name, i, p.Grad[i], want[i])
			}
		}
	}
}

func TestWarmupLR(t *testing.T) {
	for _, c := range []struct {
		step, warmup int
		want         float64
	}{
		{0, 4, 0.25}, {1, 4, 0.5}, {2, 4, 0.75}, {3, 4, 1}, {100, 4, 1},
		{0, 0, 1}, {0, 1, 1}, {-5, 4, 0.25},
	} {
		if got := WarmupLR(1, c.step, c.warmup); got != c.want {
			t.Errorf("WarmupLR(1, %d, %d) = %v, want %v", c.step, c.warmup, got, c.want)
		}
	}
}
