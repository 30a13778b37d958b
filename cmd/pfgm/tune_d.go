package main

import (
	"fmt"
	"math"
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
		Use:   "tune-d --data FILE|toy:NAME|mnist|fashion-mnist --out DIR [flags]",
		Short: "choose D for a data set from its exact field (no training)",
		Long: `Choose D for a data set from measurements on its exact field, without
training: per candidate the irreducible training loss (how noisy the targets
are), the spread of the network's inputs (how far out it must be right) and
how much exact-field sampling degrades under a field error α. Prints one JSON
line {"D": ..., "candidates": [...], "reason": ...}; writes result.json and
the trade-off chart tune-d.png/.svg into --out. The rule is in docs/STUDIES.md.

An image set (mnist, fashion-mnist) is measured as points of C·H·W numbers in
[−1, 1], as training sees them (not standardised per pixel): a random subset
of --charges/(1 − 0.2) images of its training split, 20 % of them held out.`,
		Example: `  pfgm tune-d --data points.csv --out tune
  pfgm tune-d --data mnist --charges 1000 --samples 200 --out tune-mnist`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch {
			case spec == "":
				return usagef(cmd, "--data is required")
			case out == "":
				return usagef(cmd, "--out is required")
			case !(o.Alpha >= 0) || o.Draws < 1:
				return usagef(cmd, "--alpha must be ≥ 0 and --draws ≥ 1, got %v and %d", o.Alpha, o.Draws)
			case o.MaxCharges < 2 || o.Samples < 1:
				return usagef(cmd, "--charges must be ≥ 2 and --samples ≥ 1, got %d and %d", o.MaxCharges, o.Samples)
			}
			o.Candidates = nil
			for f := range strings.SplitSeq(cands, ",") {
				D, err := process.ParseD(f)
				if err != nil {
					return usagef(cmd, "--candidates: %v", err)
				}
				o.Candidates = append(o.Candidates, D)
			}
			pts, err := tuneDPoints(spec, &o)
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
	fs.StringVar(&spec, "data", "", "data: a .csv/.npy file of points, toy:NAME, mnist or fashion-mnist")
	fs.IntVar(&o.MaxCharges, "charges", o.MaxCharges, "at most this many charges of the exact field (a random subset)")
	fs.IntVar(&o.Samples, "samples", o.Samples, "exact-field samples behind each sliced-W2 measurement")
	outFlag(fs, &out, "directory for result.json and the chart tune-d.png/.svg")
	fs.StringVar(&cands, "candidates", "1,4,16,64,256,2048,inf", "comma-separated D to choose from")
	fs.Float64Var(&o.Alpha, "alpha", o.Alpha, "field error of the robustness measurement (noise injection α)")
	fs.IntVar(&o.Draws, "draws", o.Draws, "training pairs behind the target-loss measurement")
	seedFlag(fs, &o.Seed)
	return cmd
}

// tuneDPoints loads the data of tune-d: a point set as it is, or a random
// subset of an image set's training split as prescaled points (one row an
// image, values in [−1, 1]), enough for o.MaxCharges charges and the
// held-out part.
func tuneDPoints(spec string, o *tuned.Options) (*data.Points, error) {
	s, err := data.ParseSpec(spec)
	if err != nil {
		return nil, err
	}
	if !s.Images() {
		return data.Load(spec, 20000, data.RNG(o.Seed))
	}
	im, err := data.LoadImages(spec, 0, 0)
	if err != nil {
		return nil, err
	}
	n := min(im.N, int(math.Ceil(float64(o.MaxCharges)/(1-o.HeldOut)))+1)
	idx := data.RNG(o.Seed).Perm(im.N)[:n]
	pts := data.NewPoints(n, im.Size())
	for i, j := range idx {
		row := pts.Row(i)
		for k, v := range im.Image(j) {
			row[k] = float64(v)
		}
	}
	o.Prescaled = true
	return pts, nil
}
