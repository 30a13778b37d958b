package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pfgm/pfgm/pipeline"
)

func newLikelihoodCmd(g *globals) *cobra.Command {
	o := pipeline.DefaultLikelihoodOptions()
	solver := "rk45"
	cmd := &cobra.Command{
		Use:   "likelihood --run RUN_DIR --data SPEC [flags]",
		Short: "negative log-likelihood (nats, bits/dim) of data under a trained run",
		Long: `Print one JSON line {nll, nll_stderr, bpd, n, nfe_mean}: the negative
log-likelihood of the examples under the run's model, through the
probability-flow ODE dx/dσ = (x − D(x, σ))/σ from σ_min to σ_max with the
change of log-density ∫ ∇·(dx/dσ) dσ and the prior's closed-form density
at σ_max (PFGM++ kernel for finite D, Gaussian for D = inf).

nll is in nats per example in the data's own units: for points it
includes the standardisation's log-Jacobian −Σ log s_i. bpd is bits per
dimension. For images (8-bit pixels scaled to [−1, 1]) the pixels k are
dequantised with uniform noise, y = 2(k + U)/256 − 1, and
bpd = nll_y/(N ln 2) + 7, the usual convention; nll is then nll_y, in the
units of y. For points bpd = nll/(N ln 2).`,
		Example: `  pfgm likelihood --run runs/cb --data toy:checkerboard --n 2000
  pfgm likelihood --run runs/mnist --data mnist --n 100`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch {
			case o.Run == "":
				return usagef(cmd, "--run is required")
			case o.Data == "":
				return usagef(cmd, "--data is required")
			case changed(cmd, "n") && o.N < 1:
				return usagef(cmd, "--n must be ≥ 1, got %d", o.N)
			case !strings.EqualFold(solver, "rk45"):
				return usagef(cmd, "--solver %q: only rk45 is supported (the likelihood needs the adaptive solver's accuracy)", solver)
			}
			o.MaxMemory = g.limit
			// Unset, the σ range is the run's own (pfgm-field runs: their z range).
			if !changed(cmd, "sigma-min") {
				o.SigmaMin = 0
			}
			if !changed(cmd, "sigma-max") {
				o.SigmaMax = 0
			}
			r, err := pipeline.OpenRun(o.Run, g.limit)
			if err != nil {
				return fmt.Errorf("--run: %w", err)
			}
			res, err := r.Likelihood(cmd.Context(), o)
			if err != nil {
				return err
			}
			return printJSON(cmd.OutOrStdout(), res)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&o.Run, "run", "", "run directory (from pfgm train)")
	dataFlag(fs, &o.Data, "points (.csv/.npy file or toy:NAME), mnist[:split], fashion-mnist[:split] or a PNG folder (image sets: test split by default)")
	fs.IntVar(&o.N, "n", 0, "evaluate at most this many examples, a seeded random subset (default: all points of a file, 1000 draws of a toy set, 1000 images)")
	fs.IntVar(&o.Probes, "hutchinson", o.Probes, "Rademacher probes of Hutchinson's divergence estimator; 0: exact divergence (default: exact up to 32 dimensions, else 1 probe)")
	fs.StringVar(&solver, "solver", solver, "ODE solver (only rk45: adaptive Dormand–Prince in ln σ)")
	fs.Float64Var(&o.Rtol, "rtol", o.Rtol, "relative tolerance of the solver")
	fs.Float64Var(&o.Atol, "atol", o.Atol, "absolute tolerance of the solver")
	fs.Float64Var(&o.SigmaMin, "sigma-min", 0.002, "start of the integration (the density is the data's smoothed at σ_min; pfgm-field runs: z_min 1e-3)")
	fs.Float64Var(&o.SigmaMax, "sigma-max", 80, "end of the integration, where the prior is evaluated (pfgm-field runs: their z_max)")
	fs.IntVar(&o.Batch, "batch", o.Batch, "examples integrated together")
	seedFlag(fs, &o.Seed)
	return cmd
}
