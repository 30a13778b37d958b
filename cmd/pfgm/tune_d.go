package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/pfgm/pfgm/data"
	"github.com/pfgm/pfgm/process"
	"github.com/pfgm/pfgm/tuned"
)

func runTuneD(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	def := tuned.DefaultOptions()
	fs := newFlagSet("tune-d", "--data FILE|toy:NAME --out DIR [flags]", stderr)
	spec := fs.String("data", "", "data: a .csv/.npy file of points or toy:NAME")
	out := fs.String("out", "", "directory for result.json and the chart tune-d.png/.svg")
	cands := fs.String("candidates", "1,4,16,64,256,2048,inf", "comma-separated D to choose from")
	alpha := fs.Float64("alpha", def.Alpha, "field error of the robustness measurement (noise injection α)")
	draws := fs.Int("draws", def.Draws, "training pairs behind the target-loss measurement")
	seed := fs.Uint64("seed", def.Seed, "random seed")
	fs.Usage = func() {
		fmt.Fprintf(stderr, `usage: pfgm tune-d --data FILE|toy:NAME --out DIR [flags]

Chooses D for a point set from measurements on its exact field, without
training: per candidate the irreducible training loss (how noisy the
targets are), the spread of the network's inputs (how far out it must be
right) and how much exact-field sampling degrades under a field error.
Prints one JSON line {"D": ..., "candidates": [...], "reason": ...}.

flags:
`)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case *spec == "":
		return errors.New("--data is required")
	case *out == "":
		return errors.New("--out is required")
	}
	o := def
	o.Alpha, o.Draws, o.Seed, o.Log = *alpha, *draws, *seed, stderr
	o.Candidates = nil
	for f := range strings.SplitSeq(*cands, ",") {
		D, err := process.ParseD(f)
		if err != nil {
			return fmt.Errorf("--candidates: %w", err)
		}
		o.Candidates = append(o.Candidates, D)
	}
	if !(o.Alpha >= 0) || o.Draws < 1 {
		return fmt.Errorf("--alpha must be ≥ 0 and --draws ≥ 1, got %v and %d", o.Alpha, o.Draws)
	}
	pts, err := data.Load(*spec, 20000, data.RNG(o.Seed))
	if err != nil {
		return fmt.Errorf("--data: %w", err)
	}
	fmt.Fprintf(stderr, "tune-d: %d points of %d numbers, %d candidates\n", pts.N(), pts.Dim, len(o.Candidates))
	r, err := tuned.Tune(ctx, pts, o)
	if err != nil {
		return err
	}
	if err := tuned.Write(*out, r); err != nil {
		return err
	}
	return printJSON(stdout, r)
}
