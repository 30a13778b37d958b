package field

import "math"

// Exp and log in the hot loop. The algorithms and coefficients are those of
// FreeBSD's msun (e_exp.c, e_log.c), as in Go's pure-Go math.Exp and
// math.Log, accurate to about 1 ulp. Written as plain loops over slices so
// that the compiler keeps them out of function calls and assembly stubs
// (math.Exp and math.Log cost about 15 ns each here; these about a third).

const (
	ln2Hi = 6.93147180369123816490e-01
	ln2Lo = 1.90821492927058770002e-10
	log2e = 1.44269504088896338700e+00

	expP1 = 1.66666666666666657415e-01
	expP2 = -2.77777777770155933842e-03
	expP3 = 6.61375632143793436117e-05
	expP4 = -1.65339022054652515390e-06
	expP5 = 4.13813679705723846039e-08

	logL1 = 6.666666666666735130e-01
	logL2 = 3.999999999940941908e-01
	logL3 = 2.857142874366239149e-01
	logL4 = 2.222219843214978396e-01
	logL5 = 1.818357216161805012e-01
	logL6 = 1.531383769920937332e-01
	logL7 = 1.479819860511658591e-01
)

// expInPlace replaces every v[i] by e^v[i]. Arguments in [−708, 708] take
// the fast path; anything else (including NaN) goes to math.Exp. Where the
// CPU has AVX-512 the fast path runs 8 lanes at a time, with the same
// result bits (at σ where every charge counts, exp and log of every pair
// cost as much as the distance GEMM).
func expInPlace(v []float64) {
	for useAsmMath && len(v) >= 8 {
		n := expAsm(&v[0], len(v)&^7)
		// expAsm stops before a vector with an argument it does not take.
		m := min(n+8, len(v))
		expGo(v[n:m])
		v = v[m:]
	}
	expGo(v)
}

// expGo is expInPlace one element at a time.
func expGo(v []float64) {
	for i, x := range v {
		if !(x >= -708 && x <= 708) {
			v[i] = math.Exp(x)
			continue
		}
		t := log2e * x
		if x < 0 {
			t -= 0.5
		} else {
			t += 0.5
		}
		k := int(t)
		hi := x - float64(k)*ln2Hi
		lo := float64(k) * ln2Lo
		r := hi - lo
		rr := r * r
		c := r - rr*(expP1+rr*(expP2+rr*(expP3+rr*(expP4+rr*expP5))))
		y := 1 - ((lo - (r*c)/(2-c)) - hi)
		// k ∈ [−1022, 1022]: 2^k is a normal float64.
		v[i] = y * math.Float64frombits(uint64(k+1023)<<52)
	}
}

// fastLog is the natural logarithm; positive normal arguments take the fast
// path, the rest go to math.Log.
func fastLog(x float64) float64 {
	b := math.Float64bits(x)
	ex := int(b>>52) & 0x7ff
	if ex == 0 || ex == 0x7ff || b>>63 != 0 {
		return math.Log(x)
	}
	// x = f1·2^k with f1 ∈ [√½, √2).
	k := ex - 1023
	f1 := math.Float64frombits(b&(1<<52-1) | 1023<<52)
	if f1 > math.Sqrt2 {
		f1 *= 0.5
		k++
	}
	f := f1 - 1
	fk := float64(k)
	s := f / (2 + f)
	s2 := s * s
	s4 := s2 * s2
	t1 := s2 * (logL1 + s4*(logL3+s4*(logL5+s4*logL7)))
	t2 := s4 * (logL2 + s4*(logL4+s4*logL6))
	hfsq := 0.5 * f * f
	return fk*ln2Hi - ((hfsq - (s*(hfsq+t1+t2) + fk*ln2Lo)) - f)
}

// negLogShifted replaces every d[i] by −a·log(d[i] + r2), 8 lanes at a
// time where the CPU has AVX-512, with fastLog's result bits.
func negLogShifted(d []float64, a, r2 float64) {
	for useAsmMath && len(d) >= 8 {
		n := logWeightsAsm(&d[0], len(d)&^7, -a, r2)
		// logWeightsAsm stops before a vector with a sum it does not take.
		m := min(n+8, len(d))
		negLogShiftedGo(d[n:m], a, r2)
		d = d[m:]
	}
	negLogShiftedGo(d, a, r2)
}

// negLogShiftedGo is negLogShifted one element at a time.
func negLogShiftedGo(d []float64, a, r2 float64) {
	for i, v := range d {
		d[i] = -a * fastLog(v+r2)
	}
}
