package quantize

import (
	"fmt"
	"math"

	"github.com/pfgm/pfgm/nn"
)

// MaxBits is the largest bit width accepted: 2^24 levels already exceed
// float32's 24-bit significand.
const MaxBits = 24

// Bound is the largest error q can make on a tensor spanning [lo, hi] at
// the given bits: (hi − lo)/(2(2^bits − 1)).
func Bound(lo, hi float64, bits int) float64 {
	return (hi - lo) / (2 * (math.Exp2(float64(bits)) - 1))
}

// Values quantises w in place to bits bits, min-max affine over the whole
// slice, and returns the range [lo, hi] it used. The arithmetic is in
// float64; the result is rounded to float32 once.
func Values(w []float32, bits int) (lo, hi float64, err error) {
	if bits < 1 || bits > MaxBits {
		return 0, 0, fmt.Errorf("quantize: bits must be in 1…%d, got %d", MaxBits, bits)
	}
	if len(w) == 0 {
		return 0, 0, nil
	}
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, v := range w {
		f := float64(v)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return 0, 0, fmt.Errorf("quantize: non-finite weight %v", v)
		}
		lo, hi = min(lo, f), max(hi, f)
	}
	if hi == lo {
		return lo, hi, nil // one level: nothing to round
	}
	delta := (hi - lo) / (math.Exp2(float64(bits)) - 1)
	for i, v := range w {
		w[i] = float32(lo + delta*math.Round((float64(v)-lo)/delta))
	}
	return lo, hi, nil
}

// Report says what Model did.
type Report struct {
	Quantized, Skipped int     // tensors rounded, tensors left as they were
	Values             int     // numbers rounded
	MaxError           float64 // largest |w − q(w)| over all rounded numbers
}

// IsWeight reports whether Model rounds p: tensors of rank ≥ 2.
func IsWeight(p *nn.Param) bool { return len(p.Shape) >= 2 }

// Model quantises the weights of m in place to bits bits, one range per
// tensor, and leaves biases and normalisation parameters alone.
func Model(m nn.Model, bits int) (Report, error) {
	if bits < 1 || bits > MaxBits {
		return Report{}, fmt.Errorf("quantize: bits must be in 1…%d, got %d", MaxBits, bits)
	}
	var r Report
	for _, p := range m.Params() {
		if !IsWeight(p) {
			r.Skipped++
			continue
		}
		before := append([]float32(nil), p.Data...)
		if _, _, err := Values(p.Data, bits); err != nil {
			return r, fmt.Errorf("quantize: %s: %w", p.Name, err)
		}
		for i, v := range p.Data {
			r.MaxError = max(r.MaxError, math.Abs(float64(v)-float64(before[i])))
		}
		r.Quantized++
		r.Values += len(p.Data)
	}
	return r, nil
}
