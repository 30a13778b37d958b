package quantize

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/pfgm/pfgm/nn"
)

// Every rounded value lies within Δ/2 of the original (plus float32's
// rounding of the result, half an ulp of the largest magnitude), takes at
// most 2^B distinct values, and the ends of the range are kept.
func TestValuesErrorBound(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, bits := range []int{1, 2, 4, 5, 6, 8, 12} {
		w := make([]float32, 5000)
		for i := range w {
			w[i] = float32(0.3*rng.NormFloat64() + 0.1)
		}
		orig := slices.Clone(w)
		lo, hi, err := Values(w, bits)
		if err != nil {
			t.Fatal(err)
		}
		if lo != float64(slices.Min(orig)) || hi != float64(slices.Max(orig)) {
			t.Errorf("%d bits: range [%v, %v], want [%v, %v]", bits, lo, hi, slices.Min(orig), slices.Max(orig))
		}
		ulp := math.Max(math.Abs(lo), math.Abs(hi)) * 0x1p-24
		bound := Bound(lo, hi, bits) + ulp
		worst := 0.0
		for i := range w {
			worst = max(worst, math.Abs(float64(w[i])-float64(orig[i])))
		}
		if worst > bound {
			t.Errorf("%d bits: max error %v > bound %v", bits, worst, bound)
		}
		// The bound is tight: with 5000 Gaussian values some land near a
		// midpoint between levels.
		if worst < 0.9*Bound(lo, hi, bits) {
			t.Errorf("%d bits: max error %v, far below the bound %v: is anything rounded?", bits, worst, bound)
		}
		levels := map[float32]bool{}
		for _, v := range w {
			levels[v] = true
		}
		if n := len(levels); float64(n) > math.Exp2(float64(bits)) {
			t.Errorf("%d bits: %d distinct values", bits, n)
		}
		if slices.Min(w) != slices.Min(orig) || slices.Max(w) != slices.Max(orig) {
			t.Errorf("%d bits: ends moved", bits)
		}
	}
}

func TestValuesBadInput(t *testing.T) {
	for _, bits := range []int{0, -1, MaxBits + 1} {
		if _, _, err := Values([]float32{1, 2}, bits); err == nil {
			t.Errorf("bits %d: no error", bits)
		}
	}
	if _, _, err := Values([]float32{1, float32(math.NaN())}, 8); err == nil {
		t.Error("NaN weight: no error")
	}
	w := []float32{0.5, 0.5}
	if _, _, err := Values(w, 4); err != nil || w[0] != 0.5 || w[1] != 0.5 {
		t.Errorf("constant tensor: %v, %v", w, err)
	}
}

// On a U-Net (convolutions, linear layers, GroupNorms, biases) Model rounds
// exactly the rank-≥2 tensors, each within its own range's bound, and leaves
// every bias and norm parameter bit for bit as it was.
func TestModelWeightsOnly(t *testing.T) {
	net, err := nn.NewUNet(nn.UNetConfig{C: 1, H: 8, W: 8, Channels: []int{8, 16}, ResBlocks: 1, Emb: 16}, rand.New(rand.NewPCG(3, 4)))
	if err != nil {
		t.Fatal(err)
	}
	params := net.Params()
	// GroupNorms start at γ = 1, β = 0 and biases at small values: give
	// them distinct values so "untouched" means something.
	rng := rand.New(rand.NewPCG(5, 6))
	for _, p := range params {
		if len(p.Shape) == 1 {
			for i := range p.Data {
				p.Data[i] = float32(rng.NormFloat64())
			}
		}
	}
	before := make([][]float32, len(params))
	for i, p := range params {
		before[i] = slices.Clone(p.Data)
	}
	const bits = 5
	rep, err := Model(net, bits)
	if err != nil {
		t.Fatal(err)
	}
	var weights, others int
	for i, p := range params {
		if len(p.Shape) == 1 {
			others++
			if !slices.Equal(p.Data, before[i]) {
				t.Errorf("%s (rank 1) changed", p.Name)
			}
			continue
		}
		weights++
		lo, hi := float64(slices.Min(before[i])), float64(slices.Max(before[i]))
		bound := Bound(lo, hi, bits) + math.Max(math.Abs(lo), math.Abs(hi))*0x1p-24
		changed := false
		for j, v := range p.Data {
			e := math.Abs(float64(v) - float64(before[i][j]))
			changed = changed || e > 0
			if e > bound {
				t.Fatalf("%s[%d]: error %v > bound %v", p.Name, j, e, bound)
			}
		}
		if !changed {
			t.Errorf("%s (rank %d) was not rounded", p.Name, len(p.Shape))
		}
	}
	if others == 0 || weights == 0 {
		t.Fatalf("the U-Net has %d weights and %d other tensors", weights, others)
	}
	if rep.Quantized != weights || rep.Skipped != others {
		t.Errorf("report %+v, want %d quantised and %d skipped", rep, weights, others)
	}
	if _, err := Model(net, 0); err == nil {
		t.Error("0 bits: no error")
	}
}
