package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pfgm/pfgm/pipeline"
	"github.com/pfgm/pfgm/process"
)

type plotFlags struct {
	samples, data, loss, out string
	traj                     bool
	Ds, masses               string
	charges, n, steps        int
	sigmaMax                 float64
	seed                     uint64
}

func newPlotCmd(g *globals) *cobra.Command {
	var f plotFlags
	def := pipeline.DefaultTrajectoriesOptions()
	cmd := &cobra.Command{
		Use:   "plot (--samples FILE [--data SPEC] | --trajectories --data SPEC | --loss RUN_DIR) --out FILE.png",
		Short: "draw samples over data, sampling trajectories for several D, or a loss curve",
		Long: `Draw one of three pictures:
  --samples FILE [--data SPEC]   the samples (first two coordinates) over the data
  --trajectories --data SPEC     exact-field sampling paths, one panel per --D
                                 (and per Yukawa mass with --m), with ‖x‖ against σ below
  --loss RUN_DIR                 a training run's loss per step and its running mean`,
		Example: `  pfgm plot --samples exact.csv --data moons.csv --out exact.png
  pfgm plot --trajectories --data toy:8gaussians --D 1,4,64,inf --out traj.png
  pfgm plot --loss runs/mnist --out loss.png`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runPlot(cmd, g, &f) },
	}
	fs := cmd.Flags()
	fs.StringVar(&f.samples, "samples", "", "samples to draw (.csv or .npy)")
	dataFlag(fs, &f.data, "data: toy:NAME or a .csv/.npy file (reference points, or the charges of the trajectories)")
	fs.BoolVar(&f.traj, "trajectories", false, "draw exact-field sampling trajectories, one panel per D")
	fs.StringVar(&f.loss, "loss", "", "draw the loss curve of the training run in this directory")
	fs.StringVar(&f.Ds, "D", "1,4,64,inf", "--trajectories: comma-separated augmented dimensions, one panel each")
	fs.StringVar(&f.masses, "m", "", "--trajectories: also Yukawa panels (D=1, t_max 20) for these comma-separated masses, e.g. 0.3,1,3")
	chargesFlag(fs, &f.charges)
	fs.IntVar(&f.n, "n", def.N, "--trajectories: paths per panel")
	fs.IntVar(&f.steps, "steps", def.Steps, "--trajectories: Heun steps (more steps draw smoother paths)")
	fs.Float64Var(&f.sigmaMax, "sigma-max", def.SigmaMax, "--trajectories: the prior's noise level")
	seedFlag(fs, &f.seed)
	outFlag(fs, &f.out, "output .png")
	return cmd
}

func runPlot(cmd *cobra.Command, g *globals, f *plotFlags) error {
	modes := 0
	for _, on := range []bool{f.samples != "", f.traj, f.loss != ""} {
		if on {
			modes++
		}
	}
	switch {
	case modes == 0:
		return usagef(cmd, "give one of --samples FILE, --trajectories or --loss RUN_DIR")
	case modes > 1:
		return usagef(cmd, "--samples, --trajectories and --loss draw different pictures: give one of them")
	case f.out == "":
		return usagef(cmd, "--out FILE.png is required")
	}
	trajOnly := []string{"D", "m", "n", "steps", "sigma-max"}
	var res *pipeline.PlotResult
	var err error
	switch {
	case f.loss != "":
		if err := refuse(cmd, "does not apply to --loss", append(trajOnly, "data", "charges", "seed")...); err != nil {
			return err
		}
		if err := pipeline.CheckOutput(f.out, nil, ".png"); err != nil {
			return err
		}
		res, err = pipeline.Loss(cmd.Context(), pipeline.LossOptions{Run: f.loss})
	case f.samples != "":
		if err := refuse(cmd, "belongs to --trajectories", trajOnly...); err != nil {
			return err
		}
		if err := pipeline.CheckOutput(f.out, []string{f.samples, f.data}, ".png"); err != nil {
			return err
		}
		res, err = pipeline.Scatter(cmd.Context(), pipeline.ScatterOptions{
			Samples: f.samples, Data: f.data, Charges: f.charges, Seed: f.seed, MaxMemory: g.limit,
		})
	default:
		if f.data == "" {
			return usagef(cmd, "--trajectories needs --data (toy:NAME or a .csv/.npy file)")
		}
		o := pipeline.TrajectoriesOptions{
			Data: f.data, Charges: f.charges, Seed: f.seed, N: f.n, Steps: f.steps,
			SigmaMax: f.sigmaMax, MaxMemory: g.limit,
		}
		for _, s := range strings.Split(f.Ds, ",") {
			D, err := process.ParseD(s)
			if err != nil {
				return usagef(cmd, "--D: %v", err)
			}
			o.Ds = append(o.Ds, D)
		}
		if f.masses != "" {
			for _, s := range strings.Split(f.masses, ",") {
				m, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
				if err != nil || !(m > 0) || math.IsInf(m, 0) {
					return usagef(cmd, "--m: want positive masses separated by commas, got %q", f.masses)
				}
				o.Masses = append(o.Masses, m)
			}
		}
		if err := pipeline.CheckOutput(f.out, []string{f.data}, ".png"); err != nil {
			return err
		}
		res, err = pipeline.Trajectories(cmd.Context(), o)
	}
	if err != nil {
		return err
	}
	if err := res.Write(f.out); err != nil {
		return fmt.Errorf("write %s: %w", f.out, err)
	}
	return nil
}
