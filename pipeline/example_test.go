package pipeline_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/pfgm/pfgm/data"
	"github.com/pfgm/pfgm/nn"
	"github.com/pfgm/pfgm/pipeline"
	"github.com/pfgm/pfgm/train"
)

// Sample 100 points with the exact field of the two-moons toy set (no
// training) and write them as CSV.
func ExampleSampleExact() {
	opt := pipeline.DefaultSampleExactOptions()
	opt.Data, opt.Charges, opt.N, opt.D = "toy:moons", 1000, 100, 4
	res, err := pipeline.SampleExact(context.Background(), opt)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Samples.N(), "samples of", res.Samples.Dim, "values, NFE", res.NFE)
	dir, _ := os.MkdirTemp("", "pfgm-example")
	defer os.RemoveAll(dir)
	if err := pipeline.WriteSamples(filepath.Join(dir, "samples.csv"), res); err != nil {
		fmt.Println(err)
	}
	// Output: 100 samples of 2 values, NFE 35
}

// A job whose memory estimate is above the limit is refused before it
// allocates anything.
func ExampleSampleExact_memoryLimit() {
	opt := pipeline.DefaultSampleExactOptions()
	opt.Data, opt.N = "toy:moons", 1e9
	_, err := pipeline.SampleExact(context.Background(), opt)
	fmt.Println(errors.Is(err, pipeline.ErrTooLarge))
	// Output: true
}

// Compare two draws of one toy set: the sliced-W2 ratio to the noise
// floor is near 1.
func ExampleEval() {
	a, _ := data.Toy("8gaussians", 2000, data.RNG(1))
	b, _ := data.Toy("8gaussians", 1000, data.RNG(2))
	opt := pipeline.DefaultEvalOptions()
	opt.RefPoints, opt.SamplesPoints = a, b
	rep, err := pipeline.Eval(context.Background(), opt)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rep.SW2Ratio < 2, rep.NRef, rep.NSamples)
	// Output: true 2000 1000
}

// An output that would replace its input is refused before any work.
func ExampleCheckOutput() {
	err := pipeline.CheckOutput("points.csv", []string{"points.csv"}, ".csv", ".npy", ".png")
	fmt.Println(err)
	// Output: output points.csv is the input points.csv: choose another output, the input would be lost
}

// Train a small model on a toy set, then open the run once and sample it;
// the opened run may serve many goroutines.
func ExampleOpenRun() {
	dir, _ := os.MkdirTemp("", "pfgm-example")
	defer os.RemoveAll(dir)
	c := train.DefaultConfig()
	c.Data, c.ToyCount, c.Steps, c.Batch = "toy:moons", 500, 20, 32
	c.MLP = &nn.MLPConfig{Width: 32}
	tr, err := pipeline.Train(context.Background(), pipeline.TrainOptions{Config: c, Dir: filepath.Join(dir, "run")})
	if err != nil {
		fmt.Println(err)
		return
	}
	run, err := pipeline.OpenRun(tr.Dir, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	opt := pipeline.DefaultSampleRunOptions()
	opt.N, opt.Sampler.Steps = 100, 10
	res, err := run.Sample(context.Background(), opt)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(tr.Step, "steps;", res.Samples.N(), "samples, NFE", res.NFE)
	// Output: 20 steps; 100 samples, NFE 19
}
