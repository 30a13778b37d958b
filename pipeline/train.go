package pipeline

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"image/color"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pfgm/pfgm/nn"
	"github.com/pfgm/pfgm/plot"
	"github.com/pfgm/pfgm/train"
)

// TrainOptions choose a training job.
type TrainOptions struct {
	// Config is the run to train. DataDefaults fills in the settings left
	// at zero that depend on the data (model, batch, image size).
	Config train.Config
	Dir    string // the run directory
	// Resume continues the run in Dir from its newest checkpoint. The
	// run's stored settings rule: Config.Steps may raise the total (a
	// smaller value is an error; 0 keeps it), and every setting named in
	// Given must equal the stored one.
	Resume bool
	// Given names the settings the caller chose explicitly, by their
	// command-line names (see ResumeSettings); on Resume each is checked
	// against the stored run.
	Given []string
	Log   io.Writer // progress and messages (nil: discard)
	// Interval between plain progress lines (0: 10 s).
	Interval time.Duration
	// OnSample writes the periodic samples-STEP.png (nil: SampleGrid).
	OnSample  func(ctx context.Context, t *train.Trainer, path string) error
	MaxMemory int64 // 0: DefaultMaxMemory
}

// TrainResult is a finished (or interrupted) run.
type TrainResult struct {
	Dir    string
	Step   int // steps done
	Params int // the network's parameter count
	Config train.Config
}

// resumeSettings maps the command-line names of the settings stored in a
// run to their values.
var resumeSettings = map[string]func(c *train.Config) any{
	"data":             func(c *train.Config) any { return absPath(c.Data) },
	"model":            func(c *train.Config) any { return c.Model },
	"D":                func(c *train.Config) any { return c.D },
	"batch":            func(c *train.Config) any { return c.Batch },
	"lr":               func(c *train.Config) any { return c.LR },
	"warmup":           func(c *train.Config) any { return c.Warmup },
	"ema":              func(c *train.Config) any { return c.EMA },
	"clip":             func(c *train.Config) any { return c.ClipNorm },
	"seed":             func(c *train.Config) any { return c.Seed },
	"sample-every":     func(c *train.Config) any { return c.SampleEvery },
	"checkpoint-every": func(c *train.Config) any { return c.CheckpointEvery },
	"keep-checkpoints": func(c *train.Config) any { return c.KeepCheckpoints },
	"charges":          func(c *train.Config) any { return c.ToyCount },
	"objective":        func(c *train.Config) any { return cmp.Or(c.Objective, train.ObjectivePFGMpp) },
	"field-batch":      func(c *train.Config) any { return c.FieldBatch },
	"process":          func(c *train.Config) any { return cmp.Or(c.Process, train.ProcessPoisson) },
	"m":                func(c *train.Config) any { return c.M },
	"image-size":       func(c *train.Config) any { return c.ImageH },
	"channels":         func(c *train.Config) any { return c.ImageC },
	"cond":             func(c *train.Config) any { return c.Cond },
	"width": func(c *train.Config) any {
		if c.MLP == nil {
			return 256
		}
		return c.MLP.Width
	},
	"unet-channels": func(c *train.Config) any {
		if c.UNet == nil {
			return fmt.Sprint(nn.DefaultUNetConfig(1, 1, 1).Channels)
		}
		return fmt.Sprint(c.UNet.Channels)
	},
}

// absPath is a data spec with a file or folder made absolute, as a run
// stores it.
func absPath(spec string) string {
	if _, err := os.Stat(spec); err == nil {
		if a, err := filepath.Abs(spec); err == nil {
			return a
		}
	}
	return spec
}

// ResumeSettings lists the setting names TrainOptions.Given understands.
func ResumeSettings() []string {
	out := make([]string, 0, len(resumeSettings))
	for k := range resumeSettings {
		out = append(out, k)
	}
	return out
}

// Train trains a run in opt.Dir (or resumes it), writing config.json,
// checkpoints, loss.csv, sample grids and finally model.safetensors. When
// ctx is cancelled it writes a checkpoint and returns an error wrapping
// train.ErrInterrupted.
func Train(ctx context.Context, opt TrainOptions) (*TrainResult, error) {
	if opt.Dir == "" {
		return nil, errors.New("no run directory given")
	}
	if opt.OnSample == nil {
		opt.OnSample = SampleGrid
	}
	c := opt.Config
	if opt.Resume {
		saved, err := train.LoadConfig(opt.Dir)
		if err != nil {
			return nil, fmt.Errorf("resume: %w", err)
		}
		if err := checkResume(saved, &c, opt.Given); err != nil {
			return nil, err
		}
		c = *saved
		c.Steps = max(saved.Steps, opt.Config.Steps)
	} else {
		c = c.WithDataDefaults()
		if err := checkNewRun(&c); err != nil {
			return nil, err
		}
	}
	e, err := trainEstimate(&c)
	if err != nil {
		return nil, err
	}
	if err := e.check("training", opt.MaxMemory); err != nil {
		return nil, err
	}
	to := train.Options{Dir: opt.Dir, Resume: opt.Resume, Log: opt.Log, Interval: opt.Interval, OnSample: opt.OnSample}
	cc := c
	if opt.Resume {
		cc = train.Config{Steps: c.Steps}
	}
	t, err := train.Train(ctx, &cc, to)
	if t == nil {
		return nil, err
	}
	return &TrainResult{Dir: opt.Dir, Step: t.Step(), Params: nn.CountParams(t.Model), Config: *t.Config}, err
}

