package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pfgm/pfgm/demo"
)

func newDemoCmd(g *globals) *cobra.Command {
	o := demo.DefaultOptions()
	spec, toy := "toy:"+o.Toy, ""
	cmd := &cobra.Command{
		Use:   "demo [flags]",
		Short: "train, sample and compare three values of D on a toy set",
		Long: `Train one model for each of D = 4, 128 and inf on a 2-D toy set, sample
each, and write demo.png (the samples beside the data) and metrics.json
(sliced W2 and MMD against held-out data) to --out, one run directory per D
(sample them again with pfgm sample --run OUT/D-128). The JSON report is
printed on stdout.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if changed(cmd, "toy") {
				if changed(cmd, "data") {
					return usagef(cmd, "--toy NAME is the old spelling of --data toy:NAME: give one of them")
				}
				deprecated(cmd, "toy", "--data toy:NAME")
				spec = "toy:" + toy
			}
			name, ok := strings.CutPrefix(spec, "toy:")
			if !ok {
				return usagef(cmd, "--data %s: the demo trains on a 2-D toy set, toy:NAME (one of %s)", spec, toyHelp())
			}
			o.Toy = name
			if err := freshDemoDir(o.Out); err != nil {
				return err
			}
			o.Log = cmd.ErrOrStderr()
			rep, err := demo.Run(cmd.Context(), o)
			if err != nil {
				if cmd.Context().Err() != nil {
					return cmd.Context().Err() // the trainer's "--resume" hint does not apply to demo
				}
				return err
			}
			return printJSON(cmd.OutOrStdout(), rep)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&o.Out, "out", o.Out, "output directory (demo.png, metrics.json and one run per D)")
	dataFlag(fs, &spec, "built-in 2-D data set: toy:NAME, NAME one of "+toyHelp())
	fs.StringVar(&toy, "toy", "", "deprecated: use --data toy:NAME")
	fs.MarkHidden("toy")
	fs.IntVar(&o.Steps, "steps", o.Steps, "training steps per model")
	fs.IntVar(&o.Samples, "n", o.Samples, "samples per model (the held-out set has twice as many)")
	seedFlag(fs, &o.Seed)
	return cmd
}

// freshDemoDir refuses an output directory that already holds a demo's
// runs: the demo trains from scratch and has no --resume.
func freshDemoDir(dir string) error {
	runs, _ := filepath.Glob(filepath.Join(dir, "D-*", "config.json"))
	if len(runs) > 0 {
		return fmt.Errorf("%s already holds a demo (%s): remove it or give another --out", dir, filepath.Dir(runs[0]))
	}
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		return fmt.Errorf("--out %s is a file, not a directory", dir)
	}
	return nil
}
