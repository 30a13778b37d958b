package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/pfgm/pfgm/process"
	"github.com/pfgm/pfgm/study"
)

func runStudy(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fmt.Fprintf(stderr, "usage: pfgm study %s --data FILE --out DIR [flags]\n", strings.Join(study.Names(), "|"))
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return nil
		}
		return errUsage
	}
	name := args[0]
	if !slices.Contains(study.Names(), name) {
		return fmt.Errorf("unknown study %q (want %s)", name, strings.Join(study.Names(), ", "))
	}
	def := study.DefaultOptions()
	fs := newFlagSet("study "+name, "--data FILE|toy:NAME --out DIR [flags]", stderr)
	spec := fs.String("data", "", "training data: a .csv/.npy file of points or toy:NAME")
	held := fs.String("heldout", "", "held-out points from the same distribution (default: a fifth of --data)")
	out := fs.String("out", "", "study directory: results.json, results.md, charts (resumes if it exists)")
	runs := fs.String("runs", "", "directory for the trained runs, shared between studies (default: OUT/runs)")
	ds := fs.String("D", "1,16,128,inf", "comma-separated D of the trained models")
	steps := fs.Int("steps", def.Steps, "training steps per model (equal budget)")
	seeds := fs.String("seeds", "1", "comma-separated training seeds")
	samples := fs.Int("samples", def.Samples, "samples per grid cell")
	priorQ := fs.Float64("prior-quantile", 0, "sample every model from the prior cut at this quantile of its radius (0: off)")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	switch {
	case *spec == "":
		return errors.New("--data is required")
	case *out == "":
		return errors.New("--out is required")
	}
	o := def
	o.Data, o.HeldOut, o.Dir, o.Runs, o.Steps, o.Samples, o.Log = *spec, *held, *out, *runs, *steps, *samples, stderr
	o.Command = "pfgm study " + strings.Join(args, " ")
	o.PriorQuantile = *priorQ
	o.Ds = nil
	for f := range strings.SplitSeq(*ds, ",") {
		D, err := process.ParseD(f)
		if err != nil {
			return fmt.Errorf("--D: %w", err)
		}
		o.Ds = append(o.Ds, D)
	}
	o.Seeds = nil
	for f := range strings.SplitSeq(*seeds, ",") {
		s, err := strconv.ParseUint(strings.TrimSpace(f), 10, 64)
		if err != nil {
			return fmt.Errorf("--seeds: %q is not a seed", f)
		}
		o.Seeds = append(o.Seeds, s)
	}
	if err := study.Run(ctx, name, o); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s/results.md\n", *out)
	return nil
}
