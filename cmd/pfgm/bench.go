package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/pfgm/pfgm/bench"
)

// newBenchCmd times one of the PyTorch peer's workloads (one subcommand
// each) and prints one JSON line with the peer's field names, so
// scripts/bench-vs-torch.sh can put the two side by side.
func newBenchCmd(g *globals) *cobra.Command {
	var c bench.Config
	var D string
	cmd := &cobra.Command{
		Use:   "bench peak|gemm|mlp|unet|sample-unet [flags]",
		Short: "the machine's FMA peak, and benchmarks of the PyTorch peer's workloads: gemm, mlp, unet, sample-unet",
		Long: `Time one of the PyTorch peer's workloads and print one JSON line with the
peer's field names (scripts/bench-vs-torch.sh puts the two side by side),
with the line's share of the FMA peak of the same threads (peak_share, and
peak_share_cpu over CPU time, which holds on a shared machine). "bench peak"
prints the peak itself: a register-only FMA loop on 1 core and on every
thread, copy bandwidth, and the bfloat16 dot product's rate where the CPU
has AVX512_BF16.`,
		Example: `  pfgm bench peak
  pfgm bench gemm --size 1024
  pfgm bench unet --threads 1`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef(cmd, "which benchmark? one of gemm, mlp, unet, sample-unet")
			}
			return usagef(cmd, "unknown benchmark %q (want gemm, mlp, unet or sample-unet)", args[0])
		},
		RunE: func(*cobra.Command, []string) error { return nil },
	}
	pf := cmd.PersistentFlags()
	pf.IntVar(&c.Steps, "steps", 0, "timed repetitions (default: as the peer, gemm 20, mlp 60, unet and sample-unet 8)")
	seedFlag(pf, &c.Seed)
	pf.Float64Var(&c.Peak, "peak", 0, "FMA peak in GFLOP/s of these threads, for peak_share (0: measure it, about a second)")
	cmd.AddCommand(&cobra.Command{
		Use:   "peak",
		Short: "this CPU's FMA peak on 1 and all threads, copy bandwidth, bfloat16 rate",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p, err := bench.Peak(cmd.Context(), g.threads)
			if err != nil {
				return fmt.Errorf("peak: %w", err)
			}
			return printJSON(cmd.OutOrStdout(), p)
		},
	})
	for _, name := range bench.Names() {
		sub := &cobra.Command{
			Use:   name + " [flags]",
			Short: "time the peer's " + name + " workload",
			Args:  noArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				c.Name = name
				switch {
				case c.Steps < 0:
					return fmt.Errorf("--steps must be ≥ 1 (0: the peer's default), got %d", c.Steps)
				case c.Batch < 0:
					return fmt.Errorf("--batch must be ≥ 1 (0: the peer's default), got %d", c.Batch)
				case name == "gemm" && c.Size < 1:
					return fmt.Errorf("--size must be ≥ 1, got %d", c.Size)
				case c.Peak < 0:
					return fmt.Errorf("--peak must be positive (0: measure it), got %v", c.Peak)
				}
				if name != "gemm" {
					var err error
					if c.D, err = parseD(cmd, D); err != nil {
						return err
					}
				}
				rep, err := bench.Run(cmd.Context(), c)
				if err != nil {
					return err
				}
				return printJSON(cmd.OutOrStdout(), rep)
			},
		}
		only := map[string]string{
			"--D": "the training perturbation's D", "--batch": "examples per step", "--size": "the GEMM size",
		}
		sub.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
			for flag, what := range only {
				if err.Error() == "unknown flag: "+flag {
					if name == "gemm" {
						return usagef(cmd, "%s (%s) does not apply to gemm, which times a plain matrix product", flag, what)
					}
					return usagef(cmd, "%s (%s) applies to gemm only", flag, what)
				}
			}
			return usageError{cmd.CommandPath(), err}
		})
		fs := sub.Flags()
		if name == "gemm" {
			fs.IntVar(&c.Size, "size", 1024, "GEMM size n (C = A·B, all n×n)")
		} else {
			fs.IntVar(&c.Batch, "batch", 0, "examples per step (default: as the peer, mlp 1024, unet and sample-unet 64)")
			dFlag(fs, &D)
		}
		if name == "mlp" || name == "unet" {
			fs.StringVar(&c.Precision, "precision", "float32", "matrix products: float32 or bf16")
		}
		cmd.AddCommand(sub)
	}
	cmd.AddCommand(newBenchServeCmd(g))
	return cmd
}
