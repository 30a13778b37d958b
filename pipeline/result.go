package pipeline

import (
	"time"

	"github.com/pfgm/pfgm/data"
	"github.com/pfgm/pfgm/yukawa"
)

// SampleResult is what a sampling job returns: the samples in memory and
// how they were made.
type SampleResult struct {
	// Samples holds point samples in data units (nil for an image run).
	Samples *data.Points
	// Images holds an image run's samples, values in [−1, 1] (nil for
	// points). WriteSamples stores them in [0, 1].
	Images *data.Images
	// Data is the data set whose exact field was sampled, in data units
	// (SampleExact only), for pictures of the samples over it.
	Data *data.Points
	// Title describes the job in one line, for pictures.
	Title string
	// NFE is the number of field (or network) evaluations per sample.
	NFE     int
	Elapsed time.Duration
	// Weights is the weighted-particle diagnostics of a Yukawa job; nil
	// for the Poisson process.
	Weights *Weights
	// Sigmas and Trajectory are filled when the options ask for
	// trajectories: Trajectory[f] holds every sample at noise level
	// Sigmas[f] (σ, or σ_eq of t for Yukawa), in data units.
	Sigmas     []float64
	Trajectory [][]float64
}

// Weights is the diagnostics of a weighted-particle (Yukawa) sampling run.
type Weights struct {
	FinalESS    float64 `json:"ess_final"`   // effective sample size / n before the final resampling
	MinESS      float64 `json:"ess_min"`     // its minimum along the way
	Resamplings int     `json:"resamplings"` // resamplings on the way (not counting the final one)
	ParetoK     float64 `json:"pareto_k"`    // the weights' tail index k̂ (> 0.7: unreliable)
	Warning     string  `json:"warning,omitempty"`
}

func weightsOf(r yukawa.Result) *Weights {
	return &Weights{FinalESS: r.FinalESS, MinESS: r.MinESS, Resamplings: r.Resamplings, ParetoK: r.ParetoK, Warning: r.Warning()}
}
