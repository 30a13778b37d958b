package pipeline

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/pfgm/pfgm/nn"
	"github.com/pfgm/pfgm/sampler"
	"github.com/pfgm/pfgm/train"
)

// tinyRun trains a small MLP on moons for 30 steps in a temporary directory.
func tinyRun(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "run")
	c := train.DefaultConfig()
	c.Data, c.ToyCount, c.Steps, c.Batch, c.D = "toy:moons", 200, 30, 16, 4
	c.MLP = &nn.MLPConfig{Width: 16, Emb: 32}
	res, err := Train(context.Background(), TrainOptions{Config: c, Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if res.Step != 30 || res.Params < 1 {
		t.Fatalf("trained %d steps, %d parameters", res.Step, res.Params)
	}
	return dir
}

// One opened run serves concurrent samplers: each call with the same seed
// gives the same samples as a call on its own (so the calls do not share
// mutable state).
func TestRunConcurrentSampling(t *testing.T) {
	r, err := OpenRun(tinyRun(t), 0)
	if err != nil {
		t.Fatal(err)
	}
	opt := DefaultSampleRunOptions()
	opt.N, opt.Seed, opt.Sampler.Steps = 50, 7, 6
	want, err := r.Sample(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	if want.NFE != 11 || want.Samples.N() != 50 || want.Samples.Dim != 2 {
		t.Fatalf("NFE %d, %d×%d samples", want.NFE, want.Samples.N(), want.Samples.Dim)
	}
	var wg sync.WaitGroup
	got := make([]*SampleResult, 4)
	errs := make([]error, 4)
	for i := range got {
		wg.Go(func() { got[i], errs[i] = r.Sample(context.Background(), opt) })
	}
	wg.Wait()
	for i, g := range got {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		for j, v := range want.Samples.X {
			if g.Samples.X[j] != v {
				t.Fatalf("call %d differs at %d: %v vs %v", i, j, g.Samples.X[j], v)
			}
		}
	}
	// Another seed gives other samples.
	opt.Seed = 8
	other, err := r.Sample(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	if other.Samples.X[0] == want.Samples.X[0] {
		t.Error("seeds 7 and 8 gave the same first sample")
	}
	if _, err := r.Sample(context.Background(), SampleRunOptions{N: 0}); err == nil {
		t.Error("n 0 accepted")
	}
	one := 0
	if _, err := r.Sample(context.Background(), SampleRunOptions{N: 2, Class: &one}); err == nil || !strings.Contains(err.Error(), "not class-conditional") {
		t.Errorf("a class of an unconditional run: %v", err)
	}
	big := SampleRunOptions{N: 1 << 40}
	if _, err := r.Sample(context.Background(), big); !errors.Is(err, ErrTooLarge) {
		t.Errorf("2⁴⁰ samples: %v, want ErrTooLarge", err)
	}
}

func TestTrainResumeRules(t *testing.T) {
	dir := tinyRun(t)
	c := train.DefaultConfig()
	c.Steps = 10
	if _, err := Train(context.Background(), TrainOptions{Config: c, Dir: dir, Resume: true, Given: []string{"steps"}}); err == nil || !strings.Contains(err.Error(), "below the run's 30") {
		t.Errorf("a smaller steps on resume: %v", err)
	}
	c.Steps, c.LR = 40, 1
	if _, err := Train(context.Background(), TrainOptions{Config: c, Dir: dir, Resume: true, Given: []string{"steps", "lr"}}); err == nil || !strings.Contains(err.Error(), "lr 1 contradicts") {
		t.Errorf("another lr on resume: %v", err)
	}
	c.LR = train.DefaultConfig().LR
	res, err := Train(context.Background(), TrainOptions{Config: c, Dir: dir, Resume: true, Given: []string{"steps", "lr"}})
	if err != nil || res.Step != 40 {
		t.Fatalf("resume to 40 steps with the run's own lr: %v, %+v", err, res)
	}
	// A new run: the Poisson process has no mass.
	c = train.DefaultConfig()
	c.Data, c.M = "toy:moons", 1
	if _, err := Train(context.Background(), TrainOptions{Config: c, Dir: filepath.Join(t.TempDir(), "x")}); err == nil || !strings.Contains(err.Error(), "not poisson") {
		t.Errorf("m with poisson: %v", err)
	}
	c.M = 0
	c.Batch = 1e8
	out := filepath.Join(t.TempDir(), "big")
	if _, err := Train(context.Background(), TrainOptions{Config: c, Dir: out}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("batch 1e8: %v, want ErrTooLarge", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Error("a refused run left its directory")
	}
}

// A cancelled training run writes its checkpoint and says so.
func TestTrainInterrupted(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	c := train.DefaultConfig()
	c.Data, c.ToyCount, c.Steps, c.Batch = "toy:moons", 200, 1000, 16
	c.MLP = &nn.MLPConfig{Width: 16, Emb: 32}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := Train(ctx, TrainOptions{Config: c, Dir: dir})
	if !errors.Is(err, train.ErrInterrupted) || res == nil {
		t.Fatalf("error %v, want train.ErrInterrupted", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "config.json")); err != nil {
		t.Error(err)
	}
}

// The estimates let the README's jobs through and stop the sizes the
// hostile probe used: MNIST training at batch 64 (measured peak 660 MiB)
// is estimated between 0.3 and 4 GiB; batch, width, image size and field
// batch of 10⁸ are above the default limit.
func TestTrainEstimates(t *testing.T) {
	c := train.DefaultConfig()
	c.Data, c.Model, c.Batch = "mnist", "", 0
	c = c.WithDataDefaults()
	if c.Model != "unet" || c.Batch != 64 {
		t.Fatalf("MNIST defaults: model %s, batch %d", c.Model, c.Batch)
	}
	e, err := trainEstimate(&c)
	if err != nil {
		t.Fatal(err)
	}
	if e.bytes < 300<<20 || e.bytes > DefaultMaxMemory {
		t.Errorf("MNIST batch 64 estimated at %s, want 0.3–4 GiB", formatBytes(e.bytes))
	}
	for name, edit := range map[string]func(*train.Config){
		"batch":      func(c *train.Config) { c.Batch = 1e8 },
		"image size": func(c *train.Config) { c.ImageH, c.ImageC = 1e5, 3 },
		"field batch": func(c *train.Config) {
			c.Process, c.M, c.FieldBatch, c.Model, c.Data = train.ProcessYukawa, 1, 1e8, "mlp", "toy:moons"
		},
		"width":    func(c *train.Config) { c.Model, c.Data, c.MLP = "mlp", "toy:moons", &nn.MLPConfig{Width: 1e8} },
		"channels": func(c *train.Config) { c.UNet = &nn.UNetConfig{Channels: []int{1e6, 8}} },
	} {
		c2 := c
		edit(&c2)
		e, err := trainEstimate(&c2)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.check("training", 0); !errors.Is(err, ErrTooLarge) {
			t.Errorf("%s: estimate %s accepted", name, formatBytes(e.bytes))
		}
	}
}

// Yukawa and pfgm-field runs with the default MLP build (their network has
// one output more than the data) and sample.
func TestTrainDefaultMLPForEveryObjective(t *testing.T) {
	for name, edit := range map[string]func(*train.Config){
		"yukawa":     func(c *train.Config) { c.Process, c.M, c.D = train.ProcessYukawa, 1, 1 },
		"pfgm-field": func(c *train.Config) { c.Objective, c.D = train.ObjectiveField, 1 },
	} {
		c := train.DefaultConfig()
		c.Data, c.ToyCount, c.Steps, c.Batch, c.FieldBatch = "toy:2clusters", 200, 3, 16, 64
		edit(&c)
		dir := filepath.Join(t.TempDir(), "run")
		if _, err := Train(context.Background(), TrainOptions{Config: c, Dir: dir}); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		o := DefaultSampleRunOptions()
		o.Run, o.N, o.Sampler.Steps = dir, 20, 3
		if name == "pfgm-field" {
			o.Sampler.Solver = sampler.RK45
		}
		res, err := SampleRun(context.Background(), o)
		if err != nil {
			t.Fatalf("%s: sample: %v", name, err)
		}
		if res.Samples.N() != 20 || (name == "yukawa") != (res.Weights != nil) {
			t.Errorf("%s: %d samples, weights %v", name, res.Samples.N(), res.Weights)
		}
	}
}
