package demo

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"image/color"
	"io"
	"math"
	"math/rand/v2"
	"path/filepath"
	"time"

	"github.com/pfgm/pfgm/data"
	"github.com/pfgm/pfgm/internal/atomicfile"
	"github.com/pfgm/pfgm/metrics"
	"github.com/pfgm/pfgm/plot"
	"github.com/pfgm/pfgm/process"
	"github.com/pfgm/pfgm/sampler"
	"github.com/pfgm/pfgm/train"
)

// The demo's random streams (second PCG words), apart from the training
// data's: the held-out reference set and the samples' prior.
const (
	heldOutStream = 0x68656c64 // "held"
	sampleStream  = 0x73616d70 // "samp"
)

// Options configure a demo. The zero value of a field means its default
// (see DefaultOptions).
type Options struct {
	Out     string    // output directory
	Toy     string    // built-in 2-D set
	Ds      []float64 // augmented dimensions
	Steps   int       // training steps per model
	Batch   int       // training batch
	Samples int       // samples drawn per model and held-out size/2
	Seed    uint64
	Log     io.Writer // progress (nil: discard)
}

// DefaultOptions is the README's demo: moons, D = 4, 128 and ∞, 6000 steps
// of batch 256 per model, 2000 samples each, seed 1, in pfgm-demo.
func DefaultOptions() Options {
	return Options{
		Out: "pfgm-demo", Toy: "moons", Ds: []float64{4, 128, math.Inf(1)},
		Steps: 6000, Batch: 256, Samples: 2000, Seed: 1,
	}
}

func (o *Options) defaults() {
	d := DefaultOptions()
	o.Out = cmp.Or(o.Out, d.Out)
	o.Toy = cmp.Or(o.Toy, d.Toy)
	if len(o.Ds) == 0 {
		o.Ds = d.Ds
	}
	o.Steps = cmp.Or(o.Steps, d.Steps)
	o.Batch = cmp.Or(o.Batch, d.Batch)
	o.Samples = cmp.Or(o.Samples, d.Samples)
	o.Seed = cmp.Or(o.Seed, d.Seed)
	if o.Log == nil {
		o.Log = io.Discard
	}
}

// Result is one trained model's score.
type Result struct {
	D        string  `json:"D"`
	SW2      float64 `json:"sw2"`
	SW2Floor float64 `json:"sw2_floor"`
	Ratio    float64 `json:"sw2_ratio"`
	MMD      float64 `json:"mmd"`
	NFE      int     `json:"nfe"`
	TrainSec float64 `json:"train_seconds"`
	Run      string  `json:"run"`
}

// Report is what a demo writes to metrics.json.
type Report struct {
	Toy     string   `json:"toy"`
	Steps   int      `json:"steps"`
	Results []Result `json:"results"`
	Picture string   `json:"picture"`
}

