package classic

import (
	"context"
	"fmt"
	"math"

	"github.com/pfgm/pfgm/sampler"
)

// A Field gives the normalised Poisson field at a batch of augmented points:
// for the n points x (n×N, row-major) with augmented coordinates z (n
// values > 0) it writes (E_x, E_z) into out (n×(N+1)). The exact field of a
// set of charges (ExactField) and a trained network both qualify. Sample
// uses only the direction E_x/E_z, except below Options.ZExp where it
// assumes the normalisation √N·E/(‖E‖+γ) of Target.
type Field interface {
	Field(ctx context.Context, x, z, out []float64) error
}

// ExactField is the field of a set of charges, normalised as the training
// target (Charges.Target with γ = Gamma).
type ExactField struct {
	Charges *Charges
	Gamma   float64
}

// Field implements Field.
func (e ExactField) Field(ctx context.Context, x, z, out []float64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return e.Charges.Target(x, z, e.Gamma, out)
}

// Substitution selects how E_z is replaced below Options.ZExp.
type Substitution int

const (
	// SubstExact solves the normalisation for the distance to the data
	// exactly (the default; see Sample).
	SubstExact Substitution = iota
	// SubstReference is the reference code's formula, which neglects z
	// next to that distance: right for images, biased in low dimension.
	SubstReference
	// SubstNone keeps the field's own E_z.
	SubstNone
)

var substNames = [...]string{SubstExact: "exact", SubstReference: "reference", SubstNone: "none"}

// String is the name ParseSubstitution accepts.
func (s Substitution) String() string {
	if s >= 0 && int(s) < len(substNames) {
		return substNames[s]
	}
	return fmt.Sprintf("Substitution(%d)", int(s))
}

// ParseSubstitution parses "exact", "reference" or "none".
func ParseSubstitution(s string) (Substitution, error) {
	for i, n := range substNames {
		if s == n {
			return Substitution(i), nil
		}
	}
	return 0, fmt.Errorf("unknown z substitution %q (want exact, reference or none)", s)
}

// Options configure Sample.
type Options struct {
	// Solver is the ODE solver and its settings (Solver, Rtol, Atol, Steps,
	// Rho, Alpha, Rng, Record); its SigmaMax and SigmaMin are replaced by
	// the run's z_max and ZMin: package sampler integrates in σ = z.
	Solver sampler.Options
	// ZMin is where the integration in ln z ends (the reference's eps, 1e-3).
	ZMin float64
	// ZExp: below it E_z is replaced by an estimate from ‖E_x‖ (the
	// reference's sampling.z_exp, 5), as Subst says. Zero turns it off.
	ZExp  float64
	Subst Substitution
}

// DefaultOptions is the reference sampler: RK45 in ln z with
// rtol = atol = 1e-4, from z_max to 1e-3, E_z substituted below z = 5
// (solved exactly: see Sample).
func DefaultOptions() Options {
	s := sampler.DefaultOptions()
	s.Solver, s.Rtol, s.Atol = sampler.RK45, 1e-4, 1e-4
	return Options{Solver: s, ZMin: DefaultZMin, ZExp: DefaultZExp, Subst: SubstExact}
}

