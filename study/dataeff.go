package study

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/pfgm/pfgm/data"
	"github.com/pfgm/pfgm/process"
	"github.com/pfgm/pfgm/train"
)

// dataFractions are the shares of the training set of DataEfficiency.
var dataFractions = []float64{0.01, 0.1, 1}

// DataEfficiency trains each D with the same steps on 1 %, 10 % and 100 %
// of the training points and measures held-out sliced W2 and the held-out
// denoising loss.
func DataEfficiency(ctx context.Context, o Options) error {
	e, err := open(ctx, "data-efficiency", o)
	if err != nil {
		return err
	}
	for _, f := range dataFractions {
		file := e.train
		if f < 1 {
			n := max(8, int(math.Round(f*float64(e.trainP.N()))))
			file = filepath.Join(e.o.Runs, fmt.Sprintf("train-%d.csv", n))
			if _, err := os.Stat(file); err != nil {
				// trainP is in random order already; its first n points are a random subset.
				if err := data.WritePoints(file, e.trainP.Subset(seq(n))); err != nil {
					return fmt.Errorf("study: %w", err)
				}
			}
		}
		for _, D := range o.Ds {
			for _, seed := range o.Seeds {
				line := lineName(D)
				kW, kL := fmt.Sprintf("sw2/%s/s%d/%g", line, seed, f), fmt.Sprintf("loss/%s/s%d/%g", line, seed, f)
				if e.done[kW] && e.done[kL] {
					continue
				}
				tag := fmt.Sprintf("f%g-", f)
				if f == 1 {
					tag = "" // the full-data runs of the other studies
				}
				m, err := e.run(D, seed, file, tag, "")
				if err != nil {
					return err
				}
				if !e.done[kW] {
					w, nfe, err := e.sampleSW2(m, m.Config.SampleOptions(), seed)
					if err != nil {
						return err
					}
					if err := e.add(Cell{Key: kW, Line: line, Chart: "data-sw2", X: 100 * f, Seed: seed, SW2: w, NFE: nfe}); err != nil {
						return err
					}
				}
				if !e.done[kL] {
					l, err := heldOutLoss(e, m, seed)
					if err != nil {
						return err
					}
					if err := e.add(Cell{Key: kL, Line: line, Chart: "data-loss", X: 100 * f, Seed: seed, Loss: l}); err != nil {
						return err
					}
				}
			}
		}
	}
	return e.finish([]chartSpec{
		{Name: "data-sw2", Title: "held-out quality against training-set size", XLabel: "training data used (%)", LogX: true},
		{Name: "data-loss", Title: "held-out denoising loss against training-set size", XLabel: "training data used (%)", LogX: true, Loss: true},
	})
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

// heldOutLoss is the EDM denoising loss of the model on the held-out
// points, E[λ(σ)‖D(y + n, σ) − y‖²]/N with ln σ ~ N(P_mean, P_std²) and n
// the run's kernel noise, λ(σ) = (σ² + σ_d²)/(σ σ_d)², in the model's
// standardised units; 4 noise draws per point, fixed seed.
func heldOutLoss(e *env, m *train.Model, seed uint64) (float64, error) {
	c := m.Config
	y := e.heldout.Clone()
	if c.Standardize != nil {
		if err := c.Standardize.Apply(y); err != nil {
			return 0, err
		}
	}
	rng := rand.New(rand.NewPCG(seed, 0x6c6f7373))
	n, dim := y.N(), y.Dim
	den := m.Pre.Denoiser(1)
	x := make([]float64, dim)
	out := make([]float64, dim)
	sd2 := c.SigmaData * c.SigmaData
	// Every draw has its own σ, so points go to the network one at a time.
	const reps = 4
	var total float64
	for range reps {
		for i := range n {
			sigma := math.Exp(c.PMean + c.PStd*rng.NormFloat64())
			process.Noise(m.Proc, rng, dim, []float64{sigma}, false, x)
			row := y.Row(i)
			for j := range x {
				x[j] += row[j]
			}
			if err := den.Denoise(e.ctx, x, sigma, out); err != nil {
				return 0, err
			}
			var s float64
			for j := range out {
				s += (out[j] - row[j]) * (out[j] - row[j])
			}
			total += (sigma*sigma + sd2) / (sigma * sigma * sd2) * s / float64(dim)
		}
	}
	return total / float64(reps*n), nil
}