// Run trains and scores one model per D and writes Out/demo.png and
// Out/metrics.json. Each model's run directory (Out/D-…) can be sampled again
// with `pfgm sample --run`.
func Run(ctx context.Context, o Options) (*Report, error) {
	o.defaults()
	if o.Steps < 1 || o.Samples < 2 || o.Batch < 1 {
		return nil, fmt.Errorf("demo: steps, batch and samples must be positive")
	}
	// Held-out reference data, from a stream the training set never sees.
	ref, err := data.Toy(o.Toy, 2*o.Samples, rand.New(rand.NewPCG(o.Seed, heldOutStream)))
	if err != nil {
		return nil, err
	}
	rep := &Report{Toy: o.Toy, Steps: o.Steps, Picture: filepath.Join(o.Out, "demo.png")}
	bounds := boundsOf(ref.X)
	panels := []plot.Panel{{Title: "held-out data", Bounds: bounds, Equal: true, Layers: []plot.Layer{
		plot.Points{XY: ref.X[:2*o.Samples], Color: plot.WithAlpha(color.Black, 0.35), Radius: 1.2}}}}
	for _, D := range o.Ds {
		res, xy, err := trainAndScore(ctx, o, D, ref)
		if err != nil {
			return nil, err
		}
		rep.Results = append(rep.Results, res)
		fmt.Fprintf(o.Log, "D=%-4s sw2 %.4f = %.2f × floor %.4f  (NFE %d, trained in %.0f s)\n",
			res.D, res.SW2, res.Ratio, res.SW2Floor, res.NFE, res.TrainSec)
		panels = append(panels, plot.Panel{
			Title: fmt.Sprintf("D=%s  sw2 %.2fx floor", res.D, res.Ratio), Bounds: bounds, Equal: true,
			Layers: []plot.Layer{plot.Points{XY: xy, Color: plot.WithAlpha(color.RGBA{R: 0x1f, G: 0x5f, B: 0xc0, A: 0xff}, 0.45), Radius: 1.2}},
		})
	}
	if err := plot.WritePanels(rep.Picture, panels, len(panels), 360); err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := atomicfile.WriteFile(filepath.Join(o.Out, "metrics.json"), append(b, '\n')); err != nil {
		return nil, err
	}
	return rep, nil
}

func trainAndScore(ctx context.Context, o Options, D float64, ref *data.Points) (Result, []float64, error) {
	c := train.DefaultConfig()
	c.Data, c.Model, c.D = "toy:"+o.Toy, "mlp", D
	c.Steps, c.Batch, c.Seed = o.Steps, o.Batch, o.Seed
	c.CheckpointEvery = 0
	dir := filepath.Join(o.Out, "D-"+process.FormatD(D))
	start := time.Now()
	if _, err := train.Train(ctx, &c, train.Options{Dir: dir, Log: o.Log, Interval: 15 * time.Second}); err != nil {
		return Result{}, nil, fmt.Errorf("D=%s: %w", process.FormatD(D), err)
	}
	secs := time.Since(start).Seconds()
	// Score the saved EMA model, as `pfgm sample --run` will see it, rather
	// than the trainer's live weights.
	m, err := train.Open(dir)
	if err != nil {
		return Result{}, nil, err
	}
	opt := sampler.DefaultOptions()
	x, res, err := m.Sample(ctx, o.Samples, 1024, opt, rand.New(rand.NewPCG(o.Seed, sampleStream)))
	if err != nil {
		return Result{}, nil, err
	}
	samples := &data.Points{Dim: 2, X: x}
	if err := data.WritePoints(filepath.Join(dir, "samples.csv"), samples); err != nil {
		return Result{}, nil, err
	}
	score, err := metrics.Compare(ref, samples, metrics.Options{Seed: o.Seed})
	if err != nil {
		return Result{}, nil, err
	}
	return Result{
		D: process.FormatD(D), SW2: score.SW2, SW2Floor: score.SW2Floor, Ratio: score.SW2Ratio,
		MMD: score.MMD, NFE: res.NFE, TrainSec: secs, Run: dir,
	}, x, nil
}

// boundsOf is the box around x, y pairs with a 10 % margin, so that every
// panel of the demo shows the same window.
func boundsOf(xy []float64) *plot.Rect {
	r := plot.Rect{MinX: math.Inf(1), MinY: math.Inf(1), MaxX: math.Inf(-1), MaxY: math.Inf(-1)}
	for i := 0; i+1 < len(xy); i += 2 {
		r.MinX, r.MaxX = min(r.MinX, xy[i]), max(r.MaxX, xy[i])
		r.MinY, r.MaxY = min(r.MinY, xy[i+1]), max(r.MaxY, xy[i+1])
	}
	mx, my := 0.1*(r.MaxX-r.MinX), 0.1*(r.MaxY-r.MinY)
	return &plot.Rect{MinX: r.MinX - mx, MinY: r.MinY - my, MaxX: r.MaxX + mx, MaxY: r.MaxY + my}
}
