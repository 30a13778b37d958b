package bessel

import "math"

// debyeTerms is the number of polynomials u_0 … u_(debyeTerms−1) kept. For
// ν ≥ SwitchOrder the terms fall by a factor ≳ 10 each up to well beyond
// this, since |u_k(p)| ≤ u_k's value near p = 1, which is small (u_1(1) = −1/12,
// u_2(1) ≈ 3.5·10⁻³, u_3(1) ≈ 2.7·10⁻³, …).
const debyeTerms = 10

// debyeU holds the coefficients of u_k(p) in powers of p, u_k[j] the
// coefficient of p^j. It is computed once and never written afterwards.
var debyeU = debyePolynomials(debyeTerms)

// debyePolynomials builds u_0 … u_(n−1) from u_0 = 1 and
// u_(k+1)(p) = ½p²(1−p²)·u_k'(p) + ⅛·∫_0^p (1−5q²)·u_k(q) dq
// (DLMF 10.41.9–10).
func debyePolynomials(n int) [][]float64 {
	u := make([][]float64, n)
	u[0] = []float64{1}
	for k := 0; k+1 < n; k++ {
		prev := u[k]
		next := make([]float64, len(prev)+3)
		// ½p²(1−p²)·u' : u' = Σ j c_j p^(j−1) → ½ Σ j c_j (p^(j+1) − p^(j+3)).
		for j, c := range prev {
			if j == 0 {
				continue
			}
			next[j+1] += 0.5 * float64(j) * c
			next[j+3] -= 0.5 * float64(j) * c
		}
		// ⅛∫(1−5q²)u: Σ c_j (p^(j+1)/(j+1) − 5p^(j+3)/(j+3)) / 8.
		for j, c := range prev {
			next[j+1] += c / (8 * float64(j+1))
			next[j+3] -= 5 * c / (8 * float64(j+3))
		}
		u[k+1] = next
	}
	return u
}

// logKDebye is log K_ν(x) from the uniform expansion (logKDebyeScaled − x).
func logKDebye(nu, x float64) float64 { return logKDebyeScaled(nu, x) - x }

// logKDebyeScaled is the uniform asymptotic expansion of log K_ν(x) for large ν:
// with z = x/ν, p = 1/√(1+z²) and η = √(1+z²) + ln(z/(1+√(1+z²))),
// log K_ν(x) = ½ln(π/2ν) − νη − ¼ln(1+z²) + ln Σ_k (−1)^k u_k(p)/ν^k,
// returned plus x: x − ν√(1+z²) = −ν²/(x + √(ν²+x²)) is formed without
// cancellation.
func logKDebyeScaled(nu, x float64) float64 {
	z := x / nu
	sq := math.Hypot(1, z) // √(1+z²) without overflow for huge z
	p := 1 / sq
	// ln(z/(1+√(1+z²))) written so that neither small nor huge z loses digits.
	nsq := nu * sq
	scaledEta := -nu*nu/(x+nsq) - nu*(math.Log(z)-math.Log1p(sq)) // x − νη
	var sum, inv float64 = 0, 1
	for k, u := range debyeU {
		term := inv * horner(u, p)
		if k%2 == 1 {
			term = -term
		}
		sum += term
		if k > 0 && math.Abs(term) < 1e-17*math.Abs(sum) {
			break
		}
		inv /= nu
	}
	return 0.5*math.Log(math.Pi/(2*nu)) + scaledEta - 0.5*math.Log(sq) + math.Log(sum)
}

func horner(c []float64, x float64) float64 {
	var s float64
	for j := len(c) - 1; j >= 0; j-- {
		s = s*x + c[j]
	}
	return s
}
