package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/pfgm/pfgm/gemm"
	"github.com/pfgm/pfgm/nn"
	"github.com/pfgm/pfgm/pipeline"
	"github.com/pfgm/pfgm/train"
)

type trainFlags struct {
	c         train.Config
	D         string
	out       string
	resume    bool
	imageSize int
	channels  int
	unetCh    string
	width     int
	toyN      int
	precision string
}

func newTrainCmd(g *globals) *cobra.Command {
	var f trainFlags
	f.c = train.DefaultConfig()
	cmd := &cobra.Command{
		Use:   "train --data SPEC --out RUN_DIR [flags]",
		Short: "train a model (MLP or U-Net) on a data set",
		Long: `Train a model on a data set and keep everything in RUN_DIR: config.json,
checkpoints, loss.csv, sample grids and finally model.safetensors. Ctrl-C
writes a checkpoint and exits 130 (SIGTERM: 143); --resume continues the
run from its newest checkpoint with its stored settings (only a larger
--steps may be given).`,
		Example: `  pfgm train --data toy:checkerboard --D 4 --steps 6000 --out runs/cb
  pfgm train --data mnist --D 128 --steps 20000 --sample-every 1000 --out runs/mnist
  pfgm train --resume --out runs/cb --steps 8000`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runTrain(cmd, g, &f) },
	}
	c := &f.c
	fs := cmd.Flags()
	dataFlag(fs, &c.Data, "data: toy:NAME, a .csv/.npy file of points, mnist, fashion-mnist, or a folder of PNG images")
	chargesFlag(fs, &c.ToyCount)
	fs.IntVar(&f.toyN, "toy-n", c.ToyCount, "deprecated: use --charges")
	fs.MarkHidden("toy-n")
	fs.StringVar(&c.Model, "model", "", "network: mlp or unet (default: mlp for points, unet for images)")
	dFlag(fs, &f.D)
	processFlags(fs, &c.Process, &c.M)
	fs.IntVar(&c.Steps, "steps", c.Steps, "total optimisation steps")
	fs.IntVar(&c.Batch, "batch", 0, "batch size (default: 256 for points, 64 for images)")
	fs.Float64Var(&c.LR, "lr", c.LR, "Adam learning rate after warm-up")
	fs.IntVar(&c.Warmup, "warmup", c.Warmup, "linear learning-rate warm-up steps")
	fs.Float64Var(&c.EMA, "ema", c.EMA, "EMA decay of the weights used for sampling")
	fs.Float64Var(&c.ClipNorm, "clip", c.ClipNorm, "gradient-norm clipping (0: off)")
	seedFlag(fs, &c.Seed)
	outFlag(fs, &f.out, "run directory (created; must not hold a run unless --resume)")
	fs.BoolVar(&f.resume, "resume", false, "continue the run in --out from its newest checkpoint (--steps may raise the total)")
	fs.IntVar(&c.SampleEvery, "sample-every", 0, "write samples-STEP.png every this many steps (0: only at the end)")
	fs.IntVar(&c.CheckpointEvery, "checkpoint-every", c.CheckpointEvery, "write a checkpoint every this many steps")
	fs.IntVar(&c.KeepCheckpoints, "keep-checkpoints", c.KeepCheckpoints, "how many recent checkpoints to keep")
	fs.StringVar(&c.Objective, "objective", train.ObjectivePFGMpp, "training objective: pfgm++ (denoising, any D) or pfgm-field (the original PFGM's normalised field, D=1)")
	fs.IntVar(&c.FieldBatch, "field-batch", 0, "pfgm-field and yukawa: charges the target field is computed against (default: 1024)")
	fs.IntVar(&f.imageSize, "image-size", 0, "resize PNG-folder images to this size (default: 32)")
	fs.IntVar(&f.channels, "channels", 0, "image channels for a PNG folder: 1, 3 or 4 (default: 3)")
	fs.StringVar(&f.unetCh, "unet-channels", "", "U-Net channels per level, e.g. 32,64,64 (default: the reference UNet-mnist)")
	fs.IntVar(&f.width, "width", 256, "MLP hidden width")
	fs.BoolVar(&c.Cond, "cond", false, "class-conditional training (data with labels)")
	fs.StringVar(&f.precision, "precision", "float32", "matrix products: float32, bf16 (bfloat16 inputs, float32 sums and weights; float32 where the CPU lacks AVX512_BF16 or bf16 would be slower), or bf16-always")
	return cmd
}

