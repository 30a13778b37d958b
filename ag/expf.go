package ag

import "math"

// expf is e^x in float32 arithmetic, accurate to about 2e-7 relative
// (degree-7 Taylor on |r| ≤ ln2/2 after x = n·ln2 + r), several times
// faster than math.Exp; inputs are clamped to [−87, 88] so the result is
// a finite normal number.
func expf(x float32) float32 {
	const (
		log2e = 1.44269504088896341
		ln2hi = 0.693359375
		ln2lo = -2.12194440e-4
	)
	x = min(max(x, -87), 88)
	// x·log2e + 0.5 ∈ (−125, 128): the +128 makes truncation a floor.
	ni := int32(x*log2e+128.5) - 128
	n := float32(ni)
	r := x - n*ln2hi - n*ln2lo
	p := 1 + r*(1+r*(1.0/2+r*(1.0/6+r*(1.0/24+r*(1.0/120+r*(1.0/720+r*(1.0/5040)))))))
	return p * math.Float32frombits(uint32(ni+127)<<23)
}

// sigmoidf is 1/(1 + e^−x).
func sigmoidf(x float32) float32 { return 1 / (1 + expf(-x)) }
