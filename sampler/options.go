package sampler

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
)

// Solver selects the ODE integrator.
type Solver int

const (
	// Euler takes one denoiser evaluation a step: NFE = Steps.
	Euler Solver = iota
	// Heun is Euler plus a trapezoid correction, skipped on the last step
	// to σ = 0: NFE = 2·Steps − 1 (the EDM sampler).
	Heun
	// RK45 is adaptive Dormand–Prince 5(4) in s = ln σ with Rtol/Atol.
	RK45
	// SDE is the reverse-time diffusion SDE, Euler–Maruyama in σ² on the
	// EDM grid with the score (D(x, σ) − x)/σ²: NFE = Steps. It needs Rng
	// and is meant for the D = ∞ model.
	SDE
	// EDMSDE is EDM's stochastic sampler (Karras et al. 2022, Algorithm 2):
	// Heun steps with "churn" noise set by SChurn, SMin, SMax and SNoise:
	// NFE = 2·Steps − 1. It needs Rng and is meant for the D = ∞ model.
	EDMSDE
)

var solverNames = [...]string{Euler: "euler", Heun: "heun", RK45: "rk45", SDE: "sde", EDMSDE: "edm-sde"}

// String is the name ParseSolver accepts.
func (s Solver) String() string {
	if s >= 0 && int(s) < len(solverNames) {
		return solverNames[s]
	}
	return fmt.Sprintf("Solver(%d)", int(s))
}

// ParseSolver parses "euler", "heun", "rk45", "sde" or "edm-sde" (any case).
func ParseSolver(s string) (Solver, error) {
	for i, name := range solverNames {
		if strings.EqualFold(strings.TrimSpace(s), name) {
			return Solver(i), nil
		}
	}
	return 0, fmt.Errorf("unknown solver %q (want euler, heun, rk45, sde or edm-sde)", s)
}

// Options configures Sample.
type Options struct {
	// Steps is the number of steps on the EDM grid (Euler, Heun). For RK45
	// it only sets the first trial step, (ln σ_min − ln σ_max)/Steps.
	Steps int
	// SigmaMin, SigmaMax and Rho define the EDM grid; RK45 integrates from
	// SigmaMax to SigmaMin. Both end with one denoise to σ = 0.
	SigmaMin, SigmaMax, Rho float64
	Solver                  Solver
	// Rtol and Atol are RK45's per-point tolerances.
	Rtol, Atol float64
	// SChurn, SMin, SMax and SNoise are the EDMSDE settings of Karras et
	// al. (2022): churn noise γ = min(SChurn/Steps, √2 − 1) is added at the
	// noise levels SMin ≤ σ ≤ SMax, scaled by SNoise.
	SChurn, SMin, SMax, SNoise float64
	// Alpha > 0 injects noise x += α·σ_i·ε before each step (robustness
	// studies, DESIGN §3.9); it needs Rng.
	Alpha float64
	Rng   *rand.Rand
	// Record keeps a copy of x at every σ of Result.Sigmas.
	Record bool
}

// DefaultOptions is the EDM setting: Heun, 18 steps (35 NFE), σ from 80 to
// 0.002 with ρ = 7. The RK45 tolerances 1e-4 are those of the PFGM and
// score-SDE reference samplers; the churn settings (S_churn 40, S_min 0.05,
// S_max 50, S_noise 1.003) are EDM's ImageNet-64 ones.
func DefaultOptions() Options {
	return Options{
		Steps: 18, SigmaMin: 0.002, SigmaMax: 80, Rho: 7,
		Solver: Heun, Rtol: 1e-4, Atol: 1e-4,
		SChurn: 40, SMin: 0.05, SMax: 50, SNoise: 1.003,
	}
}

func (o Options) validate() error {
	// Report the first problem only: the CLI prints errors on one line.
	var first error
	bad := func(format string, a ...any) {
		if first == nil {
			first = fmt.Errorf("sampler: invalid options: "+format, a...)
		}
	}
	if o.Steps < 1 {
		bad("steps must be ≥ 1, got %d", o.Steps)
	}
	if !(o.SigmaMin > 0) || math.IsInf(o.SigmaMin, 0) {
		bad("sigma-min must be > 0, got %v", o.SigmaMin)
	}
	if !(o.SigmaMax > o.SigmaMin) || math.IsInf(o.SigmaMax, 0) {
		bad("sigma-max must be finite and > sigma-min (%v), got %v", o.SigmaMin, o.SigmaMax)
	}
	switch o.Solver {
	case Euler, Heun, SDE, EDMSDE:
		if !(o.Rho > 0) || math.IsInf(o.Rho, 0) {
			bad("rho must be > 0, got %v", o.Rho)
		}
	case RK45:
		if !(o.Rtol > 0) || !(o.Atol > 0) {
			bad("rk45 needs rtol > 0 and atol > 0, got %v and %v", o.Rtol, o.Atol)
		}
	default:
		bad("unknown solver %v", o.Solver)
	}
	if o.Solver == EDMSDE {
		if !(o.SChurn >= 0) || math.IsInf(o.SChurn, 0) || !(o.SNoise >= 0) || math.IsInf(o.SNoise, 0) {
			bad("edm-sde needs finite s-churn ≥ 0 and s-noise ≥ 0, got %v and %v", o.SChurn, o.SNoise)
		}
		if !(o.SMin >= 0) || !(o.SMax >= o.SMin) {
			bad("edm-sde needs 0 ≤ s-min ≤ s-max, got %v and %v", o.SMin, o.SMax)
		}
	}
	if (o.Solver == SDE || o.Solver == EDMSDE) && o.Rng == nil {
		bad("solver %v needs a random source (Options.Rng)", o.Solver)
	}
	if !(o.Alpha >= 0) || math.IsInf(o.Alpha, 0) {
		bad("alpha must be ≥ 0, got %v", o.Alpha)
	}
	if o.Alpha > 0 && o.Rng == nil {
		bad("alpha > 0 needs a random source (Options.Rng)")
	}
	return first
}
