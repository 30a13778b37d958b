package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pfgm/pfgm/data"
	"github.com/pfgm/pfgm/process"
	"github.com/pfgm/pfgm/tuned"
)

func newTuneDCmd(g *globals) *cobra.Command {
	o := tuned.DefaultOptions()
	var spec, out, cands string
	cmd := &cobra.Command{
		Use:   "tune-d --data FILE|toy:NAME --out DIR [flags]",
		Short: "choose D for a point set from its exact field (no training)",
		Long: `Choose D for a point set from measurements on its exact field, without
training: per candidate the irreducible training loss (how noisy the targets
are), the spread of the network's inputs (how far out it must be right) and
how much exact-field sampling degrades under a field error α. Prints one JSON
line {"D": ..., "candidates": [...], "reason": ...}; writes result.json and
the trade-off chart tune-d.png/.svg into --out. The rule is in docs/STUDIES.md.`,
		Example: `  pfgm tune-d --data points.csv --out tune`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch {
			case spec == "":
				return usagef(cmd, "--data is required")
			case out == "":
				return usagef(cmd, "--out is required")
			case !(o.Alpha >= 0) || o.Draws < 1:
				return usagef(cmd, "--alpha must be ≥ 0 and --draws ≥ 1, got %v and %d", o.Alpha, o.Draws)
			}
			o.Candidates = nil
			for f := range strings.SplitSeq(cands, ",") {
				D, err := process.ParseD(f)
				if err != nil {
					return usagef(cmd, "--candidates: %v", err)
				}
				o.Candidates = append(o.Candidates, D)
			}
			pts, err := data.Load(spec, 20000, data.RNG(o.Seed))
			if err != nil {
				return fmt.Errorf("--data: %w", err)
			}
			o.Log = cmd.ErrOrStderr()
			fmt.Fprintf(o.Log, "tune-d: %d points of %d numbers, %d candidates\n", pts.N(), pts.Dim, len(o.Candidates))
			r, err := tuned.Tune(cmd.Context(), pts, o)
			if err != nil {
				return err
			}
			if err := tuned.Write(out, r); err != nil {
				return err
			}
			return printJSON(cmd.OutOrStdout(), r)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&spec, "data", "", "data: a .csv/.npy file of points or toy:NAME")
	outFlag(fs, &out, "directory for result.json and the chart tune-d.png/.svg")
	fs.StringVar(&cands, "candidates", "1,4,16,64,256,2048,inf", "comma-separated D to choose from")
	fs.Float64Var(&o.Alpha, "alpha", o.Alpha, "field error of the robustness measurement (noise injection α)")
	fs.IntVar(&o.Draws, "draws", o.Draws, "training pairs behind the target-loss measurement")
	seedFlag(fs, &o.Seed)
	return cmd
}
