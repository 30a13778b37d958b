package tuned

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"

	"github.com/pfgm/pfgm/data"
	"github.com/pfgm/pfgm/process"
)

// Options configures Tune. DefaultOptions holds the values `pfgm tune-d` uses.
type Options struct {
	// Candidates are the D to choose from (+Inf is diffusion).
	Candidates []float64
	// Draws is the number of training pairs (y, σ, x) behind the
	// effective-charge and target-variance measurements.
	Draws int
	// MaxCharges caps the charges of the exact field (a random subset of
	// the training part); HeldOut is the fraction of the data kept out.
	MaxCharges int
	HeldOut    float64
	// Samples, SampleSteps, SigmaMax, Projections: exact-field sampling and
	// its sliced W2 to the held-out points.
	Samples, SampleSteps int
	SigmaMax             float64
	Projections          int
	// Alpha is the field error of the robustness measurement: noise
	// injection x += α·σ·ε before every step.
	Alpha float64
	// The EDM training distribution of σ and the data scale (DESIGN §3.6).
	PMean, PStd, SigmaData float64
	Seed                   uint64
	// Prescaled says the points are already in training units (images
	// scaled to [−1, 1], whose near-constant border pixels must not be
	// divided by their tiny spread): split then does not standardise them.
	Prescaled bool
	// Log, if set, receives one progress line per candidate.
	Log io.Writer
}

// DefaultOptions are the settings of `pfgm tune-d`.
func DefaultOptions() Options {
	return Options{
		Candidates: []float64{1, 4, 16, 64, 256, 2048, math.Inf(1)},
		Draws:      2000, MaxCharges: 2000, HeldOut: 0.2,
		Samples: 1000, SampleSteps: 18, SigmaMax: 80, Projections: 128,
		Alpha: 0.2, PMean: -1.2, PStd: 1.2, SigmaData: 0.5, Seed: 1,
	}
}

// Candidate holds the measurements of one D.
type Candidate struct {
	D string `json:"D"`
	// EffectiveCharges is the geometric mean over training pairs of
	// 1/Σ w_i², the number of charges the target's posterior mean averages.
	EffectiveCharges float64 `json:"effective_charges"`
	// TargetLoss is the irreducible EDM loss E[λ(σ) Var(y | x)]/N.
	TargetLoss float64 `json:"target_loss"`
	// TailSpread is q_0.99/q_0.5 of the network's input norm at large σ.
	TailSpread float64 `json:"tail_spread"`
	// W2Exact and W2Noisy are the sliced W2 of exact-field samples to the
	// held-out points without and with the field error α.
	W2Exact float64 `json:"w2_exact"`
	W2Noisy float64 `json:"w2_noisy"`
	Score   float64 `json:"score"`
}

// Result is what Tune prints: the chosen D, every candidate and the reason.
type Result struct {
	D          string      `json:"D"`
	Candidates []Candidate `json:"candidates"`
	Reason     string      `json:"reason"`
}

// split standardises the points (as training does; not if o.Prescaled)
// and splits them into charges and held-out points.
func split(pts *data.Points, o Options, rng *rand.Rand) (charges, heldout *data.Points, err error) {
	if err := pts.Validate(); err != nil {
		return nil, nil, err
	}
	if pts.N() < 20 {
		return nil, nil, fmt.Errorf("tune-d needs at least 20 points, got %d", pts.N())
	}
	p := pts.Clone()
	if !o.Prescaled {
		st := data.FitStandardizer(p)
		if err := st.Apply(p); err != nil {
			return nil, nil, err
		}
	}
	perm := rng.Perm(p.N())
	nh := max(10, int(o.HeldOut*float64(p.N())))
	heldout = p.Subset(perm[:nh])
	rest := perm[nh:]
	if len(rest) > o.MaxCharges {
		rest = rest[:o.MaxCharges]
	}
	return p.Subset(rest), heldout, nil
}

// Measure runs the exact-field measurements for every candidate.
func Measure(ctx context.Context, pts *data.Points, o Options) ([]Candidate, error) {
	rng := rand.New(rand.NewPCG(o.Seed, 0x74756e65))
	charges, heldout, err := split(pts, o, rng)
	if err != nil {
		return nil, err
	}
	// Every candidate and both W2 runs use the same random streams (common
	// random numbers): the differences between candidates are then not
	// drowned by the draws' noise.
	stream := func(k uint64) *rand.Rand { return rand.New(rand.NewPCG(o.Seed, k)) }
	var out []Candidate
	for _, D := range o.Candidates {
		if !process.ValidD(D) {
			return nil, fmt.Errorf("tune-d: candidate D must be an integer ≥ 1 or inf, got %v", D)
		}
		c := Candidate{D: process.FormatD(D)}
		if c.EffectiveCharges, c.TargetLoss, err = targetStats(ctx, charges, D, o.Draws, o, stream(1)); err != nil {
			return nil, fmt.Errorf("tune-d: D=%s: %w", c.D, err)
		}
		c.TailSpread = tailSpread(stream(2), charges.Dim, D, 20000)
		if c.W2Exact, err = exactW2(ctx, charges, heldout, D, o.Samples, 0, o, stream(3)); err != nil {
			return nil, fmt.Errorf("tune-d: D=%s: %w", c.D, err)
		}
		if c.W2Noisy, err = exactW2(ctx, charges, heldout, D, o.Samples, o.Alpha, o, stream(3)); err != nil {
			return nil, fmt.Errorf("tune-d: D=%s: %w", c.D, err)
		}
		out = append(out, c)
		if o.Log != nil {
			fmt.Fprintf(o.Log, "tune-d: D=%s target loss %.3g, tail spread %.3g, exact-field SW2 %.3g (α=%g: %.3g)\n",
				c.D, c.TargetLoss, c.TailSpread, c.W2Exact, o.Alpha, c.W2Noisy)
		}
	}
	return out, nil
}

// Tune measures every candidate on the exact field of pts and picks D by
// the rule of score.
func Tune(ctx context.Context, pts *data.Points, o Options) (Result, error) {
	if len(o.Candidates) == 0 {
		return Result{}, fmt.Errorf("tune-d: no candidate D")
	}
	cs, err := Measure(ctx, pts, o)
	if err != nil {
		return Result{}, err
	}
	pick, reason := score(cs)
	return Result{D: cs[pick].D, Candidates: cs, Reason: reason}, nil
}
