package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/pfgm/pfgm/data"
)

func runData(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("data", "--toy NAME --out FILE.csv|FILE.npy [--n 1000] [--seed 1]", stderr)
	toy := fs.String("toy", "", "toy data set: "+strings.Join(data.ToyNames(), ", "))
	n := fs.Int("n", 1000, "number of points")
	seed := fs.Uint64("seed", 1, "random seed")
	out := fs.String("out", "", "output file, .csv (one point a row, no header) or .npy (float64)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case *toy == "":
		return fmt.Errorf("--toy is required (one of %s)", strings.Join(data.ToyNames(), ", "))
	case *out == "":
		return errors.New("--out is required (a .csv or .npy file)")
	case *n < 1:
		return fmt.Errorf("--n %d: need at least 1 point", *n)
	}
	p, err := data.Toy(*toy, *n, data.RNG(*seed))
	if err != nil {
		return err
	}
	if err := data.WritePoints(*out, p); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "wrote %d %d-D points of %s to %s\n", p.N(), p.Dim, *toy, *out)
	return nil
}
