package main

import (
	"github.com/spf13/cobra"

	"github.com/pfgm/pfgm/pipeline"
)

func newEvalCmd(g *globals) *cobra.Command {
	o := pipeline.DefaultEvalOptions()
	floorDraws := 0
	cmd := &cobra.Command{
		Use:   "eval --ref FILE|mnist|fashion-mnist --samples FILE|DIR [flags]",
		Short: "compare samples with reference data (points: sliced W2, MMD; images: FD, KID, precision/recall)",
		Long: `Compare samples with reference data and print one JSON line.

Points (--ref a .csv/.npy file): sw2 is the sliced Wasserstein-2 distance
between the samples and one half of the reference, sw2_floor the same between
the two halves (the noise floor, at equal set sizes), both averaged over 8
random halvings; sw2_ratio = sw2/sw2_floor (≈ 1 for a perfect model). mmd and
mmd_floor are unbiased MMD² estimates with a median-heuristic Gaussian kernel.

Images (--ref mnist or fashion-mnist): --samples is an NPY file of shape
(n, 28, 28) or (n, 1, 28, 28), uint8 or float in [0, 1], or a folder of PNG
files. Every statistic is computed in the 128-unit feature layer of pfgm's
built-in classifier for that data set (not Inception), against the data set's
test split (10,000 images): fd is the Fréchet distance of the feature
Gaussians; kid the unbiased MMD² with the cubic kernel (x·y/128 + 1)³;
precision and recall the improved precision/recall of Kynkäänniemi et al.
(k = 3); classes the share of samples the classifier puts in each class.
fd_floor, kid_floor, precision_floor and recall_floor are the same statistics
for n real images of the train split (drawn without replacement with --seed,
averaged over --floor-draws draws; by default 5000/n, at least 5 and at
most 20): a perfect model scores ≈ 1× the floor at
the same n. FD is biased upwards at small n, so compare fd with fd_floor, not
with numbers measured at another n.`,
		Example: `  pfgm eval --ref ref.csv --samples exact.csv
  pfgm eval --ref mnist --samples digits.npy
  pfgm eval --ref fashion-mnist --samples samples/`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch {
			case o.Ref == "":
				return usagef(cmd, "--ref is required")
			case o.Samples == "":
				return usagef(cmd, "--samples is required")
			}
			if isImageRef(o.Ref) {
				return evalImages(cmd, o.Ref, o.Samples, floorDraws, o.Seed)
			}
			if err := refuse(cmd, "applies to images only (--ref mnist|fashion-mnist)", "floor-draws"); err != nil {
				return err
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
	fs.StringVar(&o.Ref, "ref", "", "reference: points (.csv or .npy, one point a row), or the image data set mnist or fashion-mnist")
	fs.StringVar(&o.Samples, "samples", "", "generated points (.csv or .npy), or images (.npy or a folder of PNGs)")
	fs.IntVar(&floorDraws, "floor-draws", floorDraws, "images: draws of real images the floors average over (0: 5000/n, between 5 and 20)")
	fs.IntVar(&o.Projections, "projections", o.Projections, "random directions for sliced W2")
	fs.IntVar(&o.MMDPoints, "mmd-points", o.MMDPoints, "at most this many points a side for the O(n²) MMD")
	seedFlag(fs, &o.Seed)
	return cmd
}
