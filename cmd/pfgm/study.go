package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/pfgm/pfgm/process"
	"github.com/pfgm/pfgm/study"
)

func newStudyCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "study robustness|data-efficiency|steps|limit --data FILE --out DIR [flags]",
		Short: "run a study grid: robustness, data-efficiency, steps, limit",
		Long: `Run a grid of trainings and samplings on a point set and write results.json,
results.md (a markdown table) and charts (PNG and SVG) into --out. A study
rerun in the same directory skips the grid cells it already has; trained
runs are kept (--runs shares them between studies). docs/STUDIES.md has the
studies' results.`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef(cmd, "name a study: %s", strings.Join(study.Names(), ", "))
			}
			return usagef(cmd, "unknown study %q (want %s)", args[0], strings.Join(study.Names(), ", "))
		},
	}
	for _, name := range study.Names() {
		cmd.AddCommand(newStudySubCmd(name))
	}
	return cmd
}

func newStudySubCmd(name string) *cobra.Command {
	o := study.DefaultOptions()
	var ds, seeds string
	cmd := &cobra.Command{
		Use:     name + " --data FILE|toy:NAME --out DIR [flags]",
		Short:   "the " + name + " study",
		Example: "  pfgm study " + name + " --data points.csv --heldout heldout.csv --out studies/" + name,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch {
			case o.Data == "":
				return usagef(cmd, "--data is required")
			case o.Dir == "":
				return usagef(cmd, "--out is required")
			}
			o.Ds = nil
			for f := range strings.SplitSeq(ds, ",") {
				D, err := process.ParseD(f)
				if err != nil {
					return usagef(cmd, "--D: %v", err)
				}
				o.Ds = append(o.Ds, D)
			}
			o.Seeds = nil
			for f := range strings.SplitSeq(seeds, ",") {
				s, err := strconv.ParseUint(strings.TrimSpace(f), 10, 64)
				if err != nil {
					return usagef(cmd, "--seeds: %q is not a seed", f)
				}
				o.Seeds = append(o.Seeds, s)
			}
			o.Log = cmd.ErrOrStderr()
			o.Command = cmd.CommandPath() + " " + strings.Join(flagArgs(cmd), " ")
			if err := study.Run(cmd.Context(), name, o); err != nil {
				if cmd.Context().Err() != nil {
					return err
				}
				// The command's name already says "study".
				return errors.New(strings.TrimPrefix(err.Error(), "study: "))
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s/results.md\n", o.Dir)
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&o.Data, "data", "", "training data: a .csv/.npy file of points or toy:NAME")
	fs.StringVar(&o.HeldOut, "heldout", "", "held-out points from the same distribution (default: a fifth of --data)")
	outFlag(fs, &o.Dir, "study directory: results.json, results.md, charts (resumes if it exists)")
	fs.StringVar(&o.Runs, "runs", "", "directory for the trained runs, shared between studies of one data set (default: OUT/runs)")
	fs.StringVar(&ds, "D", "1,16,128,inf", "comma-separated D of the trained models")
	fs.IntVar(&o.Steps, "steps", o.Steps, "training steps per model (equal budget)")
	fs.StringVar(&seeds, "seeds", "1", "comma-separated training seeds")
	fs.IntVar(&o.Samples, "samples", o.Samples, "samples per grid cell")
	fs.Float64Var(&o.PriorQuantile, "prior-quantile", 0, "sample every model from the prior cut at this quantile of its radius (0: off)")
	return cmd
}

// flagArgs lists the flags given on the command line as --name=value.
func flagArgs(cmd *cobra.Command) []string {
	var out []string
	cmd.Flags().Visit(func(f *pflag.Flag) { out = append(out, "--"+f.Name+"="+f.Value.String()) })
	return out
}
