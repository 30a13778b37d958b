package main

import (
	"context"
	"io"

	"github.com/pfgm/pfgm/demo"
)

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o := demo.DefaultOptions()
	fs := newFlagSet("demo", "[flags]", stderr)
	fs.StringVar(&o.Out, "out", o.Out, "output directory (demo.png, metrics.json and one run per D)")
	fs.StringVar(&o.Toy, "toy", o.Toy, "built-in 2-D data set")
	fs.IntVar(&o.Steps, "steps", o.Steps, "training steps per model")
	fs.IntVar(&o.Samples, "n", o.Samples, "samples per model (the held-out set has twice as many)")
	fs.Uint64Var(&o.Seed, "seed", o.Seed, "random seed")
	threads := fs.Int("threads", 0, "worker threads (default: all cores)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := setThreads(*threads); err != nil {
		return err
	}
	o.Log = stderr
	rep, err := demo.Run(ctx, o)
	if err != nil {
		return err
	}
	return printJSON(stdout, rep)
}
