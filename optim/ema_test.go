package optim

import (
	"math"
	"strings"
	"testing"

	"github.com/pfgm/pfgm/safetensors"
)

func TestEMAArithmetic(t *testing.T) {
	p := []Param{{Name: "w", Data: []float32{0, 10}}}
	e := NewEMA(p, 0.9)
	p[0].Data[0], p[0].Data[1] = 1, 0
	e.Update(p)
	// 0.9·0 + 0.1·1 and 0.9·10 + 0.1·0.
	s := e.Shadow()[0].Data
	if s[0] != float32(0.1) || s[1] != 9 {
		t.Fatalf("shadow = %v, want [0.1 9]", s)
	}
	// After n updates towards a constant c from s₀: c + (s₀ − c)·decayⁿ.
	for range 49 {
		e.Update(p)
	}
	want := []float64{1 + (0-1)*math.Pow(0.9, 50), 0 + 10*math.Pow(0.9, 50)}
	for i := range want {
		if d := math.Abs(float64(s[i]) - want[i]); d > 1e-6 {
			t.Errorf("shadow[%d] = %v, want %v", i, s[i], want[i])
		}
	}
	if e.Updates() != 50 {
		t.Errorf("Updates() = %d, want 50", e.Updates())
	}
}

// With decay 0.9999 each update adds 1e-4·(p − s); float32 accumulation of
// s·0.9999 would stall, float64 per element does not.
func TestEMAHighDecayKeepsSmallIncrements(t *testing.T) {
	p := []Param{{Name: "w", Data: []float32{1}}}
	e := NewEMA(p, 0.9999)
	p[0].Data[0] = 2
	for range 1000 {
		e.Update(p)
	}
	want := 2 - math.Pow(0.9999, 1000)
	if got := float64(e.Shadow()[0].Data[0]); math.Abs(got-want) > 1e-5 {
		t.Errorf("shadow = %v, want %v", got, want)
	}
}

func TestEMASwapAndCopy(t *testing.T) {
	p := []Param{{Name: "w", Data: []float32{1, 2}}}
	e := NewEMA(p, 0.5)
	p[0].Data[0], p[0].Data[1] = 3, 4
	e.Update(p) // shadow = [2, 3]
	if err := e.Swap(p); err != nil {
		t.Fatal(err)
	}
	if p[0].Data[0] != 2 || p[0].Data[1] != 3 || e.Shadow()[0].Data[0] != 3 {
		t.Fatalf("after Swap: model %v shadow %v", p[0].Data, e.Shadow()[0].Data)
	}
	if err := e.Swap(p); err != nil {
		t.Fatal(err)
	}
	if p[0].Data[0] != 3 || p[0].Data[1] != 4 {
		t.Fatalf("Swap twice did not restore: %v", p[0].Data)
	}
	q := []Param{{Name: "w", Data: make([]float32, 2)}}
	if err := e.CopyTo(q); err != nil {
		t.Fatal(err)
	}
	if q[0].Data[0] != 2 || q[0].Data[1] != 3 {
		t.Fatalf("CopyTo gave %v", q[0].Data)
	}
	if err := e.CopyTo([]Param{{Name: "x", Data: make([]float32, 2)}}); err == nil {
		t.Error("CopyTo accepted a differently named parameter")
	}
	if err := e.Swap([]Param{{Name: "w", Data: make([]float32, 3)}}); err == nil {
		t.Error("Swap accepted a different length")
	}
}

func TestEMAStateRoundTrip(t *testing.T) {
	p := []Param{{Name: "w", Shape: []int{1, 2}, Data: []float32{1, 2}}}
	e := NewEMA(p, 0.99)
	p[0].Data[0] = 5
	e.Update(p)
	e.Update(p)
	st := e.State()

	f := NewEMA([]Param{{Name: "w", Shape: []int{1, 2}, Data: make([]float32, 2)}}, 0.99)
	if err := f.LoadState(st); err != nil {
		t.Fatal(err)
	}
	if f.Updates() != 2 {
		t.Errorf("Updates() = %d after load, want 2", f.Updates())
	}
	e.Update(p)
	f.Update(p)
	for i := range 2 {
		if math.Float32bits(e.Shadow()[0].Data[i]) != math.Float32bits(f.Shadow()[0].Data[i]) {
			t.Fatalf("resumed EMA differs: %v vs %v", e.Shadow()[0].Data, f.Shadow()[0].Data)
		}
	}

	g := NewEMA([]Param{{Name: "w", Shape: []int{2, 1}, Data: make([]float32, 2)}}, 0.99)
	if err := g.LoadState(st); err == nil || !strings.Contains(err.Error(), "shape") {
		t.Errorf("shape mismatch: err = %v", err)
	}
	st["ema.extra"] = safetensors.Tensor{Shape: []int{1}, Data: []float32{0}}
	if err := f.LoadState(st); err == nil || !strings.Contains(err.Error(), `"ema.extra"`) {
		t.Errorf("extra tensor: err = %v", err)
	}
}
