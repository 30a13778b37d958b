package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/pfgm/pfgm/data"
	"github.com/pfgm/pfgm/plot"
	"github.com/pfgm/pfgm/process"
	"github.com/pfgm/pfgm/train"
)

// sampleRun samples from the trained model in f.run with the sampler
// options in f.opt. D, shapes and the data transform come from the run.
func sampleRun(ctx context.Context, f *sampleFlags, stdout, stderr io.Writer) error {
	m, err := train.Open(f.run)
	if err != nil {
		return fmt.Errorf("--run: %w", err)
	}
	c := m.Config
	for _, w := range m.Warnings {
		fmt.Fprintf(stderr, "warning: %s\n", w)
	}
	if f.set["D"] && f.D != c.D {
		return fmt.Errorf("--D %s: the run was trained with D=%s (D comes from the run)", process.FormatD(f.D), process.FormatD(c.D))
	}
	// The run knows the noise range and step count it samples well with.
	def := c.SampleOptions()
	if !f.set["sigma-max"] {
		f.opt.SigmaMax = def.SigmaMax
	}
	if !f.set["steps"] {
		f.opt.Steps = def.Steps
	}
	start := time.Now()
	var x []float64
	var res train.SampleResult
	if f.set["class"] {
		x, res, err = m.SampleClass(ctx, f.n, 256, f.class, f.opt, f.opt.Rng)
	} else {
		x, res, err = m.Sample(ctx, f.n, 256, f.opt, f.opt.Rng)
	}
	if err != nil {
		return fmt.Errorf("sample: %w", err)
	}
	if w := res.Weights; w != nil {
		fmt.Fprintf(stderr, "nfe=%d ess_final=%.3f ess_min=%.3f resamplings=%d pareto_k=%.2f time=%.2fs\n",
			res.NFE, w.FinalESS, w.MinESS, w.Resamplings, w.ParetoK, time.Since(start).Seconds())
		if w.Warning != "" {
			fmt.Fprintf(stderr, "warning: %s\n", w.Warning)
		}
	} else {
		fmt.Fprintf(stderr, "nfe=%d time=%.2fs\n", res.NFE, time.Since(start).Seconds())
	}
	if c.ImageC == 0 {
		title := fmt.Sprintf("%s, D=%s, %d samples, NFE %d", filepath.Base(f.run), process.FormatD(c.D), f.n, res.NFE)
		return writeSamples(f.out, &data.Points{Dim: c.Dim, X: x}, nil, title)
	}
	x32 := float32s(x)
	switch strings.ToLower(filepath.Ext(f.out)) {
	case ".png":
		return plot.ImageGridRaw(f.out, x32, f.n, c.ImageC, c.ImageH, c.ImageW, gridCols(f.n))
	case ".npy":
		return data.WriteNPY32(f.out, []int{f.n, c.ImageC, c.ImageH, c.ImageW}, x32)
	}
	return data.WritePoints(f.out, &data.Points{Dim: c.Dim, X: x})
}

// float32s converts samples to the float32 values the image writers take.
func float32s(x []float64) []float32 {
	out := make([]float32, len(x))
	for i, v := range x {
		out[i] = float32(v)
	}
	return out
}

// gridCols makes a sample grid about square.
func gridCols(n int) int {
	c := 1
	for c*c < n {
		c++
	}
	return c
}
