package field

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The vector exp and log must give the scalar loops' bits exactly, for
// every length (vector body and tail) and with arguments the fast path does
// not take (which send their vector to the scalar loop) anywhere.

func expArgs(rng *rand.Rand, n int) []float64 {
	special := []float64{0, math.Copysign(0, -1), -708, 708, math.Nextafter(-708, -1000), math.Nextafter(708, 1000),
		-745.2, 709.9, math.NaN(), math.Inf(1), math.Inf(-1), 1e-300, -1e-20, 0.5, -0.5, 0.34657359027997264}
	v := make([]float64, n)
	for i := range v {
		switch r := rng.IntN(20); {
		case r == 0:
			v[i] = special[rng.IntN(len(special))]
		case r < 10:
			v[i] = -40 * rng.Float64() // the weights' range
		default:
			v[i] = 1420*rng.Float64() - 710
		}
	}
	return v
}

func sameBits(a, b float64) bool {
	return math.Float64bits(a) == math.Float64bits(b) || (math.IsNaN(a) && math.IsNaN(b))
}

func TestExpInPlaceMatchesScalar(t *testing.T) {
	t.Logf("assembly math: %v", useAsmMath)
	rng := rand.New(rand.NewPCG(21, 22))
	for _, n := range append(scanLengths(), 4096) {
		got := expArgs(rng, n)
		want := append([]float64(nil), got...)
		args := append([]float64(nil), got...)
		expInPlace(got)
		expGo(want)
		for i := range got {
			if !sameBits(got[i], want[i]) {
				t.Fatalf("n=%d: exp(%v) = %v, scalar %v", n, args[i], got[i], want[i])
			}
			if x := args[i]; x >= -708 && x <= 708 {
				if e := math.Exp(x); math.Abs(got[i]-e) > 4.5e-16*e {
					t.Fatalf("exp(%v) = %v, math.Exp %v", x, got[i], e)
				}
			}
		}
	}
}

func TestNegLogShiftedMatchesScalar(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	special := []float64{0, -1, math.NaN(), math.Inf(1), 5e-324, 2.2250738585072014e-308, math.MaxFloat64, 1, math.Sqrt2, math.Nextafter(math.Sqrt2, 2)}
	for _, n := range append(scanLengths(), 4096) {
		for _, r2 := range []float64{0, 32, 1e-3} {
			d := make([]float64, n)
			for i := range d {
				switch r := rng.IntN(20); {
				case r == 0 && r2 == 0:
					d[i] = special[rng.IntN(len(special))]
				case r < 10:
					d[i] = 2000 * rng.Float64()
				default:
					d[i] = math.Exp(1400*rng.Float64() - 700)
				}
			}
			args := append([]float64(nil), d...)
			want := append([]float64(nil), d...)
			negLogShifted(d, 456, r2)
			negLogShiftedGo(want, 456, r2)
			for i := range d {
				if !sameBits(d[i], want[i]) {
					t.Fatalf("n=%d r2=%v: −456·log(%v+r2) = %v, scalar %v", n, r2, args[i], d[i], want[i])
				}
				if x := args[i] + r2; x > 0 && !math.IsInf(x, 0) {
					if l := -456 * math.Log(x); math.Abs(d[i]-l) > 1e-15*math.Abs(l)+1e-12 {
						t.Fatalf("−456·log(%v) = %v, math.Log gives %v", x, d[i], l)
					}
				}
			}
		}
	}
}
