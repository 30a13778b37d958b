package study

import (
	"context"
	"fmt"
	"math"

	"github.com/pfgm/pfgm/sampler"
	"github.com/pfgm/pfgm/train"
)

// The solver grids of Steps: steps on the EDM grid per solver, RK45
// tolerances for the original PFGM.
var (
	stepsHeun   = []int{2, 3, 4, 6, 9, 13, 18, 27, 40}
	stepsEuler  = []int{4, 8, 16, 32, 64}
	stepsSDE    = []int{8, 16, 32, 64, 128, 256, 512}
	stepsEDMSDE = []int{4, 6, 9, 13, 18, 27, 40}
	pfgmTols    = []float64{1e-1, 3e-2, 1e-2, 1e-3, 1e-4}
)

// Steps measures quality against NFE: Heun at every D of o (the PFGM++
// ODE), Euler, the reverse SDE and EDM's stochastic sampler on the D = ∞
// model, and the original PFGM (pfgm-field objective, RK45 at several
// tolerances).
func Steps(ctx context.Context, o Options) error {
	e, err := open(ctx, "steps", o)
	if err != nil {
		return err
	}
	for _, seed := range o.Seeds {
		for _, D := range o.Ds {
			for _, s := range stepsHeun {
				if err := stepCell(e, D, seed, "heun "+lineName(D), sampler.Heun, s, 0); err != nil {
					return err
				}
			}
		}
		inf := math.Inf(1)
		for _, s := range stepsEuler {
			if err := stepCell(e, inf, seed, "euler D=inf", sampler.Euler, s, 0); err != nil {
				return err
			}
		}
		for _, s := range stepsSDE {
			if err := stepCell(e, inf, seed, "sde D=inf", sampler.SDE, s, 0); err != nil {
				return err
			}
		}
		for _, s := range stepsEDMSDE {
			if err := stepCell(e, inf, seed, "edm-sde D=inf", sampler.EDMSDE, s, 0); err != nil {
				return err
			}
		}
		for _, tol := range pfgmTols {
			if err := stepCell(e, 1, seed, "pfgm rk45", sampler.RK45, 0, tol); err != nil {
				return err
			}
		}
	}
	return e.finish([]chartSpec{{Name: "steps", Title: "quality against sampling cost", XLabel: "NFE (denoiser evaluations)", LogX: true}})
}

// stepCell measures one solver setting; tol > 0 is the original PFGM with
// RK45 at rtol = atol = tol.
func stepCell(e *env, D float64, seed uint64, line string, solver sampler.Solver, steps int, tol float64) error {
	key := fmt.Sprintf("%s/s%d/%d/%g", line, seed, steps, tol)
	if e.done[key] {
		return nil
	}
	var m *train.Model
	var err error
	if tol > 0 {
		m, err = e.run(1, seed, e.train, "field-", train.ObjectiveField)
	} else {
		m, err = e.run(D, seed, e.train, "", "")
	}
	if err != nil {
		return err
	}
	opt := m.Config.SampleOptions()
	opt.Solver = solver
	if tol > 0 {
		opt.Rtol, opt.Atol = tol, tol
	} else {
		opt.Steps = steps
	}
	w, nfe, err := e.sampleSW2(m, opt, seed)
	if err != nil {
		return fmt.Errorf("study steps %s: %w", key, err)
	}
	return e.add(Cell{Key: key, Line: line, Chart: "steps", X: float64(nfe), Seed: seed, SW2: w, NFE: nfe})
}
