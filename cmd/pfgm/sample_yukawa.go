package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"time"

	"github.com/pfgm/pfgm/data"
	"github.com/pfgm/pfgm/sampler"
	"github.com/pfgm/pfgm/yukawa"
)

// yukawaFlags are the `pfgm sample` flags that only the Yukawa process uses.
type yukawaFlags struct {
	m            float64
	tMax         float64
	essThreshold float64
}

// sampleYukawaExact samples with the exact Yukawa field of the data by
// weighted particles (package yukawa): Coulomb prior at t_max, backward
// Heun on the EDM grid in t, log-weights grown by ∫λ dt, resampling when
// the ESS falls below the threshold. σ-min is the grid's t_min. It warns
// when the weights' tail diagnostic (Pareto k̂) says the result cannot be
// trusted.
func sampleYukawaExact(ctx context.Context, f *sampleFlags, y yukawaFlags, stdout, stderr io.Writer) error {
	if math.IsInf(f.D, 1) || f.D != math.Trunc(f.D) || f.D > math.MaxInt32 {
		return fmt.Errorf("--process yukawa needs a finite integer --D, got %v", f.D)
	}
	if f.opt.Solver != sampler.Heun || f.opt.Alpha != 0 {
		return errors.New("--process yukawa samples with Heun and no noise injection (--solver heun, --alpha 0)")
	}
	pts, err := loadPoints(f.data, f.charges, f.seed)
	if err != nil {
		return err
	}
	std, z, err := standardize(pts)
	if err != nil {
		return err
	}
	proc := yukawa.Process{M: y.m, D: int(f.D)}
	fld, err := yukawa.NewField(z.X, z.Dim, proc)
	if err != nil {
		return err
	}
	opt := yukawa.DefaultOptions()
	opt.Steps, opt.TMin, opt.TMax, opt.Rho = f.opt.Steps, f.opt.SigmaMin, y.tMax, f.opt.Rho
	opt.ESSThreshold = y.essThreshold
	rng := rand.New(rand.NewPCG(f.seed, sampleStream))
	x := fld.Prior(rng, f.n, opt.TMax)
	start := time.Now()
	res, err := yukawa.Sample(ctx, fld, x, rng, opt)
	if err != nil {
		return fmt.Errorf("sample: %w", err)
	}
	fmt.Fprintf(stderr, "nfe=%d ess_final=%.3f ess_min=%.3f resamplings=%d pareto_k=%.2f time=%.2fs\n",
		res.NFE, res.FinalESS, res.MinESS, res.Resamplings, res.ParetoK, time.Since(start).Seconds())
	if w := res.Warning(); w != "" {
		fmt.Fprintln(stderr, "warning: "+w)
	}
	samples := &data.Points{Dim: z.Dim, X: res.Samples}
	if err := std.Invert(samples); err != nil {
		return err
	}
	return writeSamples(f.out, samples, pts, fmt.Sprintf("exact field, %s, %d samples, NFE %d", proc, f.n, res.NFE))
}
