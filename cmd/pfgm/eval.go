package main

import (
	"github.com/spf13/cobra"

	"github.com/pfgm/pfgm/pipeline"
)

func newEvalCmd(g *globals) *cobra.Command {
	o := pipeline.DefaultEvalOptions()
	cmd := &cobra.Command{
		Use:   "eval --ref FILE --samples FILE [flags]",
		Short: "compare samples with reference data (sliced W2, MMD)",
		Long: `Compare samples with reference points and print one JSON line. sw2 is the
sliced Wasserstein-2 distance between the samples and one half of the
reference, sw2_floor the same between the two halves (the noise floor, at
equal set sizes), both averaged over 8 random halvings; sw2_ratio =
sw2/sw2_floor (≈ 1 for a perfect model). mmd and mmd_floor are unbiased MMD²
estimates with a median-heuristic Gaussian kernel.`,
		Example: `  pfgm eval --ref ref.csv --samples exact.csv`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch {
			case o.Ref == "":
				return usagef(cmd, "--ref is required")
			case o.Samples == "":
				return usagef(cmd, "--samples is required")
			}
			o.MaxMemory = g.limit
			rep, err := pipeline.Eval(cmd.Context(), o)
			if err != nil {
				return err
			}
			return printJSON(cmd.OutOrStdout(), rep)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&o.Ref, "ref", "", "reference points (.csv or .npy, one point a row)")
	fs.StringVar(&o.Samples, "samples", "", "generated points (.csv or .npy)")
	fs.IntVar(&o.Projections, "projections", o.Projections, "random directions for sliced W2")
	fs.IntVar(&o.MMDPoints, "mmd-points", o.MMDPoints, "at most this many points a side for the O(n²) MMD")
	seedFlag(fs, &o.Seed)
	return cmd
}