// checkResume refuses settings that contradict the stored run: a resumed
// run keeps its settings, and only a larger number of steps is taken.
func checkResume(saved, want *train.Config, given []string) error {
	if want.Steps > 0 && want.Steps < saved.Steps {
		return fmt.Errorf("resume: steps %d is below the run's %d: a resumed run can only be extended", want.Steps, saved.Steps)
	}
	for _, name := range given {
		get, ok := resumeSettings[name]
		if !ok {
			continue
		}
		if a, b := get(want), get(saved); fmt.Sprint(a) != fmt.Sprint(b) {
			return fmt.Errorf("resume: %s %v contradicts the run's %v (a resumed run keeps its settings; only a larger steps is allowed)", name, a, b)
		}
	}
	return nil
}

// checkNewRun refuses the contradictions train.Config.Validate lets pass.
func checkNewRun(c *train.Config) error {
	if (c.Process == "" || c.Process == train.ProcessPoisson) && c.M != 0 {
		return fmt.Errorf("m %g: the mass belongs to the yukawa process, not poisson", c.M)
	}
	if c.Model == "mlp" && train.IsImageSpec(c.Data) {
		return fmt.Errorf("model mlp: %s holds images; train them with the unet", c.Data)
	}
	return c.Validate()
}

// trainEstimate is the memory a training job will need: the data set, the
// network's weights with their gradients, Adam moments, EMA and checkpoint
// copy, a batch's activations, and the field objectives' batch × charges
// matrices.
func trainEstimate(c *train.Config) (estimate, error) {
	var e estimate
	dim := c.Dim
	switch {
	case train.IsImageSpec(c.Data):
		n, err := imageCount(c.Data)
		if err != nil {
			return e, err
		}
		ch, h := c.ImageC, c.ImageH
		if ch == 0 || h == 0 {
			ch, h = 1, 28 // MNIST-like sets bring their own size
		}
		if dim == 0 {
			c2 := *c
			c2.ImageC, c2.ImageH, c2.ImageW = ch, h, h
			c = &c2
		}
		dim = int(min(product(ch, h, h), 1<<40))
		e.add(fmt.Sprintf("%d images of %d×%d×%d", n, ch, h, h), n, dim, 4)
	default:
		vals, d, err := pointsEstimate(c.Data, c.ToyCount)
		if err != nil {
			return e, err
		}
		dim = max(dim, d)
		e.add("the data set", vals, 8+8+4)
	}
	if dim == 0 {
		dim = 1
	}
	c2 := *c
	c2.Dim = dim
	s := shapeOf(&c2)
	e.add("the network's weights and optimiser state", int(min(s.params(), 1<<58)), 4, 6)
	e.addBytes(fmt.Sprintf("a batch of %d's activations", c.Batch), product(c.Batch)*s.activations(true)+product(c.Batch, dim, 4, 4))
	if c.Objective == train.ObjectiveField || c.Process == train.ProcessYukawa {
		fb := c.FieldBatch
		if fb == 0 {
			fb = train.DefaultFieldBatch
		}
		e.add(fmt.Sprintf("the field targets (batch %d × %d charges)", c.Batch, fb), c.Batch, fb, 8, 2)
		e.add("the field charges", fb, dim, 8)
	}
	return e, nil
}

// imageCount is how many images an image spec holds: 60000 for the
// MNIST-like training sets, the number of .png files in a folder.
func imageCount(spec string) (int, error) {
	name, _, _ := strings.Cut(spec, ":")
	if name == "mnist" || name == "fashion-mnist" {
		return 60000, nil
	}
	ents, err := os.ReadDir(spec)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, e := range ents {
		if strings.EqualFold(filepath.Ext(e.Name()), ".png") {
			n++
		}
	}
	return n, nil
}

// SampleGrid is the trainer's periodic picture: a grid of 64 images, or
// 1000 points (2-D data only), drawn with the run's own sampler settings.
func SampleGrid(ctx context.Context, t *train.Trainer, path string) error {
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
		x32 := make([]float32, len(x))
		for i, v := range x {
			x32[i] = float32(v)
		}
		return plot.ImageGridRaw(path, x32, n, c.ImageC, c.ImageH, c.ImageW, 8)
	}
	if c.Dim != 2 {
		return nil // no picture for points of other dimensions
	}
	return plot.WritePanels(path, []plot.Panel{{Title: fmt.Sprintf("samples at step %d", t.Step()), Equal: true,
		Layers: []plot.Layer{plot.Points{XY: x, Color: plot.WithAlpha(color.RGBA{R: 0x1f, G: 0x5f, B: 0xc0, A: 0xff}, 0.5), Radius: 1.2}}}}, 1, 480)
}
