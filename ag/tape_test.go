package ag

import (
	"math"
	"testing"
)

func TestExpf(t *testing.T) {
	worst := 0.0
	for x := -87.0; x <= 88; x += 0.0137 {
		got, want := float64(expf(float32(x))), math.Exp(float64(float32(x)))
		worst = math.Max(worst, math.Abs(got-want)/want)
	}
	if worst > 5e-7 {
		t.Errorf("expf worst relative error %.3g > 5e-7", worst)
	}
	if v := expf(-1000); v <= 0 || v > 1e-37 {
		t.Errorf("expf(-1000) = %v", v)
	}
	if v := expf(1000); math.IsInf(float64(v), 0) || v < 1e38 {
		t.Errorf("expf(1000) = %v", v)
	}
}

// An intermediate that feeds several ops gets the sum of their
// contributions (the first overwrites the stale buffer, the rest add), and
// a recorded op whose output never reaches the loss contributes nothing.
func TestIntermediateReuseAndDeadBranch(t *testing.T) {
	x := FromData([]float32{0.5, -1, 2}, 3).SetRequiresGrad()
	tp := NewTape()
	for step := 0; step < 3; step++ { // stale buffers from earlier steps must not leak in
		tp.Reset()
		x.ZeroGrad()
		h := tp.Scale(x, 3)                       // h = 3x
		_ = tp.SiLU(tp.Scale(h, 1000))            // dead branch
		y := tp.Add(tp.Mul(h, h), tp.Scale(h, 2)) // h² + 2h
		tp.Backward(tp.Sum(y))
		for i, v := range x.Data {
			want := 3 * (2*3*v + 2) // d/dx (9x² + 6x)
			if math.Abs(float64(x.Grad[i]-want)) > 1e-5 {
				t.Fatalf("step %d: grad[%d] = %v, want %v", step, i, x.Grad[i], want)
			}
		}
	}
}
