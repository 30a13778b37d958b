package main

import (
	"context"
	"io"

	"github.com/pfgm/pfgm/demo"
)

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o demo.Options
	fs := newFlagSet("demo", "[flags]", stderr)
	fs.StringVar(&o.Out, "out", "pfgm-demo", "output directory (demo.png, metrics.json and one run per D)")
	fs.StringVar(&o.Toy, "toy", "moons", "built-in 2-D data set")
	fs.IntVar(&o.Steps, "steps", 6000, "training steps per model")
	fs.IntVar(&o.Samples, "n", 2000, "samples per model (the held-out set has twice as many)")
	fs.Uint64Var(&o.Seed, "seed", 1, "random seed")
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