func runTrain(cmd *cobra.Command, g *globals, f *trainFlags) error {
	c := &f.c
	if changed(cmd, "toy-n") {
		if changed(cmd, "charges") {
			return usagef(cmd, "--toy-n is the old spelling of --charges: give one of them")
		}
		deprecated(cmd, "toy-n", "--charges")
		c.ToyCount = f.toyN
	}
	if f.out == "" {
		return usagef(cmd, "--out RUN_DIR is required")
	}
	if !f.resume && c.Data == "" {
		return usagef(cmd, "--data is required (e.g. toy:moons, points.csv, mnist)")
	}
	D, err := parseD(cmd, f.D)
	if err != nil {
		return err
	}
	c.D = D
	if f.resume && changed(cmd, "precision") {
		return usagef(cmd, "--precision: a resumed run keeps the precision it was started with")
	}
	if c.Precision, err = resolvePrecision(f.precision, gemm.HasBF16(), gemm.BF16Speedup, cmd.ErrOrStderr()); err != nil {
		return usagef(cmd, "%v", err)
	}
	if c.Process != train.ProcessYukawa {
		if err := refuse(cmd, "belongs to --process yukawa (the poisson process has no mass)", "m"); err != nil {
			return err
		}
		c.M = 0
	}
	if c.Objective == train.ObjectiveField {
		// The original PFGM lives in N+1 dimensions: D is 1 by construction.
		if D != 1 && changed(cmd, "D") {
			return usagef(cmd, "--objective %s is the original PFGM with D=1, not D=%s", c.Objective, f.D)
		}
		c.D = 1
	}
	if f.resume || train.IsImageSpec(c.Data) {
		c.ImageH, c.ImageC = f.imageSize, f.channels
	} else if err := refuse(cmd, "is for image data (mnist, fashion-mnist or a PNG folder)", "image-size", "channels", "unet-channels"); err != nil {
		return err
	}
	if f.unetCh != "" {
		chs, err := parseInts(f.unetCh)
		if err != nil {
			return usagef(cmd, "--unet-channels: %v", err)
		}
		c.UNet = &nn.UNetConfig{Channels: chs}
	}
	if changed(cmd, "width") {
		if f.width < 1 {
			return fmt.Errorf("--width must be ≥ 1, got %d", f.width)
		}
		c.MLP = &nn.MLPConfig{Width: f.width, Emb: 32}
	}
	var given []string
	cmd.Flags().Visit(func(fl *pflag.Flag) { given = append(given, fl.Name) })
	if f.resume && !changed(cmd, "steps") {
		c.Steps = 0 // keep the run's total, not --steps' default
	}
	for i, n := range given {
		if n == "toy-n" {
			given[i] = "charges"
		}
	}
	_, err = pipeline.Train(cmd.Context(), pipeline.TrainOptions{
		Config: *c, Dir: f.out, Resume: f.resume, Given: given,
		Log: cmd.ErrOrStderr(), MaxMemory: g.limit,
	})
	return err
}

func parseInts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || v < 1 {
			return nil, fmt.Errorf("want positive integers separated by commas, got %q", s)
		}
		out = append(out, v)
	}
	return out, nil
}

// resolvePrecision turns --precision into the run's Config.Precision:
// bf16 becomes float32, with a one-line note saying why, where the CPU has
// no bfloat16 kernel or where its bfloat16 kernel is slower per flop than
// the float32 one (speedup measures that); bf16-always keeps bf16 anyway
// (emulated by rounding where there is no hardware).
func resolvePrecision(p string, hw bool, speedup func() float64, stderr io.Writer) (string, error) {
	switch p {
	case "float32", "bf16-always":
		return strings.TrimSuffix(p, "-always"), nil
	case "bf16":
	default:
		return "", fmt.Errorf("--precision must be float32, bf16 or bf16-always, got %q", p)
	}
	if !hw {
		fmt.Fprintln(stderr, "pfgm train: --precision bf16: this CPU lacks AVX512_BF16; training in float32 (bf16-always emulates it, slower)")
		return "float32", nil
	}
	if s := speedup(); s < 1 {
		fmt.Fprintf(stderr, "pfgm train: --precision bf16: this CPU's bfloat16 products (VDPBF16PS) run at %.2f× its float32 rate per flop, so bf16 would be slower; training in float32 (bf16-always to use it anyway)\n", s)
		return "float32", nil
	}
	return "bf16", nil
}
