package main

import (
	"github.com/spf13/cobra"

	"github.com/pfgm/pfgm/metrics"
)

// isImageRef tells whether --ref names a built-in image data set, which
// switches eval from points to images.
func isImageRef(ref string) bool { return ref == "mnist" || ref == "fashion-mnist" }

// evalImages scores generated images against a built-in data set with the
// built-in classifier's features and prints one JSON line.
func evalImages(cmd *cobra.Command, ref, samples string, draws int, seed uint64) error {
	if draws < 0 {
		return usagef(cmd, "--floor-draws %d: want ≥ 1, or 0 for automatic", draws)
	}
	if err := refuse(cmd, "applies to point data only (--ref is an image data set)", "projections", "mmd-points"); err != nil {
		return err
	}
	im, err := metrics.LoadImageSamples(samples)
	if err != nil {
		return err
	}
	rep, err := metrics.EvalImages(cmd.Context(), metrics.ImageEvalOptions{Ref: ref, Samples: im, FloorDraws: draws, Seed: seed})
	if err != nil {
		return err
	}
	return printJSON(cmd.OutOrStdout(), rep)
}
