package tuned

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/pfgm/pfgm/internal/atomicfile"
	"github.com/pfgm/pfgm/internal/chart"
)

// Write saves the result into dir: result.json (the JSON line Tune's
// caller prints) and the trade-off chart tune-d.png / tune-d.svg.
func Write(dir string, r Result) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("tune-d: %w", err)
	}
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("tune-d: %w", err)
	}
	if err := atomicfile.WriteFile(filepath.Join(dir, "result.json"), append(b, '\n')); err != nil {
		return fmt.Errorf("tune-d: %w", err)
	}
	return chart.Write(filepath.Join(dir, "tune-d"), Chart(r))
}

// Chart is the trade-off picture: every criterion relative to its best
// candidate, against D.
func Chart(r Result) chart.Spec {
	n := len(r.Candidates)
	xs := make([]float64, n)
	ticks := make([]chart.Tick, n)
	for i, c := range r.Candidates {
		xs[i] = float64(i)
		ticks[i] = chart.Tick{At: float64(i), Label: c.D}
	}
	rel := func(f func(Candidate) float64) []float64 {
		m := math.Inf(1)
		for _, c := range r.Candidates {
			m = min(m, f(c))
		}
		out := make([]float64, n)
		for i, c := range r.Candidates {
			out[i] = f(c) / m
		}
		return out
	}
	return chart.Spec{
		Title:  "tune-d: pick D=" + r.D,
		XLabel: "D (augmented dimensions)",
		YLabel: "relative to the best candidate (×, log scale)",
		LogY:   true,
		XTicks: ticks,
		Series: []chart.Series{
			{Name: "score (lower is better)", X: xs, Y: rel(func(c Candidate) float64 { return c.Score })},
			{Name: "irreducible target loss", X: xs, Y: rel(func(c Candidate) float64 { return c.TargetLoss })},
			{Name: "input tail spread q99/q50", X: xs, Y: rel(func(c Candidate) float64 { return c.TailSpread })},
			{Name: "exact-field SW2 under noise α", X: xs, Y: rel(func(c Candidate) float64 { return c.W2Noisy })},
		},
	}
}