// Sample follows the field lines backward from the prior: x holds n points
// from Prior (n×N) on entry and the samples on return. It integrates
//
//	dx/dz = E_x / E_z,  i.e.  dx/d(ln z) = z·E_x/E_z,
//
// from z = z_max to ZMin with package sampler (adaptive RK45 in ln z by
// default; NFE and rejected steps are in the Result). The sampler writes
// the ODE as dx/dσ = (x − D(x, σ))/σ; with σ = z that is D = x − z·E_x/E_z,
// so the field enters as a denoiser and every solver of package sampler
// works. Differences from the reference (sampling.py, scipy's solve_ivp):
//   - The step-size control takes the RMS error per point and the maximum
//     over the batch (scipy: one RMS over the whole batch), so every sample
//     meets the tolerance; NFE can come out higher.
//   - After z = ZMin the sampler takes one Euler step to z = 0 (free: it
//     reuses the last evaluation). The reference stops at z = 1e-3; the
//     step moves x by z_min·E_x/E_z, of the order of 10⁻³·‖x − y‖/z.
//
// Below ZExp the predicted E_z is replaced (Appendix B.2.3 of the paper):
// only the tiny z component, the hardest for a network to learn, is
// rebuilt from ‖E_x‖, using the fact that the empirical field has E_z = −z
// and E_x = D − x before normalisation. With n₁ = ‖E_x‖/√N = a/(ρ + γ),
// a = ‖D − x‖ and ρ = √(a² + z²):
//   - SubstReference (methods.py, sampling.py) neglects z next to a:
//     a = γ·n₁/(1 − n₁), then E_z = −√N·z/(√(a² + z²) + γ). In image
//     dimensions a ≫ z wherever z < 5 and this is exact; for 2-D data it is
//     not (exact-field samples of five 2-D charges end up to 0.09 away
//     from them, against 2·10⁻⁵ without the substitution).
//   - SubstExact (the default) solves a = n₁(√(a² + z²) + γ) exactly:
//     a = n₁·(γ + √(n₁²γ² + (1 − n₁²)z²))/(1 − n₁²), and since ρ + γ = a/n₁,
//     E_z = −√N·z·n₁/a (−√N·z/(z + γ) as n₁ → 0). It agrees with the
//     reference when z ≪ a and returns the exact field's own E_z always.
//
// A field longer than √N (impossible for the normalised field, possible
// for a network) is scaled back to length √N. n₁ is kept below 1 − 10⁻⁶ (a network can overshoot), and E_z at most
// −√N·z/(10·upper + γ), its exact value at distance 10·upper from the data:
// a field pointing away from the data plane has no backward flow, and an
// untrained network must not send the solver to infinity.
func Sample(ctx context.Context, f Field, p Params, x []float64, opt Options) (sampler.Result, error) {
	if err := p.Validate(); err != nil {
		return sampler.Result{}, err
	}
	if len(x) == 0 || len(x)%p.N != 0 {
		return sampler.Result{}, fmt.Errorf("classic: sample: %d values are not whole points of dimension %d", len(x), p.N)
	}
	if !(opt.ZMin > 0) || !(opt.ZMin < p.ZMax) {
		return sampler.Result{}, fmt.Errorf("classic: sample: z_min must be in (0, z_max = %v), got %v", p.ZMax, opt.ZMin)
	}
	so := opt.Solver
	so.SigmaMax, so.SigmaMin = p.ZMax, opt.ZMin
	d := &fieldDenoiser{f: f, p: p, zexp: opt.ZExp, subst: opt.Subst}
	return sampler.Sample(ctx, d, x, so)
}

// fieldDenoiser presents a Field to package sampler as D = x − z·E_x/E_z.
type fieldDenoiser struct {
	f     Field
	p     Params
	zexp  float64
	subst Substitution
	z     []float64
	e     []float64
}

func (d *fieldDenoiser) Dim() int { return d.p.N }

func (d *fieldDenoiser) Denoise(ctx context.Context, x []float64, z float64, out []float64) error {
	n := d.p.N
	nq := len(x) / n
	d.z, d.e = resize(d.z, nq), resize(d.e, nq*(n+1))
	for i := range d.z {
		d.z[i] = z
	}
	if err := d.f.Field(ctx, x, d.z, d.e); err != nil {
		return err
	}
	sqrtN := math.Sqrt(float64(n))
	sub := z < d.zexp && d.p.Gamma > 0 && d.subst != SubstNone
	g := d.p.Gamma
	for q := range nq {
		e := d.e[q*(n+1) : (q+1)*(n+1)]
		// The normalised field has ‖E‖ < √N; a network's can overshoot
		// anywhere it was not trained. Pull it back onto the ball.
		var e2 float64
		for _, v := range e {
			e2 += v * v
		}
		if e2 > float64(n) {
			f := sqrtN / math.Sqrt(e2)
			for j := range e {
				e[j] *= f
			}
		}
		ez := e[n]
		if sub {
			var s float64
			for _, v := range e[:n] {
				s += v * v
			}
			n1 := min(math.Sqrt(s)/sqrtN, 1-1e-6)
			if d.subst == SubstReference {
				a := g * n1 / (1 - n1)
				ez = -sqrtN * z / (math.Hypot(a, z) + g)
			} else {
				// ρ + γ = a/n₁ = (γ + √(n₁²γ² + (1−n₁²)z²))/(1−n₁²)
				q := 1 - n1*n1
				ez = -sqrtN * z * q / (g + math.Sqrt(n1*n1*g*g+q*z*z))
			}
		}
		// A trained field can have E_z ≥ 0 or ≈ 0 where it was never
		// trained (an untrained network anywhere). Bound |E_z| below by the
		// exact field's value at distance 10·upper from the data, which
		// the exact field never falls under inside the prior's reach; the
		// drift ‖z·E_x/E_z‖ then stays below about 10·upper + γ.
		ez = min(ez, -sqrtN*z/(10*d.p.Upper+g))
		f := z / ez
		for j, v := range e[:n] {
			out[q*n+j] = x[q*n+j] - f*v
		}
	}
	return nil
}
