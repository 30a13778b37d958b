package main

import (
	"github.com/spf13/cobra"

	"github.com/pfgm/pfgm/pipeline"
)

func newFieldCmd(g *globals) *cobra.Command {
	o := pipeline.DefaultFieldLinesOptions()
	var D, out string
	cmd := &cobra.Command{
		Use:   "field --data SPEC --out FILE.png [flags]",
		Short: "draw the field lines of a data set in the (x, r) plane",
		Long: `Draw the field lines of the data's first coordinate (standardised) in the
(x, r) half-plane of PFGM++ with D augmented dimensions: lines start on a
half-circle far away at angles of equal flux and are traced against the
field down to the charges.`,
		Example: `  pfgm field --data toy:2clusters --D 4 --out field.png`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch {
			case o.Data == "":
				return usagef(cmd, "--data is required (toy:NAME or a .csv/.npy file)")
			case out == "":
				return usagef(cmd, "--out FILE.png is required")
			}
			var err error
			if o.D, err = parseD(cmd, D); err != nil {
				return err
			}
			if err := pipeline.CheckOutput(out, []string{o.Data}, ".png"); err != nil {
				return err
			}
			o.MaxMemory = g.limit
			res, err := pipeline.FieldLines(cmd.Context(), o)
			if err != nil {
				return err
			}
			return res.Write(out)
		},
	}
	fs := cmd.Flags()
	dataFlag(fs, &o.Data, "data: toy:NAME or a .csv/.npy file; the first coordinate is used")
	chargesFlag(fs, &o.Charges)
	dFlag(fs, &D)
	fs.IntVar(&o.Lines, "lines", o.Lines, "number of field lines")
	seedFlag(fs, &o.Seed)
	outFlag(fs, &out, "output .png")
	return cmd
}
