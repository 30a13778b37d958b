package main

import (
	"fmt"
	"strings"

	"github.com/spf13/pflag"

	"github.com/spf13/cobra"

	"github.com/pfgm/pfgm/classifier"
)

func newClassifierCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "classifier",
		Short: "the feature network of the image metrics (train)",
		Long: `The small classifier whose 128-unit penultimate layer is the feature space of
'pfgm eval --ref mnist|fashion-mnist'. Trained weights for both data sets are
built into pfgm; 'pfgm classifier train' reproduces them (see
classifier/weights/WEIGHTS.md).`,
		Args: noArgs,
	}
	cmd.AddCommand(newClassifierTrainCmd(g))
	return cmd
}

func newClassifierTrainCmd(_ *globals) *cobra.Command {
	var (
		name, out string
		n         int
		o         classifier.Options
	)
	cmd := &cobra.Command{
		Use:   "train --data mnist|fashion-mnist --out FILE [flags]",
		Short: "train the classifier of the image metrics",
		Long: `Train the classifier from scratch on the train split of MNIST or
Fashion-MNIST (softmax cross-entropy, Adam with a cosine-decayed learning
rate), report the test-split accuracy after every epoch on stderr, write the
weights (float32 safetensors) to --out and print one JSON line. Unset flags
take the values that made the built-in weights: seed 1, batch 128, learning
rate 2e-3, shifts of up to 2 pixels; 8 epochs on MNIST, 15 with left-right
flips on Fashion-MNIST.`,
		Example: `  pfgm classifier train --data mnist --out mnist.safetensors
  pfgm classifier train --data fashion-mnist --out fashion-mnist.safetensors`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch {
			case name != "mnist" && name != "fashion-mnist":
				return usagef(cmd, "--data %q: want mnist or fashion-mnist", name)
			case out == "":
				return usagef(cmd, "--out is required")
			case n < 0:
				return usagef(cmd, "--n %d: want ≥ 0 (0: the whole train split)", n)
			}
			d := classifier.Defaults(name)
			o.Data = name
			if !changed(cmd, "flip") {
				o.Flip = d.Flip
			}
			if !changed(cmd, "shift") {
				o.Shift = d.Shift
			}
			if n > 0 {
				train, test, err := classifier.LoadSplits(name)
				if err != nil {
					return err
				}
				if n > train.N {
					return usagef(cmd, "--n %d: the train split has %d images", n, train.N)
				}
				train.N, train.X, train.Labels = n, train.X[:n*train.Size()], train.Labels[:n]
				o.Train, o.Test = train, test
			}
			stderr := cmd.ErrOrStderr()
			o.Progress = func(e classifier.Epoch) {
				fmt.Fprintf(stderr, "epoch %d loss %.4f test_accuracy %.4f\n", e.Epoch, e.Loss, e.TestAccuracy)
			}
			net, rep, err := classifier.Train(cmd.Context(), o)
			if err != nil {
				return err
			}
			meta := map[string]string{
				"command":       commandLine(cmd),
				"data":          name,
				"seed":          fmt.Sprint(rep.Options.Seed),
				"epochs":        fmt.Sprint(rep.Options.Epochs),
				"test_accuracy": fmt.Sprintf("%.4f", rep.TestAccuracy),
			}
			if err := net.Save(out, meta); err != nil {
				return err
			}
			return printJSON(cmd.OutOrStdout(), map[string]any{
				"out": out, "data": name, "seed": rep.Options.Seed, "epochs": rep.Options.Epochs,
				"steps": rep.Steps, "test_accuracy": rep.TestAccuracy,
			})
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&name, "data", "", "training data: mnist or fashion-mnist")
	outFlag(fs, &out, "weights file to write (.safetensors)")
	fs.IntVar(&o.Epochs, "epochs", 0, "passes over the training set (0: 8 for MNIST, 15 for Fashion-MNIST)")
	fs.IntVar(&o.Batch, "batch", 0, "minibatch size (0: 128)")
	fs.Float64Var(&o.LR, "lr", 0, "peak learning rate (0: 2e-3)")
	fs.IntVar(&o.Shift, "shift", 2, "largest random shift of a training image, in pixels")
	fs.BoolVar(&o.Flip, "flip", false, "mirror training images left-right at random (default on for fashion-mnist)")
	fs.IntVar(&n, "n", 0, "train on the first N images of the train split (0: all)")
	seedFlag(fs, &o.Seed)
	return cmd
}

// commandLine is the command path with the flags given on the command
// line, for the record kept in the weights file.
func commandLine(cmd *cobra.Command) string {
	parts := []string{cmd.CommandPath()}
	cmd.Flags().Visit(func(f *pflag.Flag) {
		parts = append(parts, "--"+f.Name+"="+f.Value.String())
	})
	return strings.Join(parts, " ")
}
