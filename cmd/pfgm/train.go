package main

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"io"
	"strconv"
	"strings"

	"github.com/pfgm/pfgm/nn"
	"github.com/pfgm/pfgm/plot"
	"github.com/pfgm/pfgm/process"
	"github.com/pfgm/pfgm/train"
)

func runTrain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c := train.DefaultConfig()
	fs := newFlagSet("train", "--data SPEC --out RUN_DIR [flags]", stderr)
	fs.StringVar(&c.Data, "data", "", "data: toy:NAME, a CSV/NPY file of points, mnist, fashion-mnist, or a folder of PNG images")
	fs.StringVar(&c.Model, "model", "", "network: mlp or unet (default: mlp for points, unet for images)")
	dFlag := fs.String("D", "128", "augmented dimensions: an integer ≥ 1, or inf for diffusion")
	fs.IntVar(&c.Steps, "steps", c.Steps, "total optimisation steps")
	fs.IntVar(&c.Batch, "batch", 0, "batch size (default: 256 for points, 64 for images)")
	fs.Float64Var(&c.LR, "lr", c.LR, "Adam learning rate after warm-up")
	fs.IntVar(&c.Warmup, "warmup", c.Warmup, "linear learning-rate warm-up steps")
	fs.Float64Var(&c.EMA, "ema", c.EMA, "EMA decay of the weights used for sampling")
	fs.Float64Var(&c.ClipNorm, "clip", c.ClipNorm, "gradient-norm clipping (0: off)")
	fs.Uint64Var(&c.Seed, "seed", c.Seed, "random seed (data order, noise, initial weights)")
	threads := fs.Int("threads", 0, "worker threads (default: all cores)")
	out := fs.String("out", "", "run directory (created; must not hold a run unless --resume)")
	resume := fs.Bool("resume", false, "continue the run in --out from its newest checkpoint (--steps may raise the total)")
	fs.IntVar(&c.SampleEvery, "sample-every", 0, "write samples-STEP.png every this many steps (0: only at the end)")
	fs.IntVar(&c.CheckpointEvery, "checkpoint-every", c.CheckpointEvery, "write a checkpoint every this many steps")
	fs.IntVar(&c.KeepCheckpoints, "keep-checkpoints", c.KeepCheckpoints, "how many recent checkpoints to keep")
	fs.IntVar(&c.ToyCount, "toy-n", c.ToyCount, "points drawn for a toy:NAME data set")
	fs.StringVar(&c.Objective, "objective", train.ObjectivePFGMpp, "training objective: pfgm++ (denoising, any D) or pfgm-field (the original PFGM's normalised field, D=1)")
	fs.IntVar(&c.FieldBatch, "field-batch", 0, "pfgm-field: charges the target field is computed against (default: 1024)")
	fs.StringVar(&c.Process, "process", train.ProcessPoisson, "perturbation process: poisson (PFGM++) or yukawa (screened Poisson, needs --m > 0 and a finite D)")
	fs.Float64Var(&c.M, "m", 0, "yukawa: the mass m")
	imageSize := fs.Int("image-size", 0, "resize PNG-folder images to this size (default: 32)")
	channels := fs.Int("channels", 0, "image channels for a PNG folder: 1, 3 or 4 (default: 3)")
	unetCh := fs.String("unet-channels", "", "U-Net channels per level, e.g. 32,64,64 (default: the reference UNet-mnist)")
	width := fs.Int("width", 256, "MLP hidden width")
	cond := fs.Bool("cond", false, "class-conditional training (data with labels)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := setThreads(*threads); err != nil {
		return err
	}
	if *out == "" {
		return errors.New("--out RUN_DIR is required")
	}
	given := givenFlags(fs)
	opt := train.Options{Dir: *out, Resume: *resume, Log: stderr, OnSample: writeSampleGrid}
	if *resume {
		// The run's own config rules; only a larger --steps is taken.
		steps := 0
		if given["steps"] {
			steps = c.Steps
		}
		_, err := train.Train(ctx, &train.Config{Steps: steps}, opt)
		return interrupted(err, stderr)
	}
	D, err := process.ParseD(*dFlag)
	if err != nil {
		return err
	}
	c.D = D
	c.Cond = *cond
	if c.Objective == train.ObjectiveField {
		// The original PFGM lives in N+1 dimensions: D is 1 by construction.
		if D != 1 && given["D"] {
			return fmt.Errorf("--objective %s is the original PFGM with D=1, not D=%s", c.Objective, *dFlag)
		}
		c.D = 1
	}
	if c.Data == "" {
		return errors.New("--data is required (e.g. toy:moons, points.csv, mnist)")
	}
	if train.IsImageSpec(c.Data) {
		c.ImageH, c.ImageC = *imageSize, *channels
	}
	c = c.WithDataDefaults()
	if *unetCh != "" {
		chs, err := parseInts(*unetCh)
		if err != nil {
			return fmt.Errorf("--unet-channels: %w", err)
		}
		c.UNet = &nn.UNetConfig{Channels: chs}
	}
	if c.Model == "mlp" && *width != 256 {
		if *width < 1 {
			return fmt.Errorf("--width must be ≥ 1, got %d", *width)
		}
		c.MLP = &nn.MLPConfig{Width: *width, Emb: 32}
	}
	_, err = train.Train(ctx, &c, opt)
	return interrupted(err, stderr)
}

// interrupted turns Ctrl-C into a clean exit after the checkpoint is written.
func interrupted(err error, stderr io.Writer) error {
	if errors.Is(err, train.ErrInterrupted) {
		fmt.Fprintln(stderr, err)
		return nil
	}
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

// writeSampleGrid is the trainer's periodic picture: a grid of 64 images, or
// 1,000 points over the data.
func writeSampleGrid(ctx context.Context, t *train.Trainer, path string) error {
	c := t.Config
	n := 64
	if c.ImageC == 0 {
		n = 1000
	}
	x, _, err := t.SampleGrid(ctx, n)
	if err != nil {
		return err
	}
	if c.ImageC > 0 {
		return plot.ImageGridRaw(path, float32s(x), n, c.ImageC, c.ImageH, c.ImageW, 8)
	}
	if c.Dim != 2 {
		return nil // no picture for points of other dimensions
	}
	return plot.WritePanels(path, []plot.Panel{{Title: fmt.Sprintf("samples at step %d", t.Step()), Equal: true,
		Layers: []plot.Layer{plot.Points{XY: x, Color: plot.WithAlpha(color.RGBA{R: 0x1f, G: 0x5f, B: 0xc0, A: 0xff}, 0.5), Radius: 1.2}}}}, 1, 480)
}
