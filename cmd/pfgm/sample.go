package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/pfgm/pfgm/pipeline"
	"github.com/pfgm/pfgm/process"
	"github.com/pfgm/pfgm/sampler"
)

type sampleFlags struct {
	exact        bool
	run          string
	data         string
	charges      int
	D            string
	process      string
	m            float64
	n            int
	seed         uint64
	class        int
	out          string
	solver       string
	opt          sampler.Options
	tMax         float64
	essThreshold float64
	bits         int     // --run: quantise the weights (0: off)
	priorQ       float64 // --run: truncate the prior at this radius quantile (0: off)
}

func newSampleCmd(g *globals) *cobra.Command {
	var f sampleFlags
	cmd := &cobra.Command{
		Use:   "sample (--exact --data SPEC | --run RUN_DIR) --out FILE.csv|.npy|.png [flags]",
		Short: "generate samples with the exact field of a data set or a trained run",
		Long: `Generate samples with the exact field of a data set (--exact --data SPEC; no
training) or with a trained run (--run RUN_DIR). Samples are written in data
units: .csv or .npy (points one a row; an image run's NPY is (n, C, H, W)
float32 in [0, 1]) or .png (points over the data, or a grid of images).
One line on stderr reports the evaluations (nfe) and the time; Yukawa
sampling adds the weights' diagnostics and warns when they are unreliable.`,
		Example: `  pfgm sample --exact --data toy:moons --D 128 --n 2000 --out exact.csv
  pfgm sample --exact --process yukawa --m 1 --D 1 --data toy:2clusters --out y.csv
  pfgm sample --run runs/mnist --n 64 --out digits.png`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runSample(cmd, g, &f) },
	}
	fs := cmd.Flags()
	f.opt = sampler.DefaultOptions()
	fs.BoolVar(&f.exact, "exact", false, "sample with the exact field of --data (no training)")
	fs.StringVar(&f.run, "run", "", "sample from the trained model in RUN_DIR")
	dataFlag(fs, &f.data, "")
	chargesFlag(fs, &f.charges)
	dFlag(fs, &f.D)
	processFlags(fs, &f.process, &f.m)
	fs.IntVar(&f.n, "n", 2000, "number of samples")
	fs.IntVar(&f.opt.Steps, "steps", f.opt.Steps, "steps on the EDM grid (Heun: 2·steps−1 evaluations; --run: the run's default)")
	solverFlag(fs, &f.solver)
	fs.Float64Var(&f.opt.Rtol, "rtol", f.opt.Rtol, "rk45 relative tolerance")
	fs.Float64Var(&f.opt.Atol, "atol", f.opt.Atol, "rk45 absolute tolerance")
	fs.Float64Var(&f.opt.SigmaMax, "sigma-max", f.opt.SigmaMax, "largest noise level, the prior's (--run: the run's default)")
	fs.Float64Var(&f.opt.SigmaMin, "sigma-min", f.opt.SigmaMin, "smallest noise level before the final denoise")
	fs.Float64Var(&f.opt.Alpha, "alpha", 0, "noise injection x += α·σ·ε before each step (robustness studies)")
	fs.IntVar(&f.class, "class", 0, "--run: draw every sample from this class of a class-conditional run (default: every class in turn)")
	seedFlag(fs, &f.seed)
	outFlag(fs, &f.out, "output: .csv or .npy (samples) or .png (a picture)")
	fs.Float64Var(&f.tMax, "t-max", 20, "yukawa: largest augmented radius t, the Coulomb prior's")
	fs.Float64Var(&f.essThreshold, "ess-threshold", 0, "yukawa: resample when ESS/n falls below this (0: only at the end)")
	fs.Float64Var(&f.opt.SChurn, "s-churn", f.opt.SChurn, "edm-sde: S_churn, EDM's churn (0: Heun)")
	fs.IntVar(&f.bits, "quantize", 0, "--run: quantise the weights (not norms/biases) to this many bits, per-tensor min-max (0: off)")
	fs.Float64Var(&f.priorQ, "prior-quantile", 0, "--run: draw the prior below this quantile of its radius, e.g. 0.95 against small D's heavy tail (0: off)")
	return cmd
}

