package yukawa

import (
	"fmt"
	"math"
	"sync"
)

// Process is the Yukawa process with mass M ≥ 0 and D ≥ 1 augmented
// dimensions. M = 0 is the PFGM++ (Coulomb) process with the same D.
type Process struct {
	M float64
	D int
}

// Validate reports whether the mass and D are usable.
func (p Process) Validate() error {
	if !(p.M >= 0) || math.IsInf(p.M, 0) {
		return fmt.Errorf("yukawa: mass m must be finite and ≥ 0, got %v", p.M)
	}
	if p.D < 1 {
		return fmt.Errorf("yukawa: D must be ≥ 1, got %d", p.D)
	}
	return nil
}

// String is "yukawa(m=1,D=1)".
func (p Process) String() string { return fmt.Sprintf("yukawa(m=%g,D=%d)", p.M, p.D) }

// Nu is the order ν = (N+D)/2 − 1 of the Green's function for data of n
// dimensions.
func (p Process) Nu(n int) float64 { return float64(n+p.D)/2 - 1 }

// Kernel is the Yukawa perturbation kernel for data of a fixed dimension N:
// p_t(x|y) ∝ f(ρ) = −G'(ρ)/ρ = ρ^(−d)·h(mρ), ρ = √(‖x−y‖² + t²), with
//
//	h(z) = z^(ν+1)·K_(ν+1)(z) / (2^ν·Γ(ν+1)),
//
// which is 1 at z = 0 and strictly decreasing, so 0 < h ≤ 1: the Yukawa
// kernel is the Coulomb kernel ρ^(−d) thinned by h. A Kernel is immutable
// and safe for concurrent use.
type Kernel struct {
	p    Process
	n    int
	d    float64 // N + D
	nu   float64
	logM float64
	prof *profile // nil when M = 0

	// The radial tables (moments.go), built on first use.
	momOnce sync.Once
	mom     *moments
}

// Kernel returns the kernel of p for data of n dimensions. It tabulates the
// Bessel profiles once (milliseconds), so build it once and reuse it.
func (p Process) Kernel(n int) (*Kernel, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if n < 1 {
		return nil, fmt.Errorf("yukawa: data dimension must be ≥ 1, got %d", n)
	}
	k := &Kernel{p: p, n: n, d: float64(n + p.D), nu: p.Nu(n), logM: math.Log(p.M)}
	if p.M > 0 {
		k.prof = newProfile(k.nu)
	}
	return k, nil
}

// Process returns the process the kernel belongs to.
func (k *Kernel) Process() Process { return k.p }

// N is the data dimension.
func (k *Kernel) N() int { return k.n }

// LogH returns log h(z) and the rate profile r(z) = z·K_ν(z)/K_(ν+1)(z)
// (= −d log h / d log z) at z = mρ. For M = 0 both are 0.
func (k *Kernel) LogH(z float64) (logH, rate float64) {
	if k.prof == nil {
		return 0, 0
	}
	return k.prof.eval(math.Log(z))
}

// LogDensity returns log f(ρ) = −d·log ρ + log h(mρ), the unnormalised log
// kernel at ρ = √(‖x−y‖² + t²) (m → 0 gives the Coulomb −d·log ρ).
func (k *Kernel) LogDensity(rho float64) float64 {
	lr := math.Log(rho)
	if k.prof == nil {
		return -k.d * lr
	}
	lh, _ := k.prof.eval(lr + k.logM)
	return -k.d*lr + lh
}
