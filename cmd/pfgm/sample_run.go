package main

import (
	"context"
	"errors"
	"io"
)

// sampleRun samples from the trained model in f.run with the sampler
// options in f.opt, writing f.out (writeSamples does CSV, NPY and PNG).
func sampleRun(ctx context.Context, f *sampleFlags, stdout, stderr io.Writer) error {
	return errors.New("--run: not implemented yet")
}