func runSample(cmd *cobra.Command, g *globals, f *sampleFlags) error {
	switch {
	case f.exact == (f.run != ""):
		return usagef(cmd, "give exactly one of --exact (the exact field of --data) or --run RUN_DIR (a trained model)")
	case f.exact && f.data == "":
		return usagef(cmd, "--exact needs --data (toy:NAME or a .csv/.npy file)")
	case f.out == "":
		return usagef(cmd, "--out is required (.csv, .npy or .png)")
	}
	solver, err := parseSolver(cmd, f.solver)
	if err != nil {
		return err
	}
	f.opt.Solver = solver
	D, err := parseD(cmd, f.D)
	if err != nil {
		return err
	}
	if f.run != "" {
		return sampleRun(cmd, g, f, D)
	}
	if err := refuse(cmd, "belongs to --run", "class", "quantize", "prior-quantile"); err != nil {
		return err
	}
	o := pipeline.SampleExactOptions{
		Data: f.data, Charges: f.charges, Seed: f.seed, Process: f.process, D: D,
		N: f.n, Sampler: f.opt, MaxMemory: g.limit,
	}
	if f.process == pipeline.Yukawa {
		o.M, o.TMax, o.ESSThreshold = f.m, f.tMax, f.essThreshold
	} else if err := refuse(cmd, "belongs to --process yukawa", "m", "t-max", "ess-threshold"); err != nil {
		return err
	}
	if err := pipeline.CheckOutput(f.out, []string{f.data}, ".csv", ".npy", ".png"); err != nil {
		return err
	}
	res, err := pipeline.SampleExact(cmd.Context(), o)
	if err != nil {
		return err
	}
	report(cmd, res)
	return pipeline.WriteSamples(f.out, res)
}

// sampleRun samples a trained run: D, the process and the data transform
// come from the run, so flags that would set them are refused.
func sampleRun(cmd *cobra.Command, g *globals, f *sampleFlags, D float64) error {
	if err := refuse(cmd, "comes from the run: --run samples its trained model", "data", "charges", "process", "m", "t-max", "ess-threshold"); err != nil {
		return err
	}
	if err := pipeline.CheckOutput(f.out, nil, ".csv", ".npy", ".png"); err != nil {
		return err
	}
	r, err := pipeline.OpenRun(f.run, g.limit)
	if err != nil {
		return fmt.Errorf("--run: %w", err)
	}
	for _, w := range r.Warnings() {
		fmt.Fprintln(cmd.ErrOrStderr(), "warning: "+w)
	}
	if c := r.Config(); changed(cmd, "D") && D != c.D {
		return usagef(cmd, "--D %s: the run was trained with D=%s (D comes from the run)", f.D, process.FormatD(c.D))
	}
	if f.bits != 0 {
		rep, err := r.Quantize(f.bits)
		if err != nil {
			return usagef(cmd, "--quantize: %v", err)
		}
		fmt.Fprintf(cmd.ErrOrStderr(), "quantized %d weight tensors (%d values) to %d bits, max change %.3g; %d bias/norm tensors kept\n",
			rep.Quantized, rep.Values, f.bits, rep.MaxError, rep.Skipped)
	}
	if w := r.HeavyTailWarning(); w != "" && f.priorQ == 0 {
		fmt.Fprintln(cmd.ErrOrStderr(), "warning: "+w)
	}
	o := pipeline.DefaultSampleRunOptions()
	o.N, o.Seed, o.MaxMemory, o.Sampler, o.PriorQuantile = f.n, f.seed, g.limit, f.opt, f.priorQ
	// Unset flags take the run's own defaults.
	if !changed(cmd, "steps") {
		o.Sampler.Steps = 0
	}
	if !changed(cmd, "sigma-max") {
		o.Sampler.SigmaMax = 0
	}
	if changed(cmd, "class") {
		o.Class = &f.class
	}
	res, err := r.Sample(cmd.Context(), o)
	if err != nil {
		return err
	}
	report(cmd, res)
	return pipeline.WriteSamples(f.out, res)
}

// report prints the one-line summary of a sampling job on stderr, and the
// weights' warning if any.
func report(cmd *cobra.Command, res *pipeline.SampleResult) {
	w := cmd.ErrOrStderr()
	if y := res.Weights; y != nil {
		fmt.Fprintf(w, "nfe=%d ess_final=%.3f ess_min=%.3f resamplings=%d pareto_k=%.2f time=%.2fs\n",
			res.NFE, y.FinalESS, y.MinESS, y.Resamplings, y.ParetoK, res.Elapsed.Seconds())
		if y.Warning != "" {
			fmt.Fprintln(w, "warning: "+y.Warning)
		}
		return
	}
	fmt.Fprintf(w, "nfe=%d time=%.2fs\n", res.NFE, res.Elapsed.Seconds())
}
