package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/pfgm/pfgm/bench"
	"github.com/pfgm/pfgm/process"
)

// runBench times one of the PyTorch peer's workloads and prints one JSON
// line with the peer's field names, so scripts/bench-vs-torch.sh can put
// the two side by side, and the line's share of the FMA peak; `bench peak`
// prints the peak itself (bench.Peak).
func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("bench", "peak|"+strings.Join(bench.Names(), "|")+" [flags]", stderr)
	threads := fs.Int("threads", 0, "worker threads (default: all cores)")
	batch := fs.Int("batch", 0, "examples per step (default: as the peer, mlp 1024, unet and sample-unet 64)")
	steps := fs.Int("steps", 0, "timed repetitions (default: as the peer, gemm 20, mlp 60, unet and sample-unet 8)")
	dFlag := fs.String("D", "128", "augmented dimensions of the training perturbation: an integer ≥ 1, or inf")
	size := fs.Int("size", 1024, "GEMM size n (C = A·B, all n×n)")
	seed := fs.Uint64("seed", 1, "random seed (data, weights, noise)")
	precision := fs.String("precision", "", "mlp, unet: matrix products in float32 (default) or bf16")
	peak := fs.Float64("peak", 0, "FMA peak in GFLOP/s of these threads, for peak_share (default: measure it, about a second)")
	if len(args) == 0 {
		fs.Usage()
		return errUsage
	}
	name := args[0]
	if strings.HasPrefix(name, "-") {
		// Only --help makes sense before the benchmark's name.
		if err := parseFlags(fs, args); err != nil {
			return err
		}
		return fmt.Errorf("which benchmark? %s come first, e.g. pfgm bench gemm --size 1024", strings.Join(bench.Names(), ", "))
	}
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	switch {
	case *size < 1:
		return fmt.Errorf("--size must be ≥ 1, got %d", *size)
	case *steps < 0:
		return fmt.Errorf("--steps must be ≥ 1 (0: the peer's default), got %d", *steps)
	case *batch < 0:
		return fmt.Errorf("--batch must be ≥ 1 (0: the peer's default), got %d", *batch)
	case *seed == 0:
		return errors.New("--seed must be ≥ 1")
	case *peak < 0:
		return fmt.Errorf("--peak must be positive (0: measure it), got %v", *peak)
	}
	D, err := process.ParseD(*dFlag)
	if err != nil {
		return fmt.Errorf("--D: %w", err)
	}
	if err := setThreads(*threads); err != nil {
		return err
	}
	if name == "peak" {
		p, err := bench.Peak(ctx, *threads)
		if err != nil {
			return fmt.Errorf("peak: %w", err)
		}
		return printJSON(stdout, p)
	}
	rep, err := bench.Run(ctx, bench.Config{Name: name, Batch: *batch, Steps: *steps, D: D, Size: *size, Seed: *seed, Peak: *peak, Precision: *precision})
	if err != nil {
		return err
	}
	return printJSON(stdout, rep)
}
