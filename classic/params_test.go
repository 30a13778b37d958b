package classic

import (
	"math"
	"testing"
)

func TestParamsDesignExample(t *testing.T) {
	// DESIGN §3.7: N = 3072, σ₀ = 0.01, τ = 0.03, data norm 30 gives M = 287;
	// the CIFAR-10 norm 32 of the reference's calculator gives M = 291.
	for _, c := range []struct {
		norm float64
		m    int
	}{{30, 287}, {32, 291}} {
		p, err := NewParams(3072, c.norm)
		if err != nil {
			t.Fatal(err)
		}
		if p.M != c.m {
			t.Errorf("norm %v: M = %d, want %d", c.norm, p.M, c.m)
		}
		top := 0.01 * math.Pow(1.03, float64(c.m))
		if want := math.Sqrt(2/math.Pi) * top; math.Abs(p.ZMax-want) > 1e-12*want {
			t.Errorf("norm %v: z_max = %v, want %v", c.norm, p.ZMax, want)
		}
		if want := math.Sqrt(3072) * top; math.Abs(p.Upper-want) > 1e-12*want {
			t.Errorf("norm %v: upper = %v, want %v", c.norm, p.Upper, want)
		}
		if p.Gamma != 5 || p.Sigma0 != 0.01 || p.Tau != 0.03 {
			t.Errorf("defaults: %+v", p)
		}
	}
	// Closed form of the example: z_max ≈ 38.568, upper ≈ 2679.13.
	p, _ := NewParams(3072, 30)
	if math.Abs(p.ZMax-38.5677) > 1e-3 || math.Abs(p.Upper-2679.132) > 1e-2 {
		t.Errorf("z_max %v, upper %v", p.ZMax, p.Upper)
	}
}

func TestParamsErrorsAndNorm(t *testing.T) {
	if _, err := NewParams(0, 1); err == nil {
		t.Error("N = 0 accepted")
	}
	if _, err := NewParams(2, 0); err == nil {
		t.Error("norm 0 accepted")
	}
	// A tiny norm still gives M ≥ 1.
	if p, err := NewParams(2, 1e-9); err != nil || p.M != 1 {
		t.Errorf("tiny norm: %+v, %v", p, err)
	}
	// ‖(3,4)‖ = 5, ‖(0,0)‖ = 0: RMS norm √(25/2).
	got, err := TypicalNorm([]float32{3, 4, 0, 0}, 2)
	if err != nil || math.Abs(got-math.Sqrt(12.5)) > 1e-12 {
		t.Errorf("TypicalNorm = %v, %v", got, err)
	}
	if _, err := TypicalNorm([]float64{1, 2, 3}, 2); err == nil {
		t.Error("ragged data accepted")
	}
}
