package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pfgm/pfgm/data"
	"github.com/pfgm/pfgm/pipeline"
)

func newDataCmd(g *globals) *cobra.Command {
	var spec, toy, out string
	var n int
	var seed uint64
	cmd := &cobra.Command{
		Use:     "data --data toy:NAME --out FILE.csv|.npy [flags]",
		Short:   "write a built-in toy data set to a file",
		Long:    "Write n points of a built-in toy data set to a .csv (one point a row, no\nheader) or .npy (float64) file. The sets: " + toyHelp() + ".",
		Example: `  pfgm data --data toy:moons --n 4000 --seed 1 --out moons.csv`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if changed(cmd, "toy") {
				if spec != "" {
					return usagef(cmd, "--toy NAME is the old spelling of --data toy:NAME: give one of them")
				}
				deprecated(cmd, "toy", "--data toy:NAME")
				spec = "toy:" + toy
			}
			name, ok := strings.CutPrefix(spec, "toy:")
			switch {
			case spec == "":
				return usagef(cmd, "--data toy:NAME is required (one of %s)", toyHelp())
			case !ok:
				return usagef(cmd, "--data %s: want toy:NAME (one of %s)", spec, toyHelp())
			case out == "":
				return usagef(cmd, "--out is required (a .csv or .npy file)")
			}
			if err := pipeline.CheckOutput(out, nil, ".csv", ".npy"); err != nil {
				return err
			}
			p, err := pipeline.Toy(cmd.Context(), pipeline.ToyOptions{Name: name, N: n, Seed: seed, MaxMemory: g.limit})
			if err != nil {
				return err
			}
			if err := data.WritePoints(out, p); err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "wrote %d %d-D points of %s to %s\n", p.N(), p.Dim, name, out)
			return nil
		},
	}
	fs := cmd.Flags()
	dataFlag(fs, &spec, "toy data set: toy:NAME, NAME one of "+toyHelp())
	fs.StringVar(&toy, "toy", "", "deprecated: use --data toy:NAME")
	fs.MarkHidden("toy")
	fs.IntVar(&n, "n", 2000, "number of points")
	seedFlag(fs, &seed)
	outFlag(fs, &out, "output file, .csv (one point a row, no header) or .npy (float64)")
	return cmd
}
