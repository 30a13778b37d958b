package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/pfgm/pfgm/data"
	"github.com/pfgm/pfgm/metrics"
)

func runEval(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("eval", "--ref FILE --samples FILE [--projections 256] [--seed 1]", stderr)
	ref := fs.String("ref", "", "reference points (.csv or .npy, one point a row)")
	samples := fs.String("samples", "", "generated points (.csv or .npy)")
	proj := fs.Int("projections", 256, "random directions for sliced W2")
	maxMMD := fs.Int("mmd-points", 2000, "at most this many points a side for the O(n²) MMD")
	seed := fs.Uint64("seed", 1, "random seed for the reference split, subsampling and directions")
	fs.Usage = func() {
		fmt.Fprintf(stderr, `usage: pfgm eval --ref FILE --samples FILE [flags]

Prints one JSON line. sw2 is the sliced Wasserstein-2 distance between
the samples and one half of the reference, sw2_floor the same between the
two halves (the noise floor, at equal set sizes), both averaged over 8
random halvings; sw2_ratio = sw2/sw2_floor (≈ 1 for a perfect model). mmd
and mmd_floor are unbiased MMD² estimates with a median-heuristic Gaussian
kernel.

flags:
`)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case *ref == "":
		return errors.New("--ref is required")
	case *samples == "":
		return errors.New("--samples is required")
	case *proj < 1:
		return fmt.Errorf("--projections %d: need at least 1", *proj)
	case *maxMMD < 2:
		return fmt.Errorf("--mmd-points %d: need at least 2", *maxMMD)
	}
	r, err := data.ReadPoints(*ref)
	if err != nil {
		return fmt.Errorf("--ref: %w", err)
	}
	s, err := data.ReadPoints(*samples)
	if err != nil {
		return fmt.Errorf("--samples: %w", err)
	}
	if r.Dim != s.Dim {
		return fmt.Errorf("dimension mismatch: %s has %d-D points, %s has %d-D", *ref, r.Dim, *samples, s.Dim)
	}
	rep, err := metrics.Compare(r, s, metrics.Options{Projections: *proj, Seed: *seed, MaxMMDPoints: *maxMMD})
	if err != nil {
		return err
	}
	return printJSON(stdout, rep)
}
